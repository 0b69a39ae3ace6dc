import { AppError } from '../errors';
import type { Store } from '../../store/store';
import { RateLimiter } from '../../api/rate-limit';
import { groundsOf, type Session } from '../sessions/session-registry';
import { BURST_FACTOR, currentRateLimit } from './rate-limit-setting';

/**
 * The per-key request budget (README "Each key is limited to N requests/s"): one token bucket per
 * API key and per open store, charged by every door a key's request comes through, so a key
 * cannot escape its limit by changing doors: the HTTP API's key check (api/auth.ts: /api/v1,
 * /compat, /mcp, Conductor tokens made from the key), `POST /bridge/sign-in` with the key,
 * Conductor's token exchange (core/keys/tokens.ts issueToken's route), and the model calls of a
 * browser session signed in with the key ({@link chargeSessionCall}). The figure is the
 * workspace's setting (rate-limit-setting.ts), read per charge; a host with fixed limits (tests,
 * benches) sets them with {@link fixKeyRate}.
 */

/**
 * Bridge channels that reach a model provider (a run, a refinement, an integration's model
 * list): the ones a browser session signed in with a key pays for with that key's budget.
 * The session's other calls are its person's UI (lists, editing, Settings) and are never refused
 * by the key's limit.
 */
export const MODEL_CHANNELS: ReadonlySet<string> = new Set(['runs:start', 'refine:start', 'integrations:test']);

interface Budget {
  limiter: RateLimiter;
  /** Fixed requests/s and burst (a host given `limits`), or null for the live setting. */
  fixed: { perSecond: number; burst: number } | null;
}

const budgets = new WeakMap<Store, Budget>();

function budgetOf(store: Store): Budget {
  let budget = budgets.get(store);
  if (!budget) {
    const perSecond = currentRateLimit(store);
    budgets.set(store, (budget = { limiter: new RateLimiter(perSecond, perSecond * BURST_FACTOR), fixed: null }));
  }
  return budget;
}

/**
 * Fixes `store`'s per-key budget at `perSecond` requests/s with `burst` at once, instead of the
 * workspace's setting (an API host started with fixed `limits`: tests and benches). 0 is no limit.
 */
export function fixKeyRate(store: Store, perSecond: number, burst: number): void {
  const budget = budgetOf(store);
  budget.fixed = { perSecond, burst };
  budget.limiter.setRate(perSecond, burst);
}

/**
 * Charges one request to API key `keyId` (its id, not its secret).
 * @throws AppError rate_limited (429) with retryAfter in whole seconds once the key's bucket is empty
 */
export function chargeKey(store: Store, keyId: string): void {
  const budget = budgetOf(store);
  const perSecond = budget.fixed ? budget.fixed.perSecond : currentRateLimit(store);
  // The setting applies to the next request: buckets keep their tokens, capped at the new burst.
  if (!budget.fixed) budget.limiter.setRate(perSecond, perSecond * BURST_FACTOR);
  // 0 is no limit (the setting's "off").
  if (perSecond === 0) return;
  const wait = budget.limiter.take(keyId);
  if (wait > 0) throw AppError.rateLimited(`Rate limit for this key reached (${perSecond} requests/s); retry after ${wait} s`, wait);
}

/**
 * The key a browser session is charged to: the one it (or the first session of its switch chain)
 * was signed in with; null for a session from a sign-in link or a desktop's own member.
 */
export function sessionKeyId(session: Pick<Session, 'userId' | 'keyId' | 'from'>): string | null {
  return groundsOf(session).find((g) => g.keyId !== null)?.keyId ?? null;
}

/**
 * Charges a browser session's bridge call (`POST /bridge/<channel>`) to the key the session was
 * signed in with, when the channel calls a model ({@link MODEL_CHANNELS}); other channels and
 * sessions without a key are never charged.
 * @throws AppError rate_limited (429) as {@link chargeKey}
 */
export function chargeSessionCall(store: Store, session: Pick<Session, 'userId' | 'keyId' | 'from'>, channel: string): void {
  if (!MODEL_CHANNELS.has(channel)) return;
  const keyId = sessionKeyId(session);
  if (keyId !== null) chargeKey(store, keyId);
}
