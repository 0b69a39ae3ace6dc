import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { member, testWorkspace } from '../../../helpers/workspace';
import { mountMcp, MCP_PATH } from '../../../../src/main/mcp/mcp-doors';
import { authenticateKey, createKey } from '../../../../src/main/core/keys/keys-service';
import type { ApiEnv } from '../../../../src/main/api/env';
import type { ApiKeyInfo } from '../../../../src/shared/schemas/users';

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
  mountMcp(app, env.workspace, 'test', { perKey: 2, total: 3, idleMs: 60_000 });
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
