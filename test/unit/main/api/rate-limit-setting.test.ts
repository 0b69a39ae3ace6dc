import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../../../src/main/core/errors';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import {
  apiRateLimit,
  DEFAULT_RATE_LIMIT,
  MAX_RATE_LIMIT,
  parseRateLimit,
  RATE_LIMIT_SETTING,
  setRateLimit,
} from '../../../../src/main/core/keys/rate-limit-setting';
import { addUser } from '../../../../src/main/core/users/users-service';
import { main } from '../../../../src/main/headless/cli';
import { startHost, type Host } from '../../../../src/main/host';
import { expectProblem, startBridgeHost, type BridgeHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { seedPrompt, tempDir } from '../../../helpers/workspace';

const INVALID: unknown[] = [-1, 1.5, 'abc', 1e9, MAX_RATE_LIMIT + 1, '1e3', '-1', '1.5', '', ' ', Number.NaN, Infinity, null, true, {}, []];
const VALID: [unknown, number][] = [
  [0, 0],
  [-0, 0],
  [1, 1],
  [5, 5],
  [1000, 1000],
  [MAX_RATE_LIMIT, MAX_RATE_LIMIT],
  ['0', 0],
  [' 42 ', 42],
];

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseRateLimit: the one rule for the value', () => {
  it.each(VALID)('accepts %j as %d', (value, expected) => {
    expect(parseRateLimit(value)).toBe(expected);
  });

  it.each(INVALID.map((v) => [v]))('refuses %j at the field it is given', (value) => {
    const error = refusal(() => parseRateLimit(value, 'perSecond'));
    expect(error.toJSON()).toMatchObject({ code: 'invalid_input', field: 'perSecond' });
    expect(error.message).toMatch(/whole number .* from 0 \(no limit\) to 1,000,000/);
  });

  it('accepts exactly the integers 0..max, as numbers and as their digits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -2 * MAX_RATE_LIMIT, max: 2 * MAX_RATE_LIMIT }), fc.double({ noNaN: true })), (value) => {
        const ok = Number.isInteger(value) && value >= 0 && value <= MAX_RATE_LIMIT;
        for (const given of [value, String(value)]) {
          // Math.abs: -0 is 0.
          if (ok) expect(parseRateLimit(given)).toBe(Math.abs(value));
          else expect(() => parseRateLimit(given)).toThrow(AppError);
        }
      }),
    );
  });
});

/** A host as `promptdesk serve` runs it, with the per-key limit from the setting (no fixed limits). */
let served: BridgeHost;
let key: string;
const render = () =>
  http(served.port, 'POST', '/api/v1/prompts/greet/render', {
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ variables: { who: 'Ada' } }),
  });
const owner = () => served.host.workspace.as(served.host.workspace.owner.id);

beforeAll(async () => {
  served = await startBridgeHost();
  seedPrompt(owner(), 'greet', 'Hello {{who}}', { api: true });
  key = createKey(owner(), { userEmail: owner().actor.email, label: 'rate' }).key;
});
afterAll(() => served.stop());
afterEach(() => vi.useRealTimers());

/** Requests from one key until the first 429 (at most `cap`): how many were answered 200 before it, and the 429. */
async function untilRefused(cap: number) {
  let ok = 0;
  for (let i = 0; i < cap; i++) {
    const res = await render();
    if (res.status === 429) return { ok, refused: res };
    expect(res.status).toBe(200);
    ok++;
  }
  return { ok, refused: undefined };
}

describe('the per-key limit is the workspace setting, applied live', () => {
  it('starts at the default, 1,000 requests/s with a burst of 2,000', () => {
    expect(apiRateLimit(served.host.workspace.store)).toMatchObject({ perSecond: DEFAULT_RATE_LIMIT, burst: 2 * DEFAULT_RATE_LIMIT, saved: DEFAULT_RATE_LIMIT, fromFlag: false });
  });

  it('N = 5: the request past the burst (2 x 5) answers 429 problem+json with Retry-After; the next save applies at once', async () => {
    const saved = (await served.bridge('keys:setRateLimit', { perSecond: 5 })).json();
    expect(saved).toMatchObject({ ok: true, value: { perSecond: 5, burst: 10, saved: 5, fromFlag: false } });
    // Time stands still, so no token comes back between requests: exactly the burst is answered.
    vi.useFakeTimers({ toFake: ['Date'] });
    const { ok, refused } = await untilRefused(20);
    expect(ok).toBe(10);
    expectProblem(refused!, 429);
    expect(refused!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused!.json().detail).toMatch(/5 requests\/s/);
    // Off (0) applies to the very next request, without a restart.
    expect((await served.bridge('keys:setRateLimit', { perSecond: '0' })).json()).toMatchObject({ ok: true, value: { perSecond: 0, burst: 0 } });
    expect((await render()).status).toBe(200);
  });

  it('0 = off: 5,000 quick requests from one key are never refused', async () => {
    setRateLimit(owner(), { perSecond: 0 });
    vi.useFakeTimers({ toFake: ['Date'] });
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 100; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => render()));
      for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 5000 });
  });

  it.each(INVALID.filter((v) => typeof v === 'number' || typeof v === 'string').map((v) => [v]))(
    'the channel refuses %j naming perSecond, and nothing changes',
    async (value) => {
      setRateLimit(owner(), { perSecond: 7 });
      const answer = (await served.bridge('keys:setRateLimit', { perSecond: value })).json();
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'perSecond' } });
      expect(apiRateLimit(served.host.workspace.store)).toMatchObject({ perSecond: 7, saved: 7 });
      expect(served.host.workspace.store.settings.get(RATE_LIMIT_SETTING)).toBe(7);
    },
  );

  it('only an admin saves it; a member reads it and changes nothing', async () => {
    setRateLimit(owner(), { perSecond: 9 });
    const member = addUser(owner(), { email: 'mia@example.com', name: 'Mia', role: 'member' });
    const ctx = served.host.workspace.as(member.id);
    expect(refusal(() => setRateLimit(ctx, { perSecond: 0 })).code).toBe('forbidden');
    expect(apiRateLimit(served.host.workspace.store)).toMatchObject({ perSecond: 9, saved: 9 });
  });
});

describe('serve --rate-limit N', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('is in force for that run over the saved value, is not saved, and a save in Settings replaces it', async () => {
    const dir = tempDir();
    try {
      host = await startHost({ dataDir: dir.dir, mode: 'headless', port: 0, rateLimit: 3 });
      const store = host.workspace.store;
      expect(apiRateLimit(store)).toMatchObject({ perSecond: 3, burst: 6, saved: DEFAULT_RATE_LIMIT, fromFlag: true });
      expect(store.settings.get(RATE_LIMIT_SETTING)).toBeUndefined();
      const ctx = host.workspace.as(host.workspace.owner.id);
      seedPrompt(ctx, 'greet', 'Hello {{who}}', { api: true });
      const flagKey = createKey(ctx, { userEmail: ctx.actor.email, label: 'flag' }).key;
      vi.useFakeTimers({ toFake: ['Date'] });
      const call = () =>
        http(host!.server!.port, 'POST', '/api/v1/prompts/greet/render', {
          headers: { authorization: `Bearer ${flagKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ variables: { who: 'Ada' } }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await call()).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
      expect(setRateLimit(ctx, { perSecond: 0 })).toMatchObject({ perSecond: 0, saved: 0, fromFlag: false });
      expect((await call()).status).toBe(200);
    } finally {
      await host?.close();
      host = undefined;
      dir.cleanup();
    }
  });

  describe('a bad value is a usage error naming the flag, before anything opens', () => {
    let out = '';
    let err = '';
    beforeAll(() => {
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    });
    afterAll(() => vi.restoreAllMocks());

    it.each([['-1'], ['1.5'], ['abc'], ['1e9'], ['1000001'], ['']])('--rate-limit=%s', async (value) => {
      const dir = tempDir();
      out = '';
      err = '';
      try {
        expect(await main(['serve', '--data-dir', dir.dir, '--port', '0', `--rate-limit=${value}`])).toBe(2);
        expect(err).toMatch(/^promptdesk: --rate-limit .*whole number of requests per second per key, from 0 \(no limit\) to 1,000,000/);
        expect(out).toBe('');
      } finally {
        dir.cleanup();
      }
    });
  });
});
