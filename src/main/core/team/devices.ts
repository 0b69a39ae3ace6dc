import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock, Ctx } from '../context';
import { AppError, notFound } from '../errors';
import type { Store } from '../../store/store';
import type { Runtime } from '../runtime';
import { devicesRepo, type Device } from '../../store/repos/devices-repo';
import type { User } from '../../../shared/schemas/users';

// Not users-service's assertActive: users-service calls revokeDevicesOf on deactivation, and an import cycle would follow.
function assertActive(actor: User): void {
  if (!actor.isActive) throw new AppError('unauthenticated', 'This member has been deactivated');
}

export type { Device };

/**
 * Device tokens: what a desktop (or a headless host) that joined a team server syncs with.
 * A token is `pdd_` and 43 url-safe characters (256 random bits); the server keeps only its
 * SHA-256 (a token has full entropy, so a memory-hard KDF would add nothing but latency), next
 * to the device's name, creation and last-seen times. Revoking a device (its member, or an
 * admin) refuses its token on the very next request: nothing about a token is cached.
 */

export const DEVICE_TOKEN_PREFIX = 'pdd_';
const TOKEN_PATTERN = /^pdd_[A-Za-z0-9_-]{43}$/;
/** Last-seen is written at most this often per device (ms), so a syncing desktop does not write on every call. */
export const LAST_SEEN_EVERY_MS = 60_000;
/** The message of every refused device token (unknown, malformed, revoked, member deactivated): it tells nothing apart. */
export const DEVICE_REFUSED = 'This device is not signed in to the team server (its token is unknown or was revoked): join the team workspace again';

const hash = (secret: string) => createHash('sha256').update(secret).digest();

const repos = new WeakMap<Store, ReturnType<typeof devicesRepo>>();
/** The devices repository of a store (prepared once per store). */
export function devicesOf(store: Store): ReturnType<typeof devicesRepo> {
  let repo = repos.get(store);
  if (!repo) repos.set(store, (repo = devicesRepo(store.db)));
  return repo;
}

/** Whether a presented credential is shaped like a device token (else it may be an API key). */
export const looksLikeDeviceToken = (presented: string): boolean => presented.startsWith(DEVICE_TOKEN_PREFIX);

/** What {@link authenticateDevice} needs of a workspace (a `Workspace` fits). */
export interface DeviceWorkspace {
  store: Store;
  clock: Clock;
  runtime: Runtime;
}

/** A device token that authenticated: a service context acting as its member, and which device it is. */
export interface AuthenticatedDevice {
  /** A service context acting as the device's member (no `via`: a device syncs what its member may see, as the member's own UI would). */
  ctx: Ctx;
  member: User;
  deviceId: string;
}

/**
 * Issues a device token for `userId`'s device called `name` (trimmed, 1-100 characters; the
 * caller has already proven who the member is: a PKCE code exchange, core/team/device-grants.ts).
 * Returns the token, shown once, and the device as listed.
 *
 * @throws AppError `invalid_input` (field `deviceName`) for an empty or long name; `unauthenticated` for a deactivated member
 * @example const { token } = issueDeviceToken(ws.store, ws.clock, member.id, 'Ada’s laptop'); // 'pdd_…'
 */
export function issueDeviceToken(store: Store, clock: Clock, userId: string, name: string): { token: string; device: Device } {
  const member = store.users.get(userId);
  if (!member) throw notFound('Member');
  assertActive(member);
  const deviceName = name.trim();
  if (!deviceName || deviceName.length > 100) throw new AppError('invalid_input', 'Name the device (1 to 100 characters)', 'deviceName');
  const token = `${DEVICE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const device: Device = { id: randomUUID(), userId, name: deviceName, createdAt: clock.now().toISOString(), lastSeenAt: null, revokedAt: null };
  store.tx(() => devicesOf(store).insert(device, hash(token)));
  return { token, device };
}

/**
 * The member and device a device token stands for, or null when it stands for none: malformed,
 * unknown, revoked, or its member deactivated. Looked up by the token's SHA-256 on every call
 * (no cache), so a revocation is refused at once. Records the device's last-seen time (at most
 * once per {@link LAST_SEEN_EVERY_MS}).
 *
 * @example
 * const device = authenticateDevice(workspace, bearerToken);
 * if (!device) throw new AppError('unauthenticated', DEVICE_REFUSED);
 * pullChanges(device.ctx, cursor);
 */
export function authenticateDevice(workspace: DeviceWorkspace, token: string): AuthenticatedDevice | null {
  const { store, clock, runtime } = workspace;
  const presented = token.trim();
  if (!TOKEN_PATTERN.test(presented)) return null;
  const devices = devicesOf(store);
  const device = devices.getByTokenHash(hash(presented));
  if (!device || device.revokedAt !== null) return null;
  const member = store.users.get(device.userId);
  if (!member || !member.isActive) return null;
  const now = clock.now();
  if (!device.lastSeenAt || now.getTime() - Date.parse(device.lastSeenAt) >= LAST_SEEN_EVERY_MS) devices.touch(device.id, now.toISOString());
  return { ctx: { store, clock, runtime, actor: member }, member, deviceId: device.id };
}

/**
 * {@link authenticateDevice}, throwing the API's 401 instead of returning null.
 *
 * @throws AppError `unauthenticated` with {@link DEVICE_REFUSED}
 */
export function requireDevice(workspace: DeviceWorkspace, token: string | undefined): AuthenticatedDevice {
  const device = token === undefined ? null : authenticateDevice(workspace, token);
  if (!device) throw new AppError('unauthenticated', DEVICE_REFUSED);
  return device;
}

/**
 * The devices of a member that still work, newest first: a member lists their own, an admin
 * anyone's (`userId`, default the actor). Another member's, asked by a non-admin, is `not_found`.
 */
export function listDevices(ctx: Ctx, userId: string = ctx.actor.id): Device[] {
  assertActive(ctx.actor);
  if (userId !== ctx.actor.id && ctx.actor.role !== 'admin') throw notFound('Member', 'userId');
  return devicesOf(ctx.store).listOf(userId);
}

/**
 * Revokes a device: its member or an admin may. Its token is refused from the next request on.
 * A device that does not exist, is already revoked, or is another member's (for a non-admin)
 * is the same `not_found` on field `deviceId`.
 */
export function revokeDevice(ctx: Ctx, deviceId: string): Device {
  assertActive(ctx.actor);
  const devices = devicesOf(ctx.store);
  return ctx.store.tx(() => {
    const device = devices.get(deviceId);
    if (!device || device.revokedAt !== null || (device.userId !== ctx.actor.id && ctx.actor.role !== 'admin')) throw notFound('Device', 'deviceId');
    const at = ctx.clock.now().toISOString();
    devices.revoke(device.id, at);
    return { ...device, revokedAt: at };
  });
}

/** Revokes every device of a member (they were deactivated: reactivating brings none back). */
export function revokeDevicesOf(store: Store, userId: string, at: string): void {
  devicesOf(store).revokeAllOf(userId, at);
}
