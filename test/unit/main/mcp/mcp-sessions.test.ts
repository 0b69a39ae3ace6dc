import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { member, testWorkspace } from '../../../helpers/workspace';
import { mountMcp, MCP_PATH } from '../../../../src/main/mcp/mcp-doors';
import { authenticateKey, createKey } from '../../../../src/main/core/keys/keys-service';
import type { ApiEnv } from '../../../../src/main/api/env';
import type { ApiKeyInfo } from '../../../../src/shared/schemas/users';
import { AppError } from '../../../../src/main/core/errors';
import { problemResponse } from '../../../../src/main/api/problem';

// The session bounds of the Streamable HTTP door, on the door alone (a stand-in for the key
// middleware sets ctx and apiKey from an `x-test-key` header naming one of two keys).
let env: ReturnType<typeof testWorkspace>;
let app: Hono<ApiEnv>;
const keys: Record<string, ApiKeyInfo> = {};

beforeAll(() => {
  env = testWorkspace();
  const bob = member(env.owner, 'bob@example.com');
  for (const label of ['a', 'b']) {
    const { key } = createKey(env.owner, { userEmail: 'bob@example.com', label });
    keys[label] = authenticateKey(env.workspace.store, env.workspace.clock, key).key;
  }
  app = new Hono<ApiEnv>();
  app.use(MCP_PATH, async (c, next) => {
    const key = keys[c.req.header('x-test-key')!]!;
    c.set('ctx', { ...bob, via: { kind: 'api', key, loopback: true } });
    c.set('apiKey', key);
    await next();
  });
  mountMcp(app, env.workspace, 'test', { perKey: 2, perMember: 3, total: 3, idleMs: 60_000 });
});
afterAll(() => env.cleanup());

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
const PING = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });

async function open(key: string): Promise<string> {
  const res = await app.request(MCP_PATH, { method: 'POST', headers: { ...HEADERS, 'x-test-key': key }, body: INITIALIZE });
  expect(res.status).toBe(200);
  return res.headers.get('mcp-session-id')!;
}
async function ping(key: string, session: string): Promise<number> {
  const res = await app.request(MCP_PATH, { method: 'POST', headers: { ...HEADERS, 'x-test-key': key, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }, body: PING });
  return res.status;
}

describe('MCP Streamable HTTP sessions', () => {
  it('are bounded per key and in all: a new session closes the least recently used', async () => {
    const a1 = await open('a');
    const a2 = await open('a');
    expect(await ping('a', a1)).toBe(200); // a2 is now a's least recently used
    const a3 = await open('a');
    expect([await ping('a', a1), await ping('a', a2), await ping('a', a3)]).toEqual([200, 404, 200]);
    const b1 = await open('b'); // 3 in all
    const b2 = await open('b'); // over the total: the oldest (a1, then a3 by use) goes
    expect([await ping('a', a1), await ping('a', a3), await ping('b', b1), await ping('b', b2)]).toEqual([404, 200, 200, 200]);
  });

  it("a request without a session that is not initialize opens nothing; another key's session is unknown", async () => {
    const res = await app.request(MCP_PATH, { method: 'POST', headers: { ...HEADERS, 'x-test-key': 'a' }, body: PING });
    expect(res.status).toBe(400);
    const b = await open('b');
    expect(await ping('a', b)).toBe(404);
    expect(await ping('b', b)).toBe(200);
  });
});

describe('MCP sessions per member (issue 13 attack F3)', () => {
  // A second door with a per-member cap below the total: bob (keys a, b), carol and dave.
  let door: Hono<ApiEnv>;
  const memberKeys: Record<string, { ctx: ReturnType<typeof member>; key: ApiKeyInfo }> = {};
  beforeAll(() => {
    const bob = env.workspace.store.users.getByEmail('bob@example.com')!;
    for (const [label, email] of [['c', 'carol@example.com'], ['d', 'dave@example.com']] as const) {
      const ctx = member(env.owner, email);
      const { key } = createKey(env.owner, { userEmail: email, label });
      memberKeys[label] = { ctx, key: authenticateKey(env.workspace.store, env.workspace.clock, key).key };
    }
    for (const label of ['a', 'b']) memberKeys[label] = { ctx: { ...env.owner, actor: bob }, key: keys[label]! };
    door = new Hono<ApiEnv>();
    door.use(MCP_PATH, async (c, next) => {
      const { ctx, key } = memberKeys[c.req.header('x-test-key')!]!;
      c.set('ctx', { ...ctx, via: { kind: 'api', key, loopback: true } });
      c.set('apiKey', key);
      await next();
    });
    mountMcp(door, env.workspace, 'test', { perKey: 2, perMember: 2, total: 3, idleMs: 60_000 });
    // The API app's answer for a refusal (api/app.ts): problem+json with Retry-After.
    door.onError((error) => {
      if (!(error instanceof AppError)) throw error;
      return problemResponse(error.toJSON(), error.retryAfter === undefined ? {} : { 'Retry-After': String(error.retryAfter) });
    });
  });

  const openOn = async (key: string) => {
    const res = await door.request(MCP_PATH, { method: 'POST', headers: { ...HEADERS, 'x-test-key': key }, body: INITIALIZE });
    return { status: res.status, id: res.headers.get('mcp-session-id'), retryAfter: res.headers.get('retry-after') };
  };
  const pingOn = async (key: string, session: string) =>
    (await door.request(MCP_PATH, { method: 'POST', headers: { ...HEADERS, 'x-test-key': key, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }, body: PING })).status;

  it('one member with many keys evicts only their own sessions; a member with none is refused when the server is full', async () => {
    const c1 = (await openOn('c')).id!;
    const b1 = (await openOn('a')).id!;
    const b2 = (await openOn('b')).id!; // 3 in all, bob at his cap of 2
    // Bob again, from either key: his own least recently used goes, never carol's.
    const b3 = (await openOn('a')).id!;
    const b4 = (await openOn('b')).id!;
    expect([await pingOn('c', c1), await pingOn('a', b1), await pingOn('b', b2), await pingOn('a', b3), await pingOn('b', b4)]).toEqual([200, 404, 404, 200, 200]);
    // Full: dave holds nothing to give up, so he is refused, and nobody is evicted.
    const refused = await openOn('d');
    expect([refused.status, refused.retryAfter]).toEqual([503, '5']);
    expect([await pingOn('c', c1), await pingOn('a', b3), await pingOn('b', b4)]).toEqual([200, 200, 200]);
    // Carol, full server: her own oldest goes.
    const c2 = (await openOn('c')).id!;
    expect([await pingOn('c', c1), await pingOn('c', c2), await pingOn('a', b3), await pingOn('b', b4)]).toEqual([404, 200, 200, 200]);
  });

  it('bodies are held to the API JSON rules: nested deeper than 32 levels is -32600 naming where (issue 13 attack F7)', async () => {
    let meta: unknown = {};
    for (let i = 0; i < 40; i++) meta = { deeper: meta };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping', params: { _meta: meta } });
    const res = await door.request(MCP_PATH, { method: 'POST', headers: { ...HEADERS, 'x-test-key': 'c' }, body });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: { code: number; message: string; data: { field?: string } } };
    expect(answer.error.code).toBe(-32600);
    expect(answer.error.message).toContain('32 levels');
    expect(answer.error.data.field).toMatch(/^params\._meta\.deeper/);
    const broken = await door.request(MCP_PATH, { method: 'POST', headers: { ...HEADERS, 'x-test-key': 'c' }, body: '{"jsonrpc": "2.0", ' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });
});
