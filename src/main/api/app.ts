import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ApiEnv } from './env';
import { AppError, toErrorShape } from '../core/errors';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';
import type { AppErrorShape } from '../../shared/schemas/common';
import { requireKey } from './auth';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit';
import { promptsRoutes } from './routes/prompts';
import { versionsRoutes } from './routes/versions';
import { sharingRoutes } from './routes/sharing';
import { keysRoutes, membersRoutes } from './routes/members';
import type { Workspace } from '../core/workspace';
import { z } from 'zod';
import { NATIVE_OPERATIONS, openApiDocument } from './openapi';
import { COMPAT_OPERATIONS, mountCompat } from './compat';
import { DOCS_CSP, docsPage } from './docs-page';

export const MAX_BODY_BYTES = 1024 * 1024;

// Headers go in at construction: @hono/node-server's fast Response ignores later header edits.
export function problemResponse(error: AppErrorShape, extraHeaders: Record<string, string> = {}): Response {
  const problem = toProblem(error);
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...extraHeaders },
  });
}

export interface ApiAppOptions {
  workspace: Workspace;
  version: string;
  limits?: RateLimits;
  /** Extra routes mounted by the host (the headless renderer and its bridge). */
  mount?: (app: Hono<ApiEnv>) => void;
}

/** The HTTP API: health, then key-authenticated `/api/v1`. Host/Origin are checked before this runs. */
export function createApiApp({ workspace, version, mount, limits = DEFAULT_RATE_LIMITS }: ApiAppOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () =>
        problemResponse({ code: 'payload_too_large', message: `The body is larger than ${MAX_BODY_BYTES} bytes` }),
    }),
  );

  app.get('/api/v1/health', (c) => c.json({ status: 'ok', version }));
  // Documentation is public, like health: it describes the API, it exposes no data.
  const operations = [...NATIVE_OPERATIONS, ...COMPAT_OPERATIONS];
  const document = openApiDocument(version, operations);
  app.get('/api/v1/openapi.json', (c) => c.json(document));
  app.get('/docs', (c) =>
    c.html(docsPage(version, operations, (op) => (op.body ? z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' }) : null)), 200, {
      'Content-Security-Policy': DOCS_CSP,
    }),
  );
  // One instance, so /api/v1 and /compat share each key's rate budget.
  const auth = requireKey(workspace, limits);
  app.use('/api/v1/*', auth);
  app.route('/api/v1/prompts', promptsRoutes);
  app.route('/api/v1/prompts', versionsRoutes);
  app.route('/api/v1/prompts', sharingRoutes);
  app.route('/api/v1/members', membersRoutes);
  app.route('/api/v1/keys', keysRoutes);
  app.use('/compat/*', auth);
  mountCompat(app);
  mount?.(app);

  app.notFound((c) => problemResponse({ code: 'not_found', message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }));
  app.onError((error) => {
    if (error instanceof AppError) {
      return problemResponse(error.toJSON(), error.retryAfter === undefined ? {} : { 'Retry-After': String(error.retryAfter) });
    }
    if (error instanceof HTTPException && error.status === 413) {
      return problemResponse({ code: 'payload_too_large', message: `The body is larger than ${MAX_BODY_BYTES} bytes` });
    }
    console.error('[api]', error);
    return problemResponse(toErrorShape(error));
  });
  return app;
}
