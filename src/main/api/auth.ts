import type { MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AppError } from '../core/errors';
import { authenticateKey } from '../core/keys/keys-service';
import type { Workspace } from '../core/workspace';
import type { ApiEnv } from './env';
import { RateLimiter, type RateLimits } from './rate-limit';

const KEY_QUERY_PARAMS = ['key', 'api_key', 'apikey', 'access_token', 'token', 'authorization'];

// Reading, rendering or running one prompt may be keyless when the prompt allows it (checked per prompt).
const KEYLESS_ROUTE = /^\/api\/v1\/prompts\/[^/]+(\/render|\/run)?$/;

function presentedKey(authorization: string | undefined, xAuthorization: string | undefined): string | undefined {
  const raw = authorization ?? xAuthorization;
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '') : trimmed;
}

const isLoopback = (address: string | undefined) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';


/**
 * API key from `Authorization: Bearer` or `X-Authorization`; never from the query string.
 * Failed authentications per address and requests per key are rate limited (429 + Retry-After).
 */
export function requireKey(workspace: Workspace, limits: RateLimits): MiddlewareHandler<ApiEnv> {
  const perKey = new RateLimiter(limits.perKeyPerSecond, limits.perKeyBurst);
  const failures = new RateLimiter(limits.failedAuthPerMinute / 60, limits.failedAuthPerMinute);
  return async (c, next) => {
    const url = new URL(c.req.url);
    const address = getConnInfo(c).remote.address ?? 'unknown';
    const loopback = isLoopback(address);
    const waitFailures = failures.peek(address);
    if (waitFailures > 0) throw AppError.rateLimited('Too many failed authentications from this address; wait and retry', waitFailures);
    try {
      if (KEY_QUERY_PARAMS.some((p) => url.searchParams.has(p))) {
        throw new AppError('unauthenticated', 'API keys in the URL are refused (they end up in logs): send it in the Authorization header');
      }
      const key = presentedKey(c.req.header('authorization'), c.req.header('x-authorization'));
      if (!key) {
        if (!KEYLESS_ROUTE.test(url.pathname) || !['GET', 'POST'].includes(c.req.method)) {
          throw new AppError('unauthenticated', 'Send an API key in the Authorization header: "Authorization: Bearer <key>"');
        }
        // Acts as the workspace owner, but the prompt's own keyless rule limits it to read/run.
        c.set('ctx', { store: workspace.store, clock: workspace.clock, runtime: workspace.runtime, actor: workspace.owner, via: { kind: 'api', key: null, loopback } });
      } else {
        const { user, key: info } = authenticateKey(workspace.store, workspace.clock, key);
        const wait = perKey.take(info.id);
        if (wait > 0) throw AppError.rateLimited(`Rate limit for this key reached (${limits.perKeyPerSecond} requests/s); retry after ${wait} s`, wait);
        c.set('ctx', { store: workspace.store, clock: workspace.clock, runtime: workspace.runtime, actor: user, via: { kind: 'api', key: info, loopback } });
        c.set('apiKey', info);
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthenticated') failures.take(address);
      throw error;
    }
    await next();
  };
}
