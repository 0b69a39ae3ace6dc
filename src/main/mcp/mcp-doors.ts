import type { Hono } from 'hono';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { ApiEnv } from '../api/env';
import { MAX_BODY_BYTES } from '../api/body';
import { PROBLEM_CONTENT_TYPE } from '../api/problem';
import { authenticateKey } from '../core/keys/keys-service';
import type { Ctx } from '../core/context';
import type { Workspace } from '../core/workspace';
import { createMcpServer } from './mcp-server';

/** Where the loopback API server answers MCP's Streamable HTTP transport. */
export const MCP_PATH = '/mcp';

/**
 * `POST /mcp`: MCP over Streamable HTTP, stateless. The key middleware (api/auth.ts) has already
 * checked the key, its rate budget and (server-wide) the Host/Origin guards; each request gets a
 * server acting as that key's member and is answered as JSON. Stateless, so no session is kept in
 * memory to bound, expire or tie to a key, and every message is authenticated and rate-limited
 * like any API call; the cost is no server-initiated messages over HTTP (no standing GET stream),
 * so GET and DELETE answer 405.
 */
export function mountMcp(app: Hono<ApiEnv>, version: string): void {
  app.on(['GET', 'DELETE'], MCP_PATH, (c) =>
    c.json({ title: 'Method Not Allowed', status: 405, detail: 'This MCP server is stateless: send JSON-RPC messages with POST' }, 405, {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      Allow: 'POST',
    }),
  );
  app.post(MCP_PATH, async (c) => {
    const ctx = c.get('ctx');
    const server = createMcpServer(() => ctx, version);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: MAX_BODY_BYTES });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
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
