import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chargeKey } from './key-rate-limit';
import type { Clock } from '../context';
import { AppError } from '../errors';
import { authenticateKey, liveKeyUser } from './keys-service';
import type { Store } from '../../store/store';
import type { ApiKeyInfo, User } from '../../../shared/schemas/users';

/**
 * Short-lived access tokens exchanged for an API key, as Orkes Conductor's clients expect
 * (`POST /api/token` with `{keyId, keySecret}` answers `{token}`, then `X-Authorization: <token>`;
 * conductor-oss/javascript-sdk src/sdk/createConductorClient/helpers/handleAuth.ts and
 * conductor-oss/python-sdk src/conductor/client/http/api_client.py `__get_new_token`).
 *
 * A token is `pdt_<payload>.<signature>`: the key's id and an expiry, signed with a secret that
 * lives only in this process. Nothing is stored, so a restart ends every token (the clients then
 * get INVALID_TOKEN and ask for a new one); each use re-reads the key, so a token dies with it.
 */

/** How long a token lives: an hour (both SDKs renew theirs after 45 minutes). */
export const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

const TOKEN_PATTERN = /^pdt_([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/;

/** Signs this process's tokens; never written anywhere. */
const SECRET = randomBytes(32);

/** The message of a token past its expiry: the compat door answers it as EXPIRED_TOKEN. */
export const TOKEN_EXPIRED = 'The access token has expired; get a new one with POST /api/token';
const TOKEN_INVALID = 'Missing or invalid API key or access token';
const CREDENTIALS_REFUSED = 'Invalid keyId or keySecret';

/**
 * When each member was last deactivated (ms), in this process (tokens live no longer than it):
 * a token issued before stays refused after a reactivation, as sessions do (users-service).
 */
const DEACTIVATED_AT = new Map<string, number>();

/** Ends every token of `userId` issued until `atMs`, for good (called on deactivation). */
export function endTokensOf(userId: string, atMs: number): void {
  DEACTIVATED_AT.set(userId, Math.max(atMs, DEACTIVATED_AT.get(userId) ?? 0));
}

const sign = (payload: string) => createHmac('sha256', SECRET).update(payload).digest('base64url');

/** Whether a presented credential is shaped like one of these tokens (else it is taken as an API key). */
export const looksLikeToken = (presented: string): boolean => presented.startsWith('pdt_');

/**
 * Whether `keyId` names `key`: its uuid, its prefix (`pd_` and 12 characters: `GET /api/v1/keys`,
 * the key's own start, Settings' tooltip), or the start of the prefix Settings > API keys shows
 * (`pd_abcd…`, at least 7 characters, the ellipsis optional). The secret authenticates; the id
 * only has to agree with it.
 */
function namesKey(keyId: string, key: ApiKeyInfo): boolean {
  const shown = keyId.trim().replace(/…$/, '');
  return shown === key.id || (shown.length >= 7 && key.prefix.startsWith(shown));
}

/**
 * Exchanges a key for a token. `keyId` is the key's visible id (its prefix, see namesKey) and
 * `keySecret` the key itself. A wrong pair, a revoked or expired key and a deactivated member are the same
 * 401, naming nothing. The token expires after TOKEN_LIFETIME_MS, or with the key if sooner.
 *
 * Minting spends one request of the key's rate limit (core/keys/key-rate-limit.ts).
 *
 * @returns the token and its expiry (ISO 8601)
 * @throws AppError `unauthenticated`; `rate_limited` (429) when the key's budget is used up
 */
export function issueToken(store: Store, clock: Clock, keyId: string, keySecret: string): { token: string; expiresAt: string } {
  let key: ApiKeyInfo;
  try {
    key = authenticateKey(store, clock, keySecret).key;
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthenticated') throw new AppError('unauthenticated', CREDENTIALS_REFUSED);
    throw error;
  }
  if (!namesKey(keyId, key)) throw new AppError('unauthenticated', CREDENTIALS_REFUSED);
  // Minting is a request made with the key: it spends the key's budget (the tokens made then share it).
  chargeKey(store, key.id);
  const now = clock.now().getTime();
  const keyEnd = key.expiresAt ? Date.parse(key.expiresAt) : Infinity;
  const expires = Math.min(now + TOKEN_LIFETIME_MS, keyEnd);
  // The nonce makes every token distinct, so a renewed token never equals the one it replaces.
  const payload = Buffer.from(JSON.stringify({ k: key.id, e: expires, i: now, n: randomBytes(6).toString('base64url') })).toString('base64url');
  return { token: `pdt_${payload}.${sign(payload)}`, expiresAt: new Date(expires).toISOString() };
}

/**
 * The member and key a token acts as. A genuine token past its expiry (an hour, or its key's
 * expiry if sooner: whichever ends first) is a 401 with TOKEN_EXPIRED, checked first. A token
 * that is malformed, forged, made by an earlier run of Promptdesk, whose key was revoked, or
 * whose member is deactivated or was deactivated after it was issued is a 401 with one message.
 * The key returned carries the token's expiry as its `expiresAt`, so anything bounded by the
 * calling key (a key created with this token: withinCallerKey) ends no later than the token.
 *
 * @throws AppError `unauthenticated`
 */
export function authenticateToken(store: Store, clock: Clock, presented: string): { user: User; key: ApiKeyInfo } {
  const invalidToken = () => new AppError('unauthenticated', TOKEN_INVALID);
  const match = TOKEN_PATTERN.exec(presented);
  if (!match) throw invalidToken();
  const [, payload, signature] = match as unknown as [string, string, string];
  if (!timingSafeEqual(Buffer.from(sign(payload)), Buffer.from(signature))) throw invalidToken();
  let claims: { k?: unknown; e?: unknown; i?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k?: unknown; e?: unknown; i?: unknown };
  } catch {
    throw invalidToken();
  }
  if (typeof claims.k !== 'string' || typeof claims.e !== 'number' || typeof claims.i !== 'number') throw invalidToken();
  const now = clock.now();
  if (claims.e <= now.getTime()) throw new AppError('unauthenticated', TOKEN_EXPIRED);
  const key = store.keys.get(claims.k);
  const user = key ? liveKeyUser(store, now, key) : null;
  if (!key || !user) throw invalidToken();
  if (claims.i <= (DEACTIVATED_AT.get(user.id) ?? -Infinity)) throw invalidToken();
  const tokenEnd = new Date(claims.e).toISOString();
  return { user, key: { ...key, expiresAt: key.expiresAt && Date.parse(key.expiresAt) < claims.e ? key.expiresAt : tokenEnd } };
}
