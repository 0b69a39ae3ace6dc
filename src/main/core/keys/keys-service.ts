import * as crypto from 'node:crypto';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { storageErrorOf } from '../../store/storage-errors';
import type { z } from 'zod';
import type { Clock, Ctx } from '../context';
import { AppError, invalid, notFound } from '../errors';
import { assertActive, assertAdmin } from '../users/users-service';
import { KEY_SCOPES, type ApiKeyInfo, type ApiKeyListItem, type CreateKeyInput, type KeyScope, type User } from '../../../shared/schemas/users';
import { canonicalEmail } from '../users/email-identity';
import type { Store } from '../../store/store';
import { parseInstant } from '../../../shared/schemas/instant';
import { refuseTeamMemberCredential } from '../users/team-members';

/** `pd_` + 12-char lookup prefix + `_` + 43-char secret (256 bits). */
const KEY_PATTERN = /^pd_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export const LAST_USED_RESOLUTION_MS = 60_000;

// crypto.hash (Node 20.12+/21.7+) digests in one call, without a Hash object per request: the
// same SHA-256 bytes (the stored hashes stay valid), compared in constant time as before.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
const hashKey = oneShot ? (key: string): Buffer => oneShot('sha256', key, 'buffer') : (key: string): Buffer => createHash('sha256').update(key).digest();

// The stored times every API request reads (a key's expiry and last use), parsed once per text:
// Date.parse cost about as much as the rest of the key's lookup. Few distinct texts exist at a
// time (one per key, the last use changing at most once a minute), and the table is bounded.
const parsedInstants = new Map<string, number>();

/** `Date.parse(text)`, kept for the next request (at most 1,000 texts, then started afresh). */
function instantOf(text: string): number {
  let ms = parsedInstants.get(text);
  if (ms === undefined) {
    if (parsedInstants.size >= 1000) parsedInstants.clear();
    parsedInstants.set(text, (ms = Date.parse(text)));
  }
  return ms;
}

const unauthenticated = () => new AppError('unauthenticated', 'Missing or invalid API key');

function expiryOf(value: string | null | undefined, now: Date): string | null {
  if (value === undefined || value === null || value === '') return null;
  // A bare date is valid through its last millisecond (UTC); a date-time needs its offset.
  const parsed = parseInstant(value, 'end');
  if (!parsed.ok) throw invalid(`Expiry: ${parsed.message}`, 'expiresAt');
  const time = parsed.ms;
  if (time <= now.getTime()) throw invalid('Expiry must be in the future', 'expiresAt');
  return new Date(time).toISOString();
}

/**
 * What a call's keys allow a new key: the scopes all of them have and the earliest expiry. Over
 * the API, the calling key; in a browser session, the keys it was signed in or switched with
 * ({@link Ctx.sessionKeys}); null when no key stands behind the call (the desktop, the printed link).
 */
function callerKeyBound(ctx: Ctx): { scopes: KeyScope[]; expiresAt: string | null } | null {
  const keys = ctx.via?.key ? [ctx.via.key] : (ctx.sessionKeys ?? []);
  if (keys.length === 0) return null;
  const expiries = keys.map((k) => k.expiresAt).filter((e): e is string => e !== null);
  return {
    scopes: KEY_SCOPES.filter((s) => keys.every((k) => k.scopes.includes(s))),
    expiresAt: expiries.length === 0 ? null : expiries.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)),
  };
}

/**
 * The scopes and expiry a new key may have. In the app (no key) any; over the API, a key never
 * mints a wider key: at most the calling key's scopes (403 on `scopes` otherwise) and an expiry no
 * later than its own (403 on `expiresAt`). Left out, they default to the calling key's (or every
 * scope and no expiry in the app). A browser session signed in with a key is bound the same way
 * by that key (and by a consent key it was switched with), so signing in never lengthens a key's life.
 */
export function withinCallerKey(ctx: Ctx, scopes: readonly KeyScope[] | undefined, expiresAt: string | null): { scopes: KeyScope[]; expiresAt: string | null } {
  const caller = callerKeyBound(ctx);
  if (!caller) return { scopes: [...(scopes ?? KEY_SCOPES)], expiresAt };
  const wanted = scopes ?? caller.scopes;
  // Both refusals name what bounds the new key: the calling key, or the key(s) the session rests on.
  const made = ctx.via?.key ? 'with this API key' : 'in this session';
  const bound = ctx.via?.key ? 'this key' : 'the API key it was signed in with';
  const extra = wanted.filter((s) => !caller.scopes.includes(s));
  if (extra.length > 0) {
    throw new AppError('forbidden', `A key made ${made} cannot have scopes ${bound} lacks (${extra.join(', ')}); it has: ${caller.scopes.join(', ')}`, 'scopes');
  }
  if (caller.expiresAt === null) return { scopes: [...wanted], expiresAt };
  if (expiresAt === null) return { scopes: [...wanted], expiresAt: caller.expiresAt };
  if (Date.parse(expiresAt) > Date.parse(caller.expiresAt)) {
    throw new AppError('forbidden', `A key made ${made} must expire by ${caller.expiresAt}, when ${bound} does`, 'expiresAt');
  }
  return { scopes: [...wanted], expiresAt };
}

/**
 * Creates a key for a member (yourself, or anyone if you are an admin). The plain key is
 * returned once; only its SHA-256 and a short visible prefix are stored. On a joined desktop, a
 * member the team replica copied in gets none (`forbidden` at `userEmail`, team-members.ts
 * refuseTeamMemberCredential).
 */
export function createKey(ctx: Ctx, input: z.input<typeof CreateKeyInput> & { scopes?: KeyScope[] }): { key: string; info: ApiKeyInfo } {
  assertActive(ctx.actor);
  requireApiScope(ctx, 'admin');
  const { store } = ctx;
  const owner = store.users.getByEmail(canonicalEmail(input.userEmail));
  if (!owner) throw notFound(`Member ${input.userEmail}`);
  if (owner.id !== ctx.actor.id) assertAdmin(ctx.actor);
  refuseTeamMemberCredential(store, owner.id, 'userEmail');
  const now = ctx.clock.now();
  const bounded = withinCallerKey(ctx, input.scopes, expiryOf(input.expiresAt, now));
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const key = `pd_${prefix}_${randomBytes(32).toString('base64url')}`;
  const info: ApiKeyInfo = {
    id: randomUUID(),
    userId: owner.id,
    label: input.label ?? 'default',
    prefix: `pd_${prefix}`,
    scopes: bounded.scopes,
    createdAt: now.toISOString(),
    lastUsedAt: null,
    expiresAt: bounded.expiresAt,
    revokedAt: null,
  };
  store.tx(() => store.keys.insert(info, hashKey(key)));
  return { key, info };
}

/** Your own keys; an admin sees every member's. */
export function listKeys(ctx: Ctx): ApiKeyListItem[] {
  assertActive(ctx.actor);
  requireApiScope(ctx, 'read');
  const all = ctx.store.keys.listAll();
  return ctx.actor.role === 'admin' ? all : all.filter((k) => k.userId === ctx.actor.id);
}

/** Revocation takes effect on the key's next request. */
export function revokeKey(ctx: Ctx, keyId: string): ApiKeyInfo {
  assertActive(ctx.actor);
  requireApiScope(ctx, 'admin');
  const { store } = ctx;
  return store.tx(() => {
    const key = store.keys.get(keyId);
    if (!key || (key.userId !== ctx.actor.id && ctx.actor.role !== 'admin')) throw notFound('API key');
    store.keys.revoke(keyId, ctx.clock.now().toISOString());
    return store.keys.get(keyId)!;
  });
}

/**
 * The member a key acts as while it lives: null once it is revoked or expired, or its member is
 * gone or deactivated. The one rule for a key's life, for the key itself and for the tokens
 * made from it (core/keys/tokens.ts), which therefore die with it.
 */
export function liveKeyUser(store: Store, now: Date, info: ApiKeyInfo): User | null {
  if (info.revokedAt) return null;
  if (info.expiresAt && instantOf(info.expiresAt) <= now.getTime()) return null;
  const user = store.users.get(info.userId);
  return user && user.isActive ? user : null;
}

/**
 * `ctx` (a call made with API key `keyId`) as it stands now, for something that outlives the
 * call: a change stream, an MCP session and its streams. The one check of whether a stream's key
 * is still good, used by every stream door and re-run by the change feed on every poll and at
 * least every second while idle (core/changes), so an expired key ends its streams without any
 * new event. Same key and member; a role change applies at once.
 * @throws AppError unauthenticated once the key is revoked, deleted or expired or its member deactivated
 */
export function streamKeyCtx(ctx: Ctx, keyId: string): Ctx {
  const info = ctx.store.keys.get(keyId);
  const user = info ? liveKeyUser(ctx.store, ctx.clock.now(), info) : null;
  if (!user) throw new AppError('unauthenticated', 'The API key is no longer valid');
  return { ...ctx, actor: user };
}

/**
 * The member a presented key acts as. Looks up by prefix, then compares hashes in constant
 * time; any malformed, unknown, revoked, expired or deactivated key is the same 401.
 */
export function authenticateKey(store: Store, clock: Clock, presented: string): { user: User; key: ApiKeyInfo } {
  const match = KEY_PATTERN.exec(presented);
  if (!match) throw unauthenticated();
  const stored = store.keys.getByPrefix(`pd_${match[1]}`);
  const expected = stored?.hash ?? Buffer.alloc(32);
  const equal = timingSafeEqual(hashKey(presented), expected);
  if (!stored || !equal) throw unauthenticated();
  const now = clock.now();
  const user = liveKeyUser(store, now, stored.info);
  if (!user) throw unauthenticated();
  // Last-used is kept to the minute: a durable write on every request would cost an fsync each.
  const last = stored.info.lastUsedAt ? instantOf(stored.info.lastUsedAt) : 0;
  if (now.getTime() - last >= LAST_USED_RESOLUTION_MS) {
    try {
      store.keys.touch(stored.info.id, now.toISOString());
    } catch (error) {
      // The last-used time is a convenience: a full disk, a read-only folder or another process
      // holding the write lock past busy_timeout must not turn reads away.
      const code = (error as { code?: unknown }).code;
      const busy = typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
      if (!storageErrorOf(error) && !busy) throw error;
    }
  }
  return { user, key: stored.info };
}

/** A key used outside its scopes is refused even where its member would be allowed. */
export function requireScope(key: ApiKeyInfo, scope: KeyScope): void {
  if (!key.scopes.includes(scope)) {
    throw new AppError('forbidden', `This API key lacks the "${scope}" scope (it has: ${key.scopes.join(', ')})`);
  }
}

/** For calls over the HTTP API, the key must carry `scope` (in-app calls have no key). */
export function requireApiScope(ctx: Ctx, scope: KeyScope): void {
  if (ctx.via?.key) requireScope(ctx.via.key, scope);
}
