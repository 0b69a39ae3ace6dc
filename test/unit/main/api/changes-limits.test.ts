import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { member, seedPrompt } from '../../../helpers/workspace';
import { createKey, revokeKey } from '../../../../src/main/core/keys/keys-service';
import { updatePrompt } from '../../../../src/main/core/prompts/prompts-service';
import { UpdatePromptInput } from '../../../../src/shared/schemas/prompts';
import { DEFAULT_STREAM_LIMITS, MAX_BUFFERED_EVENTS } from '../../../../src/main/core/changes/stream-limits';
import { createApiApp } from '../../../../src/main/api/app';

/*
 * Issue 13, attack F1/F6/F8/F9 over real HTTP on loopback: the open-stream caps shared by the
 * change feed and /mcp's GET streams, a revoked key ending its MCP session, the feed's resume
 * point edge cases and a Host header in capitals.
 */

interface Opened {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body so far (a refusal's problem+json is complete once `ended`). */
  text: () => string;
  ended: Promise<void>;
  close(): void;
}

/** A GET held open (a stream) on loopback; resolves once the status line is in. */
function open(port: number, path: string, headers: Record<string, string>): Promise<Opened> {
  return new Promise((resolve, reject) => {
    let body = '';
    let done: () => void = () => undefined;
    const ended = new Promise<void>((r) => (done = r));
    const req: ClientRequest = request({ host: '127.0.0.1', port, path, agent: false, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', done);
      res.on('close', done);
      res.on('error', () => undefined);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, text: () => body, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Lets the event loop turn until `test` holds (bounded: a stuck condition fails, it never hangs). */
async function eventually(test: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !test(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(test()).toBe(true);
}

let t: TestHost;
let alice1 = '';
let alice2 = '';
let bob = '';
beforeAll(async () => {
  t = await startTestHost();
  seedPrompt(t.owner, 'feed', 'Hello {{who}}', { api: true });
  member(t.owner, 'alice@example.com');
  member(t.owner, 'bob@example.com');
  alice1 = createKey(t.owner, { userEmail: 'alice@example.com', label: 'a1' }).key;
  alice2 = createKey(t.owner, { userEmail: 'alice@example.com', label: 'a2' }).key;
  bob = createKey(t.owner, { userEmail: 'bob@example.com', label: 'b' }).key;
});
afterAll(() => t.stop());

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** An initialized MCP session over /mcp for `key`; its id. */
async function mcpSession(key: string): Promise<string> {
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
  const res = await fetch(`http://127.0.0.1:${t.port}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...auth(key) }, body: JSON.stringify(init) });
  expect(res.status).toBe(200);
  const id = res.headers.get('mcp-session-id')!;
  const initialized = await fetch(`http://127.0.0.1:${t.port}/mcp`, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...auth(key), 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  expect(initialized.status).toBe(202);
  return id;
}
const mcpGet = (key: string, id: string) => open(t.port, '/mcp', { ...auth(key), accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' });

describe('open change streams are capped per key, per member and in all (F1)', () => {
  it('the feed and /mcp GET streams share the caps: 429 per key and member, 503 in all, with Retry-After; a closed stream frees its slot', async () => {
    const limits = t.host.workspace.changes.streams;
    limits.settings = { perKey: 2, perMember: 3, total: 4, retryAfterS: 7 };
    const held: Opened[] = [];
    try {
      const feed = (key: string) => open(t.port, '/api/v1/changes?heartbeat=300', auth(key));
      held.push(await feed(alice1), await feed(alice1));
      expect(held.map((s) => s.status)).toEqual([200, 200]);
      const overKey = await feed(alice1);
      await overKey.ended;
      expect([overKey.status, overKey.headers['retry-after'], overKey.headers['content-type']]).toEqual([429, '7', 'application/problem+json']);
      expect(JSON.parse(overKey.text())).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 7 });
      // Another key of the same member: one more (3 for the member), then the member's cap, for an MCP GET stream too.
      const session = await mcpSession(alice2);
      const mcpStream = await mcpGet(alice2, session);
      expect(mcpStream.status).toBe(200);
      held.push(mcpStream);
      const overMember = await feed(alice2);
      await overMember.ended;
      expect([overMember.status, overMember.headers['retry-after']]).toEqual([429, '7']);
      // Another member: the last slot, then the server's cap.
      held.push(await feed(bob));
      expect(held.at(-1)!.status).toBe(200);
      const overTotal = await feed(bob);
      await overTotal.ended;
      expect([overTotal.status, overTotal.headers['retry-after']]).toEqual([503, '7']);
      expect(JSON.parse(overTotal.text())).toMatchObject({ status: 503, code: 'unavailable' });
      expect(limits.count()).toBe(4);
      // Closing a stream gives its slot back, whichever door it came through.
      mcpStream.close();
      await eventually(() => limits.count() === 3);
      const again = await feed(bob);
      expect(again.status).toBe(200);
      held.push(again);
    } finally {
      for (const s of held) s.close();
      await eventually(() => limits.count() === 0);
      limits.settings = { ...DEFAULT_STREAM_LIMITS };
    }
  });
});

describe('a client that stops reading (F1)', () => {
  it(`is cut off once ${MAX_BUFFERED_EVENTS} events wait for it: its subscription and slot go, nothing more is queued`, async () => {
    // In process, so the response body is never read at all (no socket buffer in between).
    const app = createApiApp({ workspace: t.host.workspace, version: 'test' });
    const feed = t.host.workspace.changes;
    const subscribers = feed.subscriberCount();
    const loopback = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 50000, remoteFamily: 'IPv4' } } };
    const res = await app.request('/api/v1/changes?heartbeat=300', { headers: auth(t.key) }, loopback);
    expect(res.status).toBe(200);
    await eventually(() => feed.subscriberCount() === subscribers + 1 && feed.streams.count() === 1);
    // Past the bound even with a batch already taken out of the queue by a write that never completes.
    for (let i = 0; i <= 2 * MAX_BUFFERED_EVENTS + 200; i++) updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'feed', title: `Unread ${i}` }));
    feed.poke();
    await eventually(() => {
      feed.poke();
      return feed.subscriberCount() === subscribers && feed.streams.count() === 0;
    });
    await res.body?.cancel().catch(() => undefined);
  });
});

describe('a revoked key ends its MCP session and its GET stream (F6)', () => {
  it('the standing GET stream ends, the session is gone, and the slot is free', async () => {
    const { key, info } = createKey(t.owner, { userEmail: 'bob@example.com', label: 'short' });
    const session = await mcpSession(key);
    const stream = await mcpGet(key, session);
    expect(stream.status).toBe(200);
    const before = t.host.workspace.changes.subscriberCount();
    revokeKey(t.owner, info.id);
    t.host.workspace.changes.poke();
    await stream.ended;
    await eventually(() => t.host.workspace.changes.subscriberCount() === before - 1);
    expect(t.host.workspace.changes.streams.count()).toBe(0);
  });
});

describe('resume points (F8)', () => {
  it('since sent twice is a 400 naming since; a since past the newest is answered with the newest seq and a reset, never echoed', async () => {
    const twice = await open(t.port, '/api/v1/changes?since=1&since=2', auth(t.key));
    await twice.ended;
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.text())).toMatchObject({ field: 'since' });
    const latest = t.host.workspace.changes.latestSeq();
    const future = await open(t.port, '/api/v1/changes?since=999999999999999&heartbeat=300', auth(t.key));
    expect(future.status).toBe(200);
    expect(Number(future.headers['promptdesk-seq'])).toBe(latest);
    await eventually(() => future.text().includes('event: reset'));
    expect(future.text()).toContain(`id: ${latest}\n`);
    future.close();
  });
});

describe('Host names are case-insensitive (F9)', () => {
  it('LOCALHOST:port is the same host as localhost:port', async () => {
    for (const host of [`LOCALHOST:${t.port}`, `LocalHost:${t.port}`]) {
      const res = await open(t.port, '/api/v1/health', { host });
      await res.ended;
      expect(res.status, host).toBe(200);
    }
    updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'feed', title: 'Feed' }));
  });
});
