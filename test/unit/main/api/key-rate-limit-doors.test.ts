import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { setRateLimit } from '../../../../src/main/core/keys/rate-limit-setting';
import { MODEL_CHANNELS, chargeSessionCall, sessionKeyId } from '../../../../src/main/core/keys/key-rate-limit';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { startBridgeHost, type BridgeHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { seedPrompt } from '../../../helpers/workspace';

/**
 * Attack 15a F1/F2/F3: a key's per-key limit counts every request made with the key, whatever the
 * door: the API, `/bridge/sign-in` with the key, Conductor's token exchange, and the model calls of
 * a browser session signed in with the key. The session's other calls (the UI) are never refused.
 */

let served: BridgeHost;
const owner = () => served.host.workspace.as(served.host.workspace.owner.id);
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  served = await startBridgeHost();
  seedPrompt(owner(), 'greet', 'Hello {{who}}', { api: true });
  seedPrompt(owner(), 'open', 'Hi {{who}}', { api: true });
  setApiSettings(owner(), { name: 'open', apiAccess: true, keyRequired: false });
});
afterAll(() => served.stop());
afterEach(() => {
  vi.useRealTimers();
  setRateLimit(owner(), { perSecond: 0 });
});

let keys = 0;
/** A fresh key (a fresh bucket) with every scope, so it may sign in. */
function freshKey() {
  return createKey(owner(), { userEmail: owner().actor.email, label: `k${++keys}` });
}

const signIn = (key: string) => http(served.port, 'POST', '/bridge/sign-in', { headers: json, body: JSON.stringify({ key }) });
const render = (key: string) =>
  http(served.port, 'POST', '/api/v1/prompts/greet/render', { headers: { ...json, authorization: `Bearer ${key}` }, body: JSON.stringify({ variables: { who: 'Ada' } }) });

type Door = { name: string; charged: boolean; prepare(key: string, prefix: string): Promise<() => Promise<RawResponse>> };

const DOORS: Door[] = [
  { name: 'API /api/v1 render', charged: true, prepare: async (key) => () => render(key) },
  { name: 'POST /bridge/sign-in with the key', charged: true, prepare: async (key) => () => signIn(key) },
  {
    name: 'Conductor POST /api/token (minting)',
    charged: true,
    prepare: async (key, prefix) => () => http(served.port, 'POST', '/compat/conductor/api/token', { headers: json, body: JSON.stringify({ keyId: prefix, keySecret: key }) }),
  },
  {
    name: 'session signed in with the key: runs:start (a model call)',
    charged: true,
    prepare: async (key) => {
      const session = (await signIn(key)).json().session as string;
      return () => served.bridge('runs:start', { name: 'greet', variables: { who: 'Ada' }, model: 'local:echo' }, session);
    },
  },
  {
    name: 'session signed in with the key: prompts:list (the UI)',
    charged: false,
    prepare: async (key) => {
      const session = (await signIn(key)).json().session as string;
      return () => served.bridge('prompts:list', {}, session);
    },
  },
];

describe.each(DOORS)('$name', (door) => {
  it.each([
    ['limited (3/s, burst 6)', 3],
    ['unlimited (0)', 0],
  ])('%s', async (_label, perSecond) => {
    const { key, info } = freshKey();
    // Sessions are opened while the limit is off, so only the door's own calls are counted.
    const call = await door.prepare(key, info.prefix);
    setRateLimit(owner(), { perSecond });
    // Time stands still: no token comes back between requests, so exactly the burst is answered.
    vi.useFakeTimers({ toFake: ['Date'] });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await call()).status);
    const limited = perSecond > 0 && door.charged;
    expect(statuses).toEqual(limited ? [200, 200, 200, 200, 200, 200, 429, 429, 429] : Array(9).fill(200));
    const refused = await call();
    if (limited) {
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(refused.json().detail).toMatch(/3 requests\/s/);
    }
    // One budget per key: what the door spent is gone for the API too (and an uncharged door spent nothing).
    expect((await render(key)).status).toBe(limited ? 429 : 200);
  });
});

describe('one key, one budget across doors', () => {
  it('sign-in, minting, a session model call and the API draw on the same bucket; another key is untouched', async () => {
    const { key, info } = freshKey();
    const other = freshKey();
    setRateLimit(owner(), { perSecond: 3 });
    vi.useFakeTimers({ toFake: ['Date'] });
    const session = (await signIn(key)).json().session as string;
    expect((await http(served.port, 'POST', '/compat/conductor/api/token', { headers: json, body: JSON.stringify({ keyId: info.prefix, keySecret: key }) })).status).toBe(200);
    expect((await served.bridge('runs:start', { name: 'greet', variables: { who: 'Ada' }, model: 'local:echo' }, session)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await render(key)).status).toBe(200);
    // 6 spent: every door is now refused for this key...
    expect((await render(key)).status).toBe(429);
    expect((await signIn(key)).status).toBe(429);
    expect((await served.bridge('runs:start', { name: 'greet', variables: { who: 'Ada' }, model: 'local:echo' }, session)).status).toBe(429);
    // ...but the session's UI still answers, and another key has its own budget.
    expect((await served.bridge('prompts:list', {}, session)).status).toBe(200);
    expect((await render(other.key)).status).toBe(200);
  });

  it('a session from a sign-in link or the desktop owner has no key, so nothing is charged', () => {
    expect(sessionKeyId({ userId: 'u', keyId: null, from: [] })).toBeNull();
    expect(sessionKeyId({ userId: 'u2', keyId: 'consent', from: [{ userId: 'u', keyId: 'first' }] })).toBe('first');
    setRateLimit(owner(), { perSecond: 1 });
    for (const channel of MODEL_CHANNELS) for (let i = 0; i < 5; i++) chargeSessionCall(served.host.workspace.store, { userId: 'u', keyId: null, from: [] }, channel);
  });
});

describe('F3: a prompt with "Key required" off has no key, so no per-key limit (README)', () => {
  it('keyless renders are not refused at 3/s', async () => {
    setRateLimit(owner(), { perSecond: 3 });
    vi.useFakeTimers({ toFake: ['Date'] });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await http(served.port, 'POST', '/api/v1/prompts/open/render', { headers: json, body: JSON.stringify({ variables: { who: 'Ada' } }) })).status);
    expect(statuses).toEqual(Array(12).fill(200));
  });
});

describe("F9: a door's 429 in the door's own error shape, with the problem+json members and Retry-After", () => {
  const get = (path: string) => (key: string) => http(served.port, 'GET', path, { headers: { authorization: `Bearer ${key}` } });
  const DOOR_429 = [
    {
      door: 'Open WebUI (FastAPI detail: ERROR_MESSAGES.RATE_LIMIT_EXCEEDED)',
      call: get('/compat/openwebui/api/v1/prompts/'),
      check: (body: Record<string, unknown>) => expect(body).toMatchObject({ detail: 'API rate limit exceeded', reason: expect.stringMatching(/1 requests\/s/) }),
      contentType: /^application\/problem\+json/,
    },
    {
      door: 'Respan (DRF Throttled detail)',
      call: get('/compat/respan/api/prompts/list/'),
      check: (body: Record<string, unknown>) => expect(body).toMatchObject({ detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds?\.$/), reason: expect.stringMatching(/1 requests\/s/) }),
      contentType: /^application\/problem\+json/,
    },
    {
      door: 'Conductor (message, retryable)',
      call: (key: string) => http(served.port, 'GET', '/compat/conductor/api/prompts', { headers: { 'x-authorization': key } }),
      check: (body: Record<string, unknown>) => expect(body).toMatchObject({ message: expect.stringMatching(/1 requests\/s/), retryable: true }),
      contentType: /^application\/problem\+json/,
    },
    {
      door: 'MCP (JSON-RPC error, id null)',
      call: (key: string) =>
        http(served.port, 'POST', '/mcp', {
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
        }),
      check: (body: Record<string, unknown>) =>
        expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: expect.stringMatching(/1 requests\/s/), data: { code: 'rate_limited', retryAfter: expect.any(Number) } } }),
      contentType: /^application\/json/,
    },
    {
      door: 'native /api/v1 (problem+json)',
      call: get('/api/v1/prompts'),
      check: (body: Record<string, unknown>) => expect(body.detail).toMatch(/1 requests\/s/),
      contentType: /^application\/problem\+json/,
    },
  ];

  it.each(DOOR_429)('$door', async ({ call, check, contentType }) => {
    const { key } = freshKey();
    setRateLimit(owner(), { perSecond: 1 });
    vi.useFakeTimers({ toFake: ['Date'] });
    // Burst 2, then refused (whatever the first two answered: the door's own statuses are not the point here).
    await call(key);
    await call(key);
    const refused = await call(key);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(contentType);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const body = refused.json() as Record<string, unknown>;
    check(body);
    // Every door keeps the problem+json members, so one reader handles them all.
    expect(body).toMatchObject({ status: 429, code: 'rate_limited', type: expect.any(String), title: expect.any(String) });
  });
});
