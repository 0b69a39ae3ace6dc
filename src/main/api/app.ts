import { Hono, type Context } from 'hono';
import type { AppErrorShape } from '../../shared/schemas/common';
import type { ApiEnv } from './env';
import { AppError, invalid, toErrorShape } from '../core/errors';
import { problemResponse, SECURITY_HEADERS } from './problem';
import { keyGate } from './auth';
import { registerFastRender } from './fast-render';
import { knownPathTest } from './known-paths';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit';
import { NATIVE_ROUTES } from './routes';
import { mountRoutes, type ServedApi } from './route';
import type { Workspace } from '../core/workspace';
import { z } from 'zod';
import { documentedBody, openApiDocument } from './openapi';
import { COMPAT_ROUTES, compatDoorOf, mountCompat } from './compat';
import { DOCS_CSP, docsPage } from './docs-page';
import { malformedPath, malformedQuery, requestTarget } from './request-path';
import { MCP_PATH, mcpErrorResponse, mountMcp } from '../mcp/mcp-doors';

export { MAX_BODY_BYTES } from './body';

export interface ApiAppOptions {
  workspace: Workspace;
  version: string;
  /** Fixed limits; left out, the per-key limit is the workspace's setting (core/keys/rate-limit-setting.ts), applied live. */
  limits?: RateLimits;
  /** Extra routes mounted by the host (the headless renderer and its bridge). */
  mount?: (app: Hono<ApiEnv>) => void;
}

/** True for the error Node raises on reading a request whose client closed the connection. */
function clientAborted(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ECONNRESET' && error.message === 'aborted';
}

/** The HTTP API: health, then key-authenticated `/api/v1`. Host/Origin are checked before this runs. */
export function createApiApp({ workspace, version, mount, limits: fixedLimits }: ApiAppOptions): Hono<ApiEnv> {
  // Without fixed limits (tests and benches pass theirs), the per-key limit is the workspace's setting.
  const limits = fixedLimits ?? DEFAULT_RATE_LIMITS;
  const app = new Hono<ApiEnv>();
  // One middleware for both (each layer is another async step on every request).
  app.use('*', async (c, next) => {
    // Before any route: a path that cannot be decoded is the client's fault (400), not a crash
    // in whichever handler first decodes it.
    const url = requestTarget(c.req.url);
    const problem = malformedPath(url.pathname);
    // Thrown, so onError answers it in a compat door's shape under one (problem+json elsewhere).
    if (problem) throw invalid(problem, 'path');
    const query = malformedQuery(url.search);
    if (query) throw invalid(query, 'query');
    // Set before the handler runs: editing headers after a response exists makes Hono rebuild it as
    // a stream, which is several times slower to write on Node.
    c.header('X-Content-Type-Options', SECURITY_HEADERS['X-Content-Type-Options']);
    c.header('Referrer-Policy', SECURITY_HEADERS['Referrer-Policy']);
    await next();
  });

  // Every route is declared once (routes/*.ts, compat/*.ts): served from, and documented by, its declaration.
  const operations = [...NATIVE_ROUTES, ...COMPAT_ROUTES];
  const api: ServedApi = { workspace, version, document: openApiDocument(version, operations) };
  // Health and the OpenAPI document are public, mounted before the key check.
  mountRoutes(
    app,
    NATIVE_ROUTES.filter((r) => r.public),
    api,
  );
  // Documentation is public, like health: it describes the API, it exposes no data.
  app.get('/docs', (c) =>
    c.html(
      docsPage(version, operations, (op) => {
        const body = documentedBody(op);
        return body ? z.toJSONSchema(body, { io: 'input', unrepresentable: 'any' }) : null;
      }),
      200,
      { 'Content-Security-Policy': DOCS_CSP },
    ),
  );
  // One instance, so /api/v1 and /compat share each key's rate budget.
  // /mcp (the MCP door) is no OpenAPI operation, yet needs the key as /api/v1 does.
  const known = knownPathTest(operations);
  const gate = keyGate(workspace, limits, (pathname) => pathname === MCP_PATH || known(pathname), fixedLimits === undefined);
  const auth = gate.middleware;
  // The render route's fast path in front of this app (api/fast-render.ts) checks keys with this same gate.
  registerFastRender(app, gate);
  app.use('/api/v1/*', auth);
  mountRoutes(
    app,
    NATIVE_ROUTES.filter((r) => !r.public),
    api,
  );
  app.use('/compat/*', auth);
  mountCompat(app, api);
  app.use(MCP_PATH, auth);
  mountMcp(app, workspace, version);
  mount?.(app);

  // A compat door answers errors in its product's own shape (see compat/index.ts); the rest in problem+json.
  const answer = (c: Context<ApiEnv>, error: AppErrorShape, headers: Record<string, string> = {}) => {
    const pathname = new URL(c.req.url).pathname;
    const door = compatDoorOf(pathname);
    if (door) return door.errorResponse(error, c, headers);
    // MCP answers its 429 as a JSON-RPC error (mcp/mcp-doors.ts); its other errors stay problem+json.
    return (pathname === MCP_PATH ? mcpErrorResponse(error, headers) : undefined) ?? problemResponse(error, headers);
  };
  app.notFound((c) => answer(c, { code: 'not_found', message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }));
  app.onError((error, c) => {
    if (error instanceof AppError) {
      return answer(c, error.toJSON(), error.retryAfter === undefined ? {} : { 'Retry-After': String(error.retryAfter) });
    }
    // The client went away while its body was being read (a Content-Length it never sent, a
    // closed tab): its fault, not a crash, and there is no one left to answer.
    if (clientAborted(error)) return answer(c, { code: 'invalid_input', message: 'The request ended before its body arrived' });
    console.error('[api]', error);
    return answer(c, toErrorShape(error));
  });
  return app;
}
