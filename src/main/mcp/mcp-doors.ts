import type { Hono } from 'hono';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { ApiEnv } from '../api/env';
import { MAX_BODY_BYTES } from '../api/body';
import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import { sessionStillValid } from '../core/sessions/sign-in';
import { authenticateKey } from '../core/keys/keys-service';
import type { Ctx } from '../core/context';
import type { Workspace } from '../core/workspace';
import { createMcpServer } from './mcp-server';

/** Where the loopback API server answers MCP's Streamable HTTP transport. */
export const MCP_PATH = '/mcp';

/** Bounds on the Streamable HTTP sessions kept in memory (see mountMcp). */
export interface McpSessionLimits {
  /** Sessions one API key may hold; a new one closes that key's least recently used. */
  perKey: number;
  /** Sessions in all; a new one closes the least recently used. */
  total: number;
  /** A session without a request for this long is closed (ms). */
  idleMs: number;
}

export const DEFAULT_MCP_SESSION_LIMITS: McpSessionLimits = { perKey: 8, total: 128, idleMs: 30 * 60_000 };

interface McpSession {
  id: string;
  keyId: string;
  /** The context of the session's latest request (the key middleware's). */
  ctx: Ctx;
  lastSeen: number;
  /** Order of last use (a counter: two requests in one millisecond still have an order). */
  used: number;
  transport: WebStandardStreamableHTTPServerTransport;
  close(): Promise<void>;
}

/** JSON-RPC's answer to an unknown (closed, expired, another key's) session: the client starts a new one. */
const sessionNotFound = () =>
  new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found: initialize a new session' }, id: null }), {
    status: 404,
    headers: { 'Content-Type': 'application/json' },
  });

/**
 * The same member and key, read again: throws (ending the session's change subscription) once
 * the key is revoked or expired or the member deactivated; a role change applies at once.
 */
function stillValid(ctx: Ctx, keyId: string): Ctx {
  if (!sessionStillValid(ctx.store, ctx.clock, { userId: ctx.actor.id, keyId })) throw new AppError('unauthenticated', 'The API key of this MCP session no longer works');
  return { ...ctx, actor: ctx.store.users.get(ctx.actor.id)! };
}

/**
 * `/mcp`: MCP over Streamable HTTP, in session mode, so the server can send
 * `notifications/prompts/list_changed` on the client's standing GET stream. Every request (POST,
 * GET, DELETE) first passes the key middleware (api/auth.ts: key, rate budget) and, server-wide,
 * the Host/Origin guards. A session belongs to the key that initialized it: another key (or a
 * closed or expired session) gets the same 404 as an unknown id. Sessions are bounded per key and
 * in all, and closed after `limits.idleMs` without a request (McpSessionLimits); the spec has the
 * client initialize again on a 404.
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
    const mine = [...sessions.values()].filter((s) => s.keyId === keyId);
    if (mine.length >= limits.perKey) await leastRecent(mine).close();
    if (sessions.size >= limits.total) await leastRecent([...sessions.values()]).close();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      maxRequestBodySize: MAX_BODY_BYTES,
      onsessioninitialized: (id) => {
        session.id = id;
        sessions.set(id, session);
      },
    });
    const session: McpSession = { id: '', keyId, ctx, lastSeen: Date.now(), used: ++uses, transport, close: () => server.close() };
    const server = createMcpServer(() => stillValid(session.ctx, keyId), version, workspace.changes);
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
    if (id === undefined) {
      // No session yet: only an initialize POST may open one (the transport answers anything else 400).
      const session = await open(ctx, keyId);
      const response = await session.transport.handleRequest(c.req.raw);
      if (!sessions.has(session.id)) await session.close();
      return response;
    }
    const session = sessions.get(id);
    if (!session || session.keyId !== keyId) return sessionNotFound();
    session.ctx = ctx;
    session.lastSeen = Date.now();
    session.used = ++uses;
    return session.transport.handleRequest(c.req.raw);
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
