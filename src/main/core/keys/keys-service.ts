import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock, Ctx } from '../context';
import { AppError, notFound } from '../errors';
import { assertAdmin } from '../users/users-service';
import type { ApiKeyInfo, User } from '../../../shared/schemas/users';
import type { Store } from '../../store/store';

/** `pd_` + 12-char lookup prefix + `_` + 43-char secret (256 bits). */
const KEY_PATTERN = /^pd_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const hashKey = (key: string) => createHash('sha256').update(key).digest();

const unauthenticated = () => new AppError('unauthenticated', 'Missing or invalid API key');

/** Creates a key for a member; the plain key is returned once and only its hash is stored. */
export function createKey(ctx: Ctx, input: { userEmail: string; label: string }): { key: string; info: ApiKeyInfo } {
  const { store } = ctx;
  const owner = store.users.getByEmail(input.userEmail);
  if (!owner) throw notFound(`Member ${input.userEmail}`);
  if (owner.id !== ctx.actor.id) assertAdmin(ctx.actor);
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const key = `pd_${prefix}_${randomBytes(32).toString('base64url')}`;
  const info: ApiKeyInfo = {
    id: randomUUID(),
    userId: owner.id,
    label: input.label,
    prefix: `pd_${prefix}`,
    createdAt: ctx.clock.now().toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  };
  store.tx(() => store.keys.insert(info, hashKey(key)));
  return { key, info };
}

/**
 * The member a presented key acts as. Looks up by prefix, then compares hashes in constant
 * time; any malformed, unknown, revoked or deactivated key is the same 401.
 */
export function authenticateKey(store: Store, clock: Clock, presented: string): { user: User; key: ApiKeyInfo } {
  const match = KEY_PATTERN.exec(presented);
  if (!match) throw unauthenticated();
  const stored = store.keys.getByPrefix(`pd_${match[1]}`);
  const expected = stored?.hash ?? Buffer.alloc(32);
  const equal = timingSafeEqual(hashKey(presented), expected);
  if (!stored || !equal || stored.info.revokedAt) throw unauthenticated();
  const user = store.users.get(stored.info.userId);
  if (!user || !user.isActive) throw unauthenticated();
  store.keys.touch(stored.info.id, clock.now().toISOString());
  return { user, key: stored.info };
}
