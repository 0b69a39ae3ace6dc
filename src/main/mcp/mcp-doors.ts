import type { Hono } from 'hono';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { ApiEnv } from '../api/env';
import { MAX_BODY_BYTES, parseJsonText, readBodyText } from '../api/body';
import { SECURITY_HEADERS, toProblem } from '../api/problem';
import type { AppErrorShape } from '../../shared/schemas/common';
import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import { authenticateKey, streamKeyCtx } from '../core/keys/keys-service';
import type { Ctx } from '../core/context';
import type { Workspace } from '../core/workspace';
import { createMcpServer } from './mcp-server';

/** Where the loopback API server answers MCP's Streamable HTTP transport. */
export const MCP_PATH = '/mcp';

/** Bounds on the Streamable HTTP sessions kept in memory (see mountMcp). */
export interface McpSessionLimits {
  /** Sessions one API key may hold; a new one closes that key's least recently used. */
  perKey: number;
  /**
   * Sessions one member may hold over all their keys (below `total`); a new one closes that
   * member's least recently used. A member can make many keys: this is what keeps them from
   * filling the server.
   */
  perMember: number;
  /**
   * Sessions in all. When full, a new session closes the least recently used session of the
   * same member, never another member's; a member holding none is refused (503, Retry-After).
   */
  total: number;
  /** A session without a request for this long is closed (ms). */
  idleMs: number;
}

export const DEFAULT_MCP_SESSION_LIMITS: McpSessionLimits = { perKey: 8, perMember: 16, total: 128, idleMs: 30 * 60_000 };

interface McpSession {
  id: string;
  keyId: string;
  memberId: string;
  /** The context of the session's latest request (the key middleware's). */
  ctx: Ctx;
  lastSeen: number;
  /** Order of last use (a counter: two requests in one millisecond still have an order). */
  used: number;
  transport: WebStandardStreamableHTTPServerTransport;
  close(): Promise<void>;
}

/**
 * The 429 of `/mcp` (the per-key rate limit, the failed-authentication limit) in this door's own
 * shape, a JSON-RPC error with no id (as the SDK's Streamable HTTP transport answers a request it
 * refuses, and as this door's 400 and 404 do), HTTP 429 with Retry-After; the problem+json members
 * (type, title, status, detail, code) ride along so a caller of several doors reads it the same way.
 * Other errors: undefined (the API's problem+json answers them).
 */
export function mcpErrorResponse(error: AppErrorShape, headers: Record<string, string> = {}): Response | undefined {
  if (error.code !== 'rate_limited') return undefined;
  const problem = toProblem(error);
  const data = { code: error.code, ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }) };
  return new Response(JSON.stringify({ ...problem, jsonrpc: '2.0', error: { code: -32000, message: error.message, data }, id: null }), {
    status: problem.status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...SECURITY_HEADERS, ...headers },
  });
}

/** JSON-RPC's answer to an unknown (closed, expired, another key's) session: the client starts a new one. */
const sessionNotFound = () =>
  new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found: initialize a new session' }, id: null }), {
    status: 404,
    headers: { 'Content-Type': 'application/json' },
  });

/** Whether `text` parses as JSON (asked only after the API's rules refused it, to choose the JSON-RPC code). */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A POST's JSON-RPC body, read and parsed under the API's JSON rules (api/body.ts: size, UTF-8,
 * at most 32 levels deep, value count, forbidden keys), so `/mcp` holds bodies to the same rules
 * as `/api/v1`. A body that breaks one is a JSON-RPC Invalid Request (-32600, HTTP 400) naming
 * what is wrong, or Parse error (-32700) when it is not JSON; too large stays the API's 413.
 * Other methods have no body.
 */
async function jsonRpcBody(c: Context<ApiEnv>): Promise<{ parsedBody?: unknown } | Response> {
  if (c.req.method !== 'POST') return {};
  const text = await readBodyText(c);
  try {
    return { parsedBody: parseJsonText(text) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const data = { code: error.code, ...(error.field ? { field: error.field } : {}) };
    // JSON-RPC's Parse error for text that is not JSON at all; Invalid Request for JSON the rules refuse.
    const code = text.trim() === '' || !isJson(text) ? -32700 : -32600;
    return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message: error.message, data }, id: null }), {
      status: 400,
      headers: { 'Content-Type': 'application/json' },
    });
  }
}

/**
 * The session's standing GET stream, counted under the workspace's stream limits (the same slots
 * as the change feed's streams): the slot is given back when the stream ends or the client goes.
 */
function countedStream(response: Response, release: () => void): Response {
  if (!response.body || response.status !== 200) {
    release();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * `/mcp`: MCP over Streamable HTTP, in session mode, so the server can send
 * `notifications/prompts/list_changed` on the client's standing GET stream. Every request (POST,
 * GET, DELETE) first passes the key middleware (api/auth.ts: key, rate budget) and, server-wide,
 * the Host/Origin guards. A session belongs to the key that initialized it: another key (or a
 * closed or expired session) gets the same 404 as an unknown id. Sessions are bounded per key, per
 * member and in all, one member never evicting another's, and closed after `limits.idleMs`
 * without a request (McpSessionLimits); the spec has the client initialize again on a 404. A
 * session ends as soon as its key is revoked or expires or its member is deactivated
 * (streamKeyCtx, checked by the change feed), closing its GET stream. The GET stream takes a slot
 * of the change streams' limits (core/changes/stream-limits.ts).
 */
export function mountMcp(app: Hono<ApiEnv>, workspace: Workspace, version: string, limits: McpSessionLimits = DEFAULT_MCP_SESSION_LIMITS): void {
  const sessions = new Map<string, McpSession>();
  let uses = 0;
  const leastRecent = (of: McpSession[]) => of.reduce((a, b) => (b.used < a.used ? b : a));
  const sweep = () => {
    const now = Date.now();
    for (const session of [...sessions.values()]) if (now - session.lastSeen > limits.idleMs) void session.close();
  };
  setInterval(sweep, Math.min(limits.idleMs, 60_000)).unref();

  /** A new session for `ctx`'s key (kept once initialized), making room under the limits first. */
  async function open(ctx: Ctx, keyId: string): Promise<McpSession> {
    const memberId = ctx.actor.id;
    const ofKey = [...sessions.values()].filter((s) => s.keyId === keyId);
    if (ofKey.length >= limits.perKey) await leastRecent(ofKey).close();
    const ofMember = [...sessions.values()].filter((s) => s.memberId === memberId);
    if (ofMember.length >= limits.perMember) await leastRecent(ofMember).close();
    if (sessions.size >= limits.total) {
      const own = [...sessions.values()].filter((s) => s.memberId === memberId);
      if (own.length === 0) {
        const error = new AppError('unavailable', `The server holds ${limits.total} MCP sessions, its limit: retry later`);
        error.retryAfter = 5;
        throw error;
      }
      await leastRecent(own).close();
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      maxRequestBodySize: MAX_BODY_BYTES,
      onsessioninitialized: (id) => {
        session.id = id;
        sessions.set(id, session);
      },
    });
    const session: McpSession = { id: '', keyId, memberId, ctx, lastSeen: Date.now(), used: ++uses, transport, close: () => server.close() };
    // The key ended (revoked, expired, member deactivated): the session, and its GET stream, end with it.
    const server = createMcpServer(() => streamKeyCtx(session.ctx, keyId), version, workspace.changes, () => void server.close(), `key:${keyId}`);
    const before = server.onclose;
    server.onclose = () => {
      before?.();
      sessions.delete(session.id);
    };
    await server.connect(transport);
    return session;
  }

  app.on(['GET', 'POST', 'DELETE'], MCP_PATH, async (c) => {
    const ctx = c.get('ctx');
    const keyId = c.get('apiKey').id;
    const id = c.req.header('mcp-session-id');
    const body = await jsonRpcBody(c);
    if (body instanceof Response) return body;
    if (id === undefined) {
      // No session yet: only an initialize POST may open one (the transport answers anything else 400).
      const session = await open(ctx, keyId);
      const response = await session.transport.handleRequest(c.req.raw, body);
      if (!sessions.has(session.id)) await session.close();
      return response;
    }
    const session = sessions.get(id);
    if (!session || session.keyId !== keyId) return sessionNotFound();
    session.ctx = ctx;
    session.lastSeen = Date.now();
    session.used = ++uses;
    if (c.req.method !== 'GET') return session.transport.handleRequest(c.req.raw, body);
    const release = workspace.changes.streams.acquire({ memberId: ctx.actor.id, credential: `key:${keyId}` });
    try {
      return countedStream(await session.transport.handleRequest(c.req.raw), release);
    } catch (error) {
      release();
      throw error;
    }
  });
}

/**
 * `promptdesk mcp`: MCP over stdio as the member `key` belongs to, with the key's scopes (as if
 * each message were an API call with that key from this machine). The key is checked again on
 * every message, so revoking it ends access at the next one. Resolves when the client closes stdin.
 *
 * @throws AppError unauthenticated (an unknown, revoked or expired key) before anything is served
 */
export async function serveMcpStdio(workspace: Workspace, key: string, version: string): Promise<void> {
  const ctxOf = (): Ctx => {
    const { user, key: info } = authenticateKey(workspace.store, workspace.clock, key);
    return { store: workspace.store, clock: workspace.clock, runtime: workspace.runtime, actor: user, via: { kind: 'api', key: info, loopback: true } };
  };
  ctxOf();
  const server = createMcpServer(ctxOf, version, workspace.changes);
  const closed = new Promise<void>((resolve) => {
    const before = server.onclose;
    server.onclose = () => {
      before?.();
      resolve();
    };
  });
  await server.connect(new StdioServerTransport());
  process.stdin.once('end', () => void server.close());
  await closed;
}
