import type { MiddlewareHandler } from 'hono';
import { AppError } from '../core/errors';
import { authenticateKey } from '../core/keys/keys-service';
import type { Workspace } from '../core/workspace';
import type { ApiEnv } from './env';

const KEY_QUERY_PARAMS = ['key', 'api_key', 'apikey', 'access_token', 'token', 'authorization'];

function presentedKey(authorization: string | undefined, xAuthorization: string | undefined): string | undefined {
  const raw = authorization ?? xAuthorization;
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '') : trimmed;
}

/** API key from `Authorization: Bearer` or `X-Authorization`; never from the query string. */
export function requireKey(workspace: Workspace): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (KEY_QUERY_PARAMS.some((p) => url.searchParams.has(p))) {
      throw new AppError('unauthenticated', 'API keys in the URL are refused (they end up in logs): send it in the Authorization header');
    }
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-authorization'));
    if (!key) throw new AppError('unauthenticated', 'Send an API key in the Authorization header: "Authorization: Bearer <key>"');
    const { user, key: info } = authenticateKey(workspace.store, workspace.clock, key);
    c.set('ctx', { store: workspace.store, clock: workspace.clock, actor: user });
    c.set('apiKey', info);
    await next();
  };
}
