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
import { handedAdmission } from './handover';

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

// The Bearer scheme and the spaces after it, or a lone "Bearer" (then no token follows).
const BEARER = /^bearer(?:\s+|$)/i;

/**
 * The token of one header: `Bearer <token>` or a bare token; '' when it carries none (empty, a
 * lone "Bearer"). One match per header (it runs on every request).
 * @example tokenOf('Bearer pd_x') // 'pd_x'; tokenOf(' bearer ') // ''; tokenOf('Basic abc') // 'Basic abc'
 */
export function tokenOf(raw: string): string {
  const trimmed = raw.trim();
  const scheme = BEARER.exec(trimmed);
  return scheme ? trimmed.slice(scheme[0].length) : trimmed;
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
  return clientSignalsOf(
    () => getConnInfo(c).remote.address,
    (name) => c.req.header(name),
  );
}

/**
 * {@link clientSignals} from any request: `address` gives the socket's remote address, `header`
 * one request header by its lower-case name (undefined when absent). Each is asked at most once.
 */
export function clientSignalsOf(address: () => string | undefined, header: (name: string) => string | undefined): ClientSignals {
  return new LazySignals(address, header);
}

/** {@link clientSignalsOf}'s answer: each signal read on first use and kept (one object per request, no Map). */
class LazySignals implements ClientSignals {
  private read = 0;
  private values: { address?: string; userAgent?: string; origin?: string; referer?: string; fetchSite?: string } = {};

  constructor(
    private readonly readAddress: () => string | undefined,
    private readonly header: (name: string) => string | undefined,
  ) {}

  /** Bit per signal in `read`: set once the signal was asked for. */
  private once<K extends keyof ClientSignals>(name: K, bit: number, get: () => string | undefined): string | undefined {
    if ((this.read & bit) === 0) {
      this.read |= bit;
      this.values[name] = get();
    }
    return this.values[name];
  }

  get address() {
    return this.once('address', 1, this.readAddress);
  }
  get userAgent() {
    return this.once('userAgent', 2, () => this.header('user-agent'));
  }
  get origin() {
    return this.once('origin', 4, () => this.header('origin'));
  }
  get referer() {
    return this.once('referer', 8, () => this.header('referer'));
  }
  get fetchSite() {
    return this.once('fetchSite', 16, () => this.header('sec-fetch-site'));
  }
}

/** What the key check reads of a request: from a Hono context, or straight from node:http (api/fast-render.ts). */
export interface KeyRequest {
  method: string;
  /** The path as sent (still percent-encoded). */
  pathname: string;
  /** The query with its `?`, or '' (as `new URL(...).search`). */
  search: string;
  /** One request header by its lower-case name, repeated ones joined with ", " (as fetch's Headers.get). */
  header(name: string): string | undefined;
  client: ClientSignals;
}

/** Who an admitted request acts as: the context its handler runs with, and the key or device it presented. */
export interface Admission {
  ctx: ApiEnv['Variables']['ctx'];
  apiKey?: ApiEnv['Variables']['apiKey'];
  device?: ApiEnv['Variables']['device'];
}

/** The key check of one API server: one throttle and one rate budget per key, for every door that calls it. */
export interface KeyGate {
  /**
   * Checks a request's key under the failed-authentication throttle and the per-key rate limit
   * (both counted here, once per call): null for a path that names no operation (it reaches
   * the 404 without a key), else who it acts as.
   * @throws AppError unauthenticated (401), rate_limited (429 with retryAfter seconds), forbidden
   */
  admit(request: KeyRequest): Admission | null;
  /** The Hono middleware: uses the admission the fast render path already made for this request (api/handover.ts), else {@link KeyGate.admit}. */
  middleware: MiddlewareHandler<ApiEnv>;
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
  return keyGate(workspace, limits, knownPath, liveRate).middleware;
}

/** The {@link KeyGate} behind {@link requireKey} (same arguments): the fast render path calls its `admit`. */
export function keyGate(workspace: Workspace, limits: RateLimits, knownPath: (pathname: string) => boolean = () => true, liveRate = false): KeyGate {
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
  const admit = (request: KeyRequest): Admission | null => {
    // No operation lives there: the 404 problem+json answers, key or not (see knownPathTest).
    if (!knownPath(request.pathname)) return null;
    const { client, pathname, method } = request;
    const loopback = limitAddress(client.address) === 'loopback';
    const key = presentedKey(request.header('authorization'), request.header('x-authorization'));
    return throttled(client, key, (): Admission => {
      const params = request.search === '' ? undefined : new URLSearchParams(request.search);
      if (params && KEY_QUERY_PARAMS.some((p) => params.has(p))) {
        throw new AppError('unauthenticated', 'API keys in the URL are refused (they end up in logs): send it in the Authorization header');
      }
      if (!key) {
        if (!KEYLESS_ROUTE.test(pathname) || !['GET', 'POST'].includes(method)) {
          throw new AppError('unauthenticated', KEYLESS_REFUSED);
        }
        // Acts as the workspace owner, but the prompt's own keyless rule limits it to read/run.
        return { ctx: { store: workspace.store, clock: workspace.clock, runtime: workspace.runtime, actor: workspace.owner, via: { kind: 'api', key: null, loopback } } };
      }
      if (looksLikeDeviceToken(key) && DEVICE_ROUTE.test(pathname)) {
        const device = requireDevice(workspace, key);
        return { ctx: device.ctx, device };
      }
      // A Conductor access token (core/keys/tokens.ts) stands for the key it was made from.
      const authenticate = looksLikeToken(key) ? authenticateToken : authenticateKey;
      const { user, key: info } = authenticate(workspace.store, workspace.clock, key);
      chargeKey(workspace.store, info.id);
      return { ctx: { store: workspace.store, clock: workspace.clock, runtime: workspace.runtime, actor: user, via: { kind: 'api', key: info, loopback } }, apiKey: info };
    });
  };
  const apply = (c: Context<ApiEnv>, admission: Admission) => {
    c.set('ctx', admission.ctx);
    if (admission.device) c.set('device', admission.device);
    if (admission.apiKey) c.set('apiKey', admission.apiKey);
  };
  const middleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
    // Already checked (and counted) by the fast render path, which handed the request on.
    const handed = handedAdmission(c.env);
    if (handed) {
      if ('refused' in handed) throw handed.refused;
      apply(c, handed.admitted);
      return next();
    }
    const url = requestTarget(c.req.url);
    if (!knownPath(url.pathname)) return next();
    const client = clientSignals(c);
    if (c.req.method === 'POST' && CREDENTIAL_EXCHANGE.test(url.pathname)) {
      c.set('throttled', (credential, attempt) => throttled(client, credential, () => attempt({ store: workspace.store, clock: workspace.clock })));
      return next();
    }
    const admission = admit({ method: c.req.method, pathname: url.pathname, search: url.search, header: (name) => c.req.header(name), client });
    if (admission) apply(c, admission);
    await next();
  };
  return { admit, middleware };
}
