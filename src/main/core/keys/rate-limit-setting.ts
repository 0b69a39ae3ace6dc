import type { Ctx } from '../context';
import { invalid } from '../errors';
import type { Store } from '../../store/store';
import { assertActive, assertAdmin } from '../users/users-service';
import { requireApiScope } from './keys-service';

/**
 * The per-key request limit of the HTTP API (every door behind a key: /api/v1, /compat, /mcp),
 * as a workspace setting: requests per second per key, 0 for no limit. The one rule for its
 * value (parseRateLimit), where it is kept (the settings table, RATE_LIMIT_SETTING) and which
 * figure is in force (apiRateLimit: a `serve --rate-limit N` for that run, until Settings saves
 * another; otherwise the saved one). The API reads apiRateLimit on every request, so a change
 * applies to the next request without a restart.
 */

export const RATE_LIMIT_SETTING = 'api.rateLimitPerSecond';
/** The limit of a workspace that never saved one (the figure before it was a setting). */
export const DEFAULT_RATE_LIMIT = 1000;
/** Far above what one loopback server answers (tens of thousands a second): past it is a typo. */
export const MAX_RATE_LIMIT = 1_000_000;
/** A key may send this many times its per-second figure at once before it waits. */
export const BURST_FACTOR = 2;

export interface RateLimitState {
  /** Requests per second per key in force now; 0 is no limit. */
  perSecond: number;
  /** Requests a key may send at once (BURST_FACTOR x perSecond); 0 with no limit. */
  burst: number;
  /** The figure saved in Settings (the default of every run). */
  saved: number;
  /** True while a `--rate-limit` of this run is in force instead of the saved figure. */
  fromFlag: boolean;
  max: number;
}

const MESSAGE = `The rate limit is a whole number of requests per second per key, from 0 (no limit) to ${MAX_RATE_LIMIT.toLocaleString('en-US')}`;

/**
 * A rate limit as given: a number, or its decimal digits as text (the CLI flag, a form field).
 * @returns requests per second per key, an integer 0..MAX_RATE_LIMIT (0 = no limit)
 * @throws AppError invalid_input naming `field` for anything else (-1, 1.5, "abc", "1e3", 1e9)
 */
export function parseRateLimit(value: unknown, field = 'perSecond'): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,10}\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 0 || number > MAX_RATE_LIMIT) throw invalid(MESSAGE, field);
  // -0 is 0 (and would print as "0" yet compare apart in Object.is).
  return number === 0 ? 0 : number;
}

interface Live {
  perSecond: number;
  fromFlag: boolean;
}

// Per open store (a process may open several data folders: tests, the team tools). Read on every
// API request, so it is kept in memory; setRateLimit is its only writer besides the flag.
const live = new WeakMap<Store, Live>();

function savedRateLimit(store: Store): number {
  const raw = store.settings.get<unknown>(RATE_LIMIT_SETTING);
  try {
    return raw === undefined ? DEFAULT_RATE_LIMIT : parseRateLimit(raw);
  } catch {
    // A value written by hand into the database: the default, rather than an API that refuses to start.
    return DEFAULT_RATE_LIMIT;
  }
}

function liveOf(store: Store): Live {
  let entry = live.get(store);
  if (!entry) live.set(store, (entry = { perSecond: savedRateLimit(store), fromFlag: false }));
  return entry;
}

/** The limit in force for `store`'s API (cheap: memory, no query), with the saved figure. */
export function apiRateLimit(store: Store): RateLimitState {
  const { perSecond, fromFlag } = liveOf(store);
  return { perSecond, burst: perSecond * BURST_FACTOR, saved: fromFlag ? savedRateLimit(store) : perSecond, fromFlag, max: MAX_RATE_LIMIT };
}

/** Requests per second in force (0 = no limit): the hot path's read, without building a state. */
export function currentRateLimit(store: Store): number {
  return liveOf(store).perSecond;
}

/**
 * `serve --rate-limit N`: `value` is in force for this run, over the saved figure, and is not
 * saved. A later save in Settings replaces it (the last decision wins).
 * @throws AppError invalid_input naming `field` (parseRateLimit)
 */
export function overrideRateLimit(store: Store, value: unknown, field = 'rate-limit'): RateLimitState {
  const perSecond = parseRateLimit(value, field);
  live.set(store, { perSecond, fromFlag: true });
  return apiRateLimit(store);
}

/** The rate limit as Settings shows it, to any active member (an API key needs `read`). */
export function getRateLimit(ctx: Ctx): RateLimitState {
  assertActive(ctx.actor);
  requireApiScope(ctx, 'read');
  return apiRateLimit(ctx.store);
}

/**
 * Saves the workspace's rate limit and puts it in force at once (replacing a `--rate-limit` of
 * this run). Admins only (a key needs `admin`). A bad value changes nothing.
 * @throws AppError invalid_input at `perSecond`; forbidden for a member who is not an admin
 */
export function setRateLimit(ctx: Ctx, input: { perSecond: unknown }): RateLimitState {
  assertActive(ctx.actor);
  requireApiScope(ctx, 'admin');
  assertAdmin(ctx.actor);
  const perSecond = parseRateLimit(input.perSecond);
  ctx.store.tx(() => ctx.store.settings.set(RATE_LIMIT_SETTING, perSecond));
  live.set(ctx.store, { perSecond, fromFlag: false });
  return apiRateLimit(ctx.store);
}
