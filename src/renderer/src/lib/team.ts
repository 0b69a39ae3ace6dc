import type { AppErrorShape } from '../../../shared/schemas/common';
import type { DeviceInfo, InviteInfo, TeamStatus } from '../../../shared/schemas/team';
import type { User } from '../../../shared/schemas/users';

/**
 * The team server's web door (`/team/*`, headless/team-web.ts) for the browser UI. The session is
 * an HttpOnly cookie the page never sees; every state-changing request echoes the CSRF cookie's
 * value in `X-CSRF-Token` (see {@link csrfHeaders}, also sent by the bridge).
 */

/** A refused call, with the field at fault. */
export class TeamError extends Error {
  constructor(readonly error: AppErrorShape) {
    super(error.message);
  }
}

/** `X-CSRF-Token` with this site's CSRF cookie, or nothing when there is none (not a team server, or signed out). */
export function csrfHeaders(): Record<string, string> {
  // Through globalThis: this module also loads in Node (renderer unit tests), where there is no document.
  const cookie = (globalThis as { document?: { cookie: string } }).document?.cookie;
  if (cookie === undefined) return {};
  const match = /(?:^|;\s*)__Host-promptdesk_csrf=([^;]+)/.exec(cookie);
  return match ? { 'X-CSRF-Token': decodeURIComponent(match[1]!) } : {};
}

async function problemOf(response: Response): Promise<AppErrorShape> {
  if (response.headers.get('content-type')?.includes('problem+json')) {
    const problem = (await response.json()) as { code?: AppErrorShape['code']; detail?: string; field?: string };
    return { code: problem.code ?? 'internal', message: problem.detail ?? response.statusText, field: problem.field };
  }
  return { code: 'internal', message: `The team server answered ${response.status}` };
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(method === 'POST' ? csrfHeaders() : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new TeamError(await problemOf(response));
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Whether this page is served by a team server, and who is signed in; null when it is not one (any non-JSON answer). */
export async function teamStatus(): Promise<TeamStatus | null> {
  try {
    const response = await fetch('/team/status', { credentials: 'same-origin' });
    if (!response.ok || !response.headers.get('content-type')?.includes('application/json')) return null;
    const status = (await response.json()) as TeamStatus;
    return status.team ? status : null;
  } catch {
    return null;
  }
}

export const teamSignIn = (email: string, password: string) => call<{ member: User }>('POST', '/team/sign-in', { email, password });
export const teamSignOut = () => call<void>('POST', '/team/sign-out');
export const inviteInfo = (code: string) => call<{ email: string; name: string; team: string }>('POST', '/team/invite-info', { code });
export const acceptInvite = (input: { code: string; password: string; name?: string }) => call<{ member: User }>('POST', '/team/accept-invite', input);
export const listDevices = () => call<{ devices: DeviceInfo[] }>('GET', '/team/devices');
export const revokeDevice = (deviceId: string) => call<{ device: DeviceInfo }>('POST', '/team/devices/revoke', { deviceId });
/** The member allows a desktop: the loopback address to send the browser to, with its one-time code. */
export const authorizeDevice = (request: Record<string, string>) => call<{ redirect: string }>('POST', '/team/authorize', request);
/** Admins: invite someone (the link is shown once). */
export const createInvite = (input: { email: string; name?: string; role: 'admin' | 'member' }) => call<{ code: string; link: string; invite: InviteInfo }>('POST', '/team/invites', input);
export const listInvites = () => call<{ invites: InviteInfo[] }>('GET', '/team/invites');
export const revokeInvite = (inviteId: string) => call<void>('POST', '/team/invites/revoke', { inviteId });
/** Changes the signed-in member's password; their other sessions end. */
export const changePassword = (input: { currentPassword: string; newPassword: string }) => call<void>('POST', '/team/password', input);
