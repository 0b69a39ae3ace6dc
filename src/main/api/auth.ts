import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AppError } from '../core/errors';
import { authenticateKey } from '../core/keys/keys-service';
import { authenticateToken, looksLikeToken } from '../core/keys/tokens';
import { looksLikeDeviceToken, requireDevice } from '../core/team/devices';
import { KEYLESS_REFUSED } from '../core/sharing/access';
import type { Workspace } from '../core/workspace';
import type { ApiEnv } from './env';
import type { RateLimits } from './rate-limit';
import { AuthThrottle, limitAddress, type ClientSignals } from './auth-throttle';
import { requestTarget } from './request-path';
import { chargeKey, fixKeyRate } from '../core/keys/key-rate-limit';

const KEY_QUERY_PARAMS = ['key', 'api_key', 'apikey', 'access_token', 'token', 'authorization'];

// Reading, rendering, running or refining one prompt may be keyless when the prompt allows it
// (checked per prompt: refining needs its read and run, which the keyless rule grants together).
const KEYLESS_ROUTE = /^\/api\/v1\/prompts\/[^/]+(\/render|\/run|\/refine)?$/;

// Exchanging a key for a token (Conductor's POST /api/token) is how a client gets a credential:
// it carries the key in its body, not in a header, and its failures are throttled by the route.
const CREDENTIAL_EXCHANGE = /^\/compat\/conductor\/api\/token\/?$/;
const TOO_MANY_FAILURES = 'Too many failed authentications; wait and retry';

// A team server's desktops sync with a device token (core/team/devices.ts), accepted only on the
// sync and device routes: it is no API key, so it opens no other route.
const DEVICE_ROUTE = /^\/api\/v1\/(sync|team)(\/|$)/;

/** The token of one header: `Bearer <token>` or a bare token; '' when it carries none (empty, a lone "Bearer"). */
function tokenOf(raw: string): string {
  const trimmed = raw.trim();
  if (/^bearer$/i.test(trimmed)) return '';
  return /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '') : trimmed;
}

/**
 * The key a request presents: from `Authorization`, unless that header carries no key of ours
 * (empty, a lone "Bearer", or another scheme such as `Basic` a proxy or browser added) and
 * `X-Authorization` is sent, which then is the key.
 */
function presentedKey(authorization: string | undefined, xAuthorization: string | undefined): string | undefined {
  const fromAuthorization = authorization === undefined ? undefined : tokenOf(authorization);
  const carriesKey = fromAuthorization !== undefined && fromAuthorization !== '' && !/\s/.test(fromAuthorization);
  const key = carriesKey || xAuthorization === undefined ? fromAuthorization : tokenOf(xAuthorization);
  // A header with no token (`Authorization: Bearer ${TOKEN}` with TOKEN unset) presents no key: such
  // a request is limited per client, not under one "empty credential" budget every such client would share.
  return key === '' ? undefined : key;
}

/**
 * The signals {@link AuthThrottle} tells local clients apart by. Each is read when first asked
 * (then kept): a request with a good key, while no authentication has failed, needs only the
 * address, and this runs on every request.
 */
export function clientSignals(c: Context<ApiEnv>): ClientSignals {
  const read = new Map<keyof ClientSignals, string | undefined>();
  const once = (name: keyof ClientSignals, get: () => string | undefined) => {
    if (!read.has(name)) read.set(name, get());
    return read.get(name);
  };
  return {
    get address() {
      return once('address', () => getConnInfo(c).remote.address);
    },
    get userAgent() {
      return once('userAgent', () => c.req.header('user-agent'));
    },
    get origin() {
      return once('origin', () => c.req.header('origin'));
    },
    get referer() {
      return once('referer', () => c.req.header('referer'));
    },
    get fetchSite() {
      return once('fetchSite', () => c.req.header('sec-fetch-site'));
    },
  };
}

/**
 * API key (or an access token made from one, core/keys/tokens.ts) from `Authorization: Bearer`
 * or `X-Authorization`; never from the query string.
 * Failed authentications are limited per presented key and per client, never per address
 * alone (see {@link AuthThrottle}); requests per key are limited too (429 + Retry-After).
 * `knownPath`: whether a path names an operation; other paths skip the key check and reach the 404.
 * `liveRate`: the per-key limit is the workspace's setting, read per request, instead of `limits`'.
 */
export function requireKey(workspace: Workspace, limits: RateLimits, knownPath: (pathname: string) => boolean = () => true, liveRate = false): MiddlewareHandler<ApiEnv> {
  // The per-key budget is the store's, shared with the other doors a key's requests come through
  // (core/keys/key-rate-limit.ts): the workspace's setting, read per request, unless fixed `limits`
  // (tests, benches) are given.
  if (!liveRate) fixKeyRate(workspace.store, limits.perKeyPerSecond, limits.perKeyBurst);
  const throttle = new AuthThrottle(limits.failedAuthPerMinute);
  /**
   * Runs one authentication attempt under the failed-authentication throttle, for a key and for
   * the Conductor token exchange alike: refused (429) while this client or credential is waiting,
   * and an `unauthenticated` failure counts towards the next wait.
   */
  const throttled = <T>(client: ClientSignals, credential: string | undefined, attempt: () => T): T => {
    const wait = throttle.waitBefore(client, credential);
    if (wait > 0) throw AppError.rateLimited(TOO_MANY_FAILURES, wait);
    try {
      return attempt();
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthenticated') {
        const after = throttle.recordFailure(client, credential);
        if (after > 0) throw AppError.rateLimited(TOO_MANY_FAILURES, after);
      }
      throw error;
    }
  };
  return async (c, next) => {
    const url = requestTarget(c.req.url);
    // No operation lives there: the 404 problem+json answers, key or not (see knownPathTest).
    if (!knownPath(url.pathname)) return next();
    const client = clientSignals(c);
    if (c.req.method === 'POST' && CREDENTIAL_EXCHANGE.test(url.pathname)) {
      c.set('throttled', (credential, attempt) => throttled(client, credential, () => attempt({ store: workspace.store, clock: workspace.clock })));
      return next();
    }
    const loopback = limitAddress(client.address) === 'loopback';
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-authorization'));
    throttled(client, key, () => {
      const params = url.search === '' ? undefined : new URLSearchParams(url.search);
      if (params && KEY_QUERY_PARAMS.some((p) => params.has(p))) {
        throw new AppError('unauthenticated', 'API keys in the URL are refused (they end up in logs): send it in the Authorization header');
      }
      if (!key) {
        if (!KEYLESS_ROUTE.test(url.pathname) || !['GET', 'POST'].includes(c.req.method)) {
          throw new AppError('unauthenticated', KEYLESS_REFUSED);
        }
        // Acts as the workspace owner, but the prompt's own keyless rule limits it to read/run.
        c.set('ctx', { store: workspace.store, clock: workspace.clock, runtime: workspace.runtime, actor: workspace.owner, via: { kind: 'api', key: null, loopback } });
      } else if (looksLikeDeviceToken(key) && DEVICE_ROUTE.test(url.pathname)) {
        const device = requireDevice(workspace, key);
        c.set('ctx', device.ctx);
        c.set('device', device);
      } else {
        // A Conductor access token (core/keys/tokens.ts) stands for the key it was made from.
        const authenticate = looksLikeToken(key) ? authenticateToken : authenticateKey;
        const { user, key: info } = authenticate(workspace.store, workspace.clock, key);
        chargeKey(workspace.store, info.id);
        c.set('ctx', { store: workspace.store, clock: workspace.clock, runtime: workspace.runtime, actor: user, via: { kind: 'api', key: info, loopback } });
        c.set('apiKey', info);
      }
    });
    await next();
  };
}
