import type { Ctx } from '../context';
import type { KeyScope } from '../../../shared/schemas/users';
import { AppError } from '../errors';
import { requireApiScope, liveKeyUser } from '../keys/keys-service';
import { KEYLESS_REFUSED } from '../sharing/access';
import { devicesOf, DEVICE_REFUSED, type AuthenticatedDevice } from '../team/devices';

/**
 * The member a sync call acts as: the one place that decides it. A desktop that joined a team
 * presents its device token (core/team/devices.ts, authenticated by the API's key check); an API
 * key of the member is accepted too (scripts, tests, a desktop joined before device tokens), within
 * its scopes (`scope`: read to pull, write to push). Either way the answer is a context WITHOUT
 * `via`: a replica holds what its member may see in the app, so a prompt's API exposure, which
 * only governs the HTTP API's prompt routes, does not hide it from the member's own replica.
 *
 * @throws AppError `unauthenticated` for a keyless call; `forbidden` for a key without `scope`
 */
export function syncCaller(ctx: Ctx, device: AuthenticatedDevice | undefined, scope: KeyScope): Ctx {
  if (device) return device.ctx;
  if (!ctx.via?.key) throw new AppError('unauthenticated', KEYLESS_REFUSED);
  requireApiScope(ctx, scope);
  return { store: ctx.store, clock: ctx.clock, runtime: ctx.runtime, actor: ctx.actor };
}

/**
 * The sync caller again, for a long-lived answer (the change signal): throws once the device is
 * revoked, the key revoked or expired, or the member deactivated, which ends the stream.
 */
export function liveSyncCaller(ctx: Ctx, device: AuthenticatedDevice | undefined): Ctx {
  const { store, clock } = ctx;
  if (device) {
    const now = devicesOf(store).get(device.deviceId);
    const member = now && now.revokedAt === null ? store.users.get(now.userId) : undefined;
    if (!member || !member.isActive) throw new AppError('unauthenticated', DEVICE_REFUSED);
    return { ...device.ctx, actor: member };
  }
  const key = ctx.via?.key ? store.keys.get(ctx.via.key.id) : undefined;
  const member = key ? liveKeyUser(store, clock.now(), key) : null;
  if (!member) throw new AppError('unauthenticated', 'The API key is no longer valid');
  return { store, clock, runtime: ctx.runtime, actor: member };
}
