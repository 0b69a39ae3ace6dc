import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { createApiApp } from '../../../../src/main/api/app';
import type { ApiEnv } from '../../../../src/main/api/env';
import type { RateLimits } from '../../../../src/main/api/rate-limit';
import { listen, type RunningServer } from '../../../../src/main/api/server';
import { createKey, revokeKey } from '../../../../src/main/core/keys/keys-service';
import { pinDeployment } from '../../../../src/main/core/versions/lifecycle';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';

/**
 * Render's fast path (api/fast-render.ts) against the Hono app alone: the same requests, in the
 * same order, to a server with the fast path and one without (ListenOptions.fastRender false),
 * both on one workspace, each with its own key gate (throttle and rate budgets). Every answer must
 * be the same bytes (status line, headers in order, body), Date aside. The fast side also counts
 * the requests its Hono app saw: the ordinary success is answered without it, everything else is
 * handed to it.
 */

interface Side {
  server: RunningServer;
  /** Requests the Hono app was asked to answer. */
  honoCalls: () => number;
}

async function serve(app: Hono<ApiEnv>, fastRender: boolean): Promise<Side> {
  let calls = 0;
  const fetch = app.fetch;
  app.fetch = (...args: Parameters<typeof fetch>) => {
    calls++;
    return fetch(...args);
  };
  const server = await listen(app, '127.0.0.1', 0, undefined, { fastRender });
  return { server, honoCalls: () => calls };
}

interface Pair {
  fast: Side;
  slow: Side;
  stop(): Promise<void>;
}

const world = testWorkspace();
const { workspace, owner } = world;

async function pair(limits: RateLimits): Promise<Pair> {
  const fast = await serve(createApiApp({ workspace, version: 'test', limits }), true);
  const slow = await serve(createApiApp({ workspace, version: 'test', limits }), false);
  return { fast, slow, stop: async () => void (await Promise.all([fast.server.close(), slow.server.close()])) };
}

/** A request as raw bytes; `host` and every header given as sent (`{port}` in the Host replaced). */
interface Raw {
  method?: string;
  target?: string;
  /**
   * Header lines in order; `{port}` is the server's port, `{owner}`, `{member}`, `{readOnly}`,
   * `{revoked}` the keys (made in beforeAll, after the cases are declared). Defaults: Host,
   * Authorization (the owner's key), Content-Type; then Content-Length.
   */
  headers?: [string, string][];
  body?: string | Buffer;
  /** Send the body chunked, without Content-Length. */
  chunked?: boolean;
}

let ownerKey = '';
let memberKey = '';
let readOnlyKey = '';
let revokedKey = '';
const withKeys = (text: string) => text.replace('{owner}', ownerKey).replace('{member}', memberKey).replace('{readOnly}', readOnlyKey).replace('{revoked}', revokedKey);

function requestBytes(port: number, r: Raw): Buffer {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
  const headers = r.headers ?? [
    ['Host', '127.0.0.1:{port}'],
    ['Authorization', 'Bearer {owner}'],
    ['Content-Type', 'application/json'],
  ];
  const lines = headers.map(([name, value]) => `${name}: ${withKeys(value).replace('{port}', String(port))}`);
  if (r.chunked) lines.push('Transfer-Encoding: chunked');
  else if (body.length > 0 || (r.method ?? 'POST') === 'POST') lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${r.method ?? 'POST'} ${withKeys(r.target ?? '/api/v1/prompts/greet/render')} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!r.chunked) return Buffer.concat([head, body]);
  const chunks: Buffer[] = [head];
  for (let at = 0; at < body.length; at += 65_536) {
    const part = body.subarray(at, at + 65_536);
    chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`, 'latin1'), part, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(chunks);
}

/** Sends one request on a fresh keep-alive connection; the whole answer as text, its Date line left out. */
function exchange(port: number, r: Raw): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const done = () => {
      socket.destroy();
      resolve(data.toString('latin1').replace(/\r\nDate: [^\r]*/, ''));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no whole answer to ${r.method ?? 'POST'} ${r.target ?? ''}: ${data.toString('latin1').slice(0, 300)}`));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = data.subarray(0, end).toString('latin1');
      const status = Number(head.split(' ')[1]);
      const length = /\r\ncontent-length: (\d+)/i.exec(head);
      const bodyless = r.method === 'HEAD' || status === 304 || status === 204;
      if (bodyless || (length && data.length - end - 4 >= Number(length[1]))) {
        clearTimeout(timer);
        done();
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      done();
    });
    socket.on('error', () => undefined);
    socket.write(requestBytes(port, r));
  });
}

/** The answers of both sides to `r` (fast first), and whether the fast side's Hono app was asked. */
async function both(p: Pair, r: Raw): Promise<{ fast: string; slow: string; handedOn: boolean }> {
  const before = p.fast.honoCalls();
  const fast = await exchange(p.fast.server.port, r);
  const handedOn = p.fast.honoCalls() > before;
  const slow = await exchange(p.slow.server.port, r);
  return { fast, slow, handedOn };
}

/** Who answers a request on the fast side. */
type Door = 'fast' | 'app' | 'guard';

const statusOf = (answer: string) => Number(answer.split(' ')[1]);
const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);
const json = (value: unknown) => JSON.stringify(value);

beforeAll(() => {
  seedPrompt(owner, 'greet', 'Hello {{who}}', { api: true });
  seedPrompt(owner, 'letter', 'Dear {{name}},\n{{question}} {{ name }}', { api: true });
  seedPrompt(owner, 'pinned', 'One {{x}}', { api: true });
  saveVersion(owner, SaveVersionInput.parse({ name: 'pinned', template: { kind: 'text', text: 'Two {{x}}' } }));
  pinDeployment(owner, 'pinned', 1);
  seedPrompt(owner, 'no-api', 'Off {{x}}');
  seedPrompt(owner, 'secret', 'Private {{x}}', { api: true });
  seedPrompt(owner, 'shared', 'Shared {{x}}', { api: true });
  setSharingLevel(owner, { name: 'shared', level: 'library_view' });
  seedPrompt(owner, 'open', 'Keyless {{x}}', { api: true });
  setApiSettings(owner, { name: 'open', apiAccess: true, keyRequired: false });
  ownerKey = createKey(owner, { userEmail: owner.actor.email, label: 'owner' }).key;
  readOnlyKey = createKey(owner, { userEmail: owner.actor.email, label: 'read only', scopes: ['read'] }).key;
  const revoked = createKey(owner, { userEmail: owner.actor.email, label: 'revoked' });
  revokedKey = revoked.key;
  revokeKey(owner, revoked.info.id);
  const m = member(owner, 'fast-member@example.com');
  memberKey = createKey(owner, { userEmail: m.actor.email, label: 'member' }).key;
});
afterAll(() => world.cleanup());

const H = (auth: string | null, extra: [string, string][] = [], type = 'application/json'): [string, string][] => [
  ['Host', '127.0.0.1:{port}'],
  ...(auth === null ? [] : ([['Authorization', `Bearer ${auth}`]] as [string, string][])),
  ['Content-Type', type],
  ...extra,
];

describe('render fast path answers exactly as the Hono app', () => {
  let p: Pair;
  beforeAll(async () => {
    p = await pair({ perKeyPerSecond: 1e6, perKeyBurst: 1e6, failedAuthPerMinute: 1e6 });
  });
  afterAll(() => p.stop());

  // [case, request, who answers: the fast path itself, the Hono app (handed on), or the Host/Origin guard before both]
  const cases = (): [string, Raw, Door][] => [
    ['good render', { body: json({ variables: { who: 'Ada' } }) }, 'fast'],
    ['good render, unused variable', { body: json({ variables: { who: 'Ada', extra: 'x' } }) }, 'fast'],
    ['two variables, repeated use, unicode values', { target: '/api/v1/prompts/letter/render', body: json({ variables: { name: 'Zoë 🎉', question: 'Why\n"quoted"?' } }) }, 'fast'],
    ['number and boolean values', { target: '/api/v1/prompts/letter/render', body: json({ variables: { name: 3, question: true } }) }, 'fast'],
    ['missing variable', { body: json({ variables: {} }) }, 'app'],
    ['empty body', { body: '' }, 'app'],
    ['variables left out', { body: '{}' }, 'app'],
    ['pinned deployment serves its version', { target: '/api/v1/prompts/pinned/render', body: json({ variables: { x: '1' } }) }, 'fast'],
    ['?version=2', { target: '/api/v1/prompts/pinned/render?version=2', body: json({ variables: { x: '1' } }) }, 'fast'],
    ['body version 2', { target: '/api/v1/prompts/pinned/render', body: json({ version: 2, variables: { x: '1' } }) }, 'fast'],
    ['?version and body agree', { target: '/api/v1/prompts/pinned/render?version=2', body: json({ version: 2, variables: { x: '1' } }) }, 'fast'],
    ['?version and body differ', { target: '/api/v1/prompts/pinned/render?version=1', body: json({ version: 2, variables: { x: '1' } }) }, 'app'],
    ['?version=9 (no such version)', { target: '/api/v1/prompts/pinned/render?version=9', body: json({ variables: { x: '1' } }) }, 'app'],
    ['?version=0', { target: '/api/v1/prompts/pinned/render?version=0', body: json({ variables: { x: '1' } }) }, 'app'],
    ['?version=abc', { target: '/api/v1/prompts/pinned/render?version=abc', body: json({ variables: { x: '1' } }) }, 'app'],
    ['?version=1&x=2', { target: '/api/v1/prompts/pinned/render?version=1&x=2', body: json({ variables: { x: '1' } }) }, 'app'],
    ['?key= in the URL', { target: '/api/v1/prompts/greet/render?key={owner}', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['unknown prompt', { target: '/api/v1/prompts/never-made/render', body: json({ variables: { x: '1' } }) }, 'app'],
    ['prompt without API access', { target: '/api/v1/prompts/no-api/render', body: json({ variables: { x: '1' } }) }, 'app'],
    ['hidden prompt (member, private)', { target: '/api/v1/prompts/secret/render', headers: H('{member}'), body: json({ variables: { x: '1' } }) }, 'app'],
    ['unknown prompt (member)', { target: '/api/v1/prompts/never-made/render', headers: H('{member}'), body: json({ variables: { x: '1' } }) }, 'app'],
    ['shared prompt (member)', { target: '/api/v1/prompts/shared/render', headers: H('{member}'), body: json({ variables: { x: '1' } }) }, 'fast'],
    ['keyless prompt without a key', { target: '/api/v1/prompts/open/render', headers: H(null), body: json({ variables: { x: '1' } }) }, 'fast'],
    ['key-required prompt without a key', { headers: H(null), body: json({ variables: { who: 'A' } }) }, 'app'],
    ['wrong key', { headers: H('pd_AAAAAAAAAAAA_wrongwrongwrongwrongwrongwrongwrongwrongwro'), body: json({ variables: { who: 'A' } }) }, 'app'],
    ['revoked key', { headers: H('{revoked}'), body: json({ variables: { who: 'A' } }) }, 'app'],
    ['key without the run scope', { headers: H('{readOnly}'), body: json({ variables: { who: 'A' } }) }, 'app'],
    ['Basic authorization + X-Authorization key', { headers: [['Host', '127.0.0.1:{port}'], ['Authorization', 'Basic Zm9vOmJhcg=='], ['X-Authorization', '{owner}'], ['Content-Type', 'application/json']], body: json({ variables: { who: 'A' } }) }, 'fast'],
    ['Authorization sent twice', { headers: [['Host', '127.0.0.1:{port}'], ['Authorization', 'Bearer {owner}'], ['Authorization', 'Bearer other'], ['Content-Type', 'application/json']], body: json({ variables: { who: 'A' } }) }, 'app'],
    ['disallowed Host', { headers: [['Host', 'evil.example:{port}'], ['Authorization', 'Bearer {owner}'], ['Content-Type', 'application/json']], body: json({ variables: { who: 'A' } }) }, 'guard'],
    ['Host in capitals (allowed)', { headers: H('{owner}').map(([n, v]) => (n === 'Host' ? [n, 'LOCALHOST:{port}'] : [n, v])), body: json({ variables: { who: 'A' } }) }, 'fast'],
    ['cross-site Origin', { headers: H('{owner}', [['Origin', 'http://evil.example']]), body: json({ variables: { who: 'A' } }) }, 'guard'],
    ['same-origin Origin', { headers: H('{owner}', [['Origin', 'http://127.0.0.1:{port}']]), body: json({ variables: { who: 'A' } }) }, 'fast'],
    ['oversize body (declared)', { body: json({ variables: { who: 'x'.repeat(1024 * 1024) } }) }, 'app'],
    ['oversize body (chunked)', { body: json({ variables: { who: 'x'.repeat(1024 * 1024) } }), chunked: true }, 'app'],
    ['chunked body', { body: json({ variables: { who: 'chunks' } }), chunked: true }, 'fast'],
    ['invalid UTF-8', { body: Buffer.from([0x7b, 0x22, 0x76, 0xff, 0xfe, 0x22, 0x7d]) }, 'app'],
    ['lone surrogate escape', { body: '{"variables":{"who":"\\ud800"}}' }, 'app'],
    ['charset latin1', { headers: H('{owner}', [], 'application/json; charset=latin1'), body: json({ variables: { who: 'A' } }) }, 'app'],
    ['charset utf-8', { headers: H('{owner}', [], 'application/json; charset=utf-8'), body: json({ variables: { who: 'A' } }) }, 'fast'],
    ['text/plain body', { headers: H('{owner}', [], 'text/plain'), body: json({ variables: { who: 'A' } }) }, 'app'],
    ['invalid JSON', { body: '{"variables":' }, 'app'],
    ['JSON array', { body: '[1,2]' }, 'app'],
    ['__proto__ key', { body: '{"variables":{"__proto__":{"x":1}}}' }, 'app'],
    ['unknown field', { body: json({ variables: { who: 'A' }, extra: 1 }) }, 'app'],
    ['name in the body', { body: json({ name: 'letter', variables: { who: 'A' } }) }, 'app'],
    ['variables a string', { body: json({ variables: 'who' }) }, 'app'],
    ['variable an object', { body: json({ variables: { who: { a: 1 } } }) }, 'app'],
    ['version a string', { body: json({ version: 'one', variables: { who: 'A' } }) }, 'app'],
    ['If-None-Match of the good answer', { headers: H('{owner}', [['If-None-Match', '"ynTIz4c0-QcyEX1_a8PPWUg8y5pGzoEw"']]), body: json({ variables: { who: 'Ada' } }) }, 'app'],
    ['HEAD', { method: 'HEAD' }, 'app'],
    ['GET', { method: 'GET' }, 'app'],
    ['OPTIONS', { method: 'OPTIONS' }, 'app'],
    ['trailing slash', { target: '/api/v1/prompts/greet/render/', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['encoded name', { target: '/api/v1/prompts/%67reet/render', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['malformed encoding', { target: '/api/v1/prompts/gr%E0%A4%Aeet/render', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['incomplete percent-encoding', { target: '/api/v1/prompts/greet%E0%A4%A/render', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['malformed query encoding', { target: '/api/v1/prompts/greet/render?version=%zz', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['name in capitals (names match case-insensitively)', { target: '/api/v1/prompts/GREET/render', body: json({ variables: { who: 'A' } }) }, 'fast'],
    ['route in capitals', { target: '/API/v1/prompts/greet/render', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['Render in capitals', { target: '/api/v1/prompts/greet/Render', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['dot-segment name', { target: '/api/v1/prompts/../prompts/greet/render', body: json({ variables: { who: 'A' } }) }, 'app'],
    ['name too long', { target: `/api/v1/prompts/${'a'.repeat(101)}/render`, body: json({ variables: { who: 'A' } }) }, 'app'],
    ['name with a dot', { target: '/api/v1/prompts/greet.v2/render', body: json({ variables: { who: 'A' } }) }, 'app'],
  ];

  for (const [name, request, door] of cases()) {
    it(`${name}: same bytes, answered by ${door === 'fast' ? 'the fast path' : door === 'app' ? 'the Hono app' : 'the Host/Origin guard'}`, async () => {
      const { fast, slow, handedOn } = await both(p, request);
      if (process.env['FAST_RENDER_DUMP']) console.log(`${name}: ${fast.split('\r\n')[0]} ${bodyOf(fast).slice(0, 140)}`);
      expect(fast).toBe(slow);
      expect(handedOn).toBe(door === 'app');
      if (door === 'fast') expect(statusOf(fast)).toBe(200);
      if (door === 'guard') expect(statusOf(fast)).toBe(403);
    });
  }

  it('a hidden prompt answers exactly like one never made (hidden = missing)', async () => {
    const hidden = await exchange(p.fast.server.port, { target: '/api/v1/prompts/secret/render', headers: H('{member}'), body: json({ variables: { x: '1' } }) });
    const never = await exchange(p.fast.server.port, { target: '/api/v1/prompts/never-made/render', headers: H('{member}'), body: json({ variables: { x: '1' } }) });
    expect(statusOf(hidden)).toBe(404);
    expect(hidden).toBe(never);
    expect(bodyOf(hidden)).not.toContain('secret');
  });

  it('the good answer carries its ETag, and the revalidation with it is a 304 from the app', async () => {
    const good = await exchange(p.fast.server.port, { body: json({ variables: { who: 'Ada' } }) });
    const tag = /\r\netag: ("[^"]+")/.exec(good)?.[1];
    expect(tag).toBeDefined();
    const { fast, slow, handedOn } = await both(p, { headers: H('{owner}', [['If-None-Match', tag!]]), body: json({ variables: { who: 'Ada' } }) });
    expect(statusOf(fast)).toBe(304);
    expect(fast).toBe(slow);
    expect(handedOn).toBe(true);
  });

  it('random variables and extra members: same bytes (fast-check)', async () => {
    const value = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
    const bodies = fc.record(
      {
        variables: fc.dictionary(fc.oneof(fc.constantFrom('who', 'name', 'question', 'x'), fc.string({ maxLength: 8 })), value, { maxKeys: 5 }),
        version: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.string({ maxLength: 2 })),
        extra: fc.anything({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    );
    const targets = fc.constantFrom('greet', 'letter', 'pinned', 'no-api', 'never-made').chain((name) => fc.constantFrom(`/api/v1/prompts/${name}/render`, `/api/v1/prompts/${name}/render?version=1`));
    await fc.assert(
      fc.asyncProperty(targets, bodies, async (target, body) => {
        const { fast, slow } = await both(p, { target, body: JSON.stringify(body) });
        expect(fast).toBe(slow);
      }),
      { numRuns: 60 },
    );
  });

  it('random bytes as the body: same bytes (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
        const { fast, slow } = await both(p, { body: Buffer.from(bytes) });
        expect(fast).toBe(slow);
      }),
      { numRuns: 40 },
    );
  });
});

describe('counters count once when the fast path hands a request on', () => {
  it('per-key rate limit: a refused render spends one token, the fourth request is 429 on both sides', async () => {
    // The per-key budget is the store's (core/keys/key-rate-limit.ts), so each side gets its own
    // workspace, key and prompt. Burst 3, refilled one token per 1,000 s: nothing refills meanwhile.
    const limits = { perKeyPerSecond: 0.001, perKeyBurst: 3, failedAuthPerMinute: 1e6 };
    const sides = await Promise.all(
      [true, false].map(async (fastRender) => {
        const w = testWorkspace();
        seedPrompt(w.owner, 'greet', 'Hello {{who}}', { api: true });
        const key = createKey(w.owner, { userEmail: w.owner.actor.email, label: 'rate' }).key;
        return { w, key, side: await serve(createApiApp({ workspace: w.workspace, version: 'test', limits }), fastRender) };
      }),
    );
    try {
      const statuses: number[] = [];
      for (const variables of [{ who: 'Ada' }, {}, { who: 'Ada' }, { who: 'Ada' }, {}]) {
        const answers: string[] = [];
        for (const { key, side } of sides) answers.push(await exchange(side.server.port, { headers: H(key), body: json({ variables }) }));
        expect(answers[0]).toBe(answers[1]);
        statuses.push(statusOf(answers[0]!));
      }
      expect(statuses).toEqual([200, 400, 200, 429, 429]);
    } finally {
      for (const { w, side } of sides) {
        await side.server.close();
        w.cleanup();
      }
    }
  });

  it('failed-auth throttle: three wrong keys are 401, the fourth is 429 on both sides, a good key still renders', async () => {
    const p = await pair({ perKeyPerSecond: 1e6, perKeyBurst: 1e6, failedAuthPerMinute: 3 });
    try {
      const wrong = { headers: H('pd_BBBBBBBBBBBB_wrongwrongwrongwrongwrongwrongwrongwrongwro'), body: json({ variables: { who: 'A' } }) };
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const { fast, slow } = await both(p, wrong);
        expect(fast).toBe(slow);
        statuses.push(statusOf(fast));
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const { fast, slow, handedOn } = await both(p, { body: json({ variables: { who: 'Ada' } }) });
      expect(fast).toBe(slow);
      expect(statusOf(fast)).toBe(200);
      expect(handedOn).toBe(false);
    } finally {
      await p.stop();
    }
  });
});
