import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { ApiEnv } from '../api/env';
import { readJson, parseWith } from '../api/body';
import { setTeamClientAddress } from '../api/routes/team';
import { limitAddress } from '../api/auth-throttle';
import { AppError } from '../core/errors';
import type { Ctx } from '../core/context';
import type { Workspace } from '../core/workspace';
import { teamOf } from '../core/team/team-server';
import { csrfMatches, endTeamSession, startTeamSession, teamSession, TEAM_SESSION_MAX_MS, type TeamSession } from '../core/team/team-sessions';
import { changePassword, signInWithPassword } from '../core/team/password-sign-in';
import { acceptInvite, createInvite, describeInvite, InviteInput, listInvites, revokeInvite } from '../core/team/invites';
import { listDevices, requireDevice, revokeDevice } from '../core/team/devices';
import { authorizeDevice, AuthorizeInput, checkLoopbackRedirect } from '../core/team/device-grants';
import { AcceptInviteInput, ChangePasswordInput, DeviceRefInput, InviteCodeInput, InviteRefInput, TeamSignInInput, type DeviceInfo, type TeamStatus } from '../../shared/schemas/team';
import type { User } from '../../shared/schemas/users';

/** The session cookie (`__Host-` prefix: Secure, Path=/, no Domain, so no other host can set or read it). */
export const SESSION_COOKIE = 'promptdesk_session';
/** The CSRF cookie the web UI reads and echoes in {@link CSRF_HEADER} (double submit, checked against the session's own token). */
export const CSRF_COOKIE = 'promptdesk_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface TeamWebOptions {
  workspace: Workspace;
  /** `--trust-proxy`: the client address comes from the proxy's X-Forwarded-For (its last hop). */
  trustProxy: boolean;
}

/** What the bridge asks of a team server: the member of the request's cookie session, and how to sign out. */
export interface TeamDoor {
  /** The signed-in member as a service context; `unauthenticated` without a live session. */
  memberCtx(c: Context<ApiEnv>): Ctx;
  /** Ends the request's session and clears its cookies. */
  signOut(c: Context<ApiEnv>): void;
}

/** The client's address: the socket's, or with --trust-proxy the address the proxy appended last to X-Forwarded-For. */
function clientAddress(c: Context<ApiEnv>, trustProxy: boolean): string {
  const forwarded = trustProxy ? c.req.header('x-forwarded-for') : undefined;
  const last = forwarded?.split(',').at(-1)?.trim();
  // One spelling per client (every loopback form is one address), as the API's own limits do.
  return limitAddress(last || getConnInfo(c).remote.address);
}

const cookieOptions = { prefix: 'host' as const, path: '/', secure: true, sameSite: 'Strict' as const, maxAge: Math.floor(TEAM_SESSION_MAX_MS / 1000) };

function setSessionCookies(c: Context<ApiEnv>, session: { id: string; csrfToken: string }): void {
  setCookie(c, SESSION_COOKIE, session.id, { ...cookieOptions, httpOnly: true });
  // Readable by the page (not HttpOnly): it echoes it in X-CSRF-Token. Worthless without the session cookie.
  setCookie(c, CSRF_COOKIE, session.csrfToken, cookieOptions);
}

function clearSessionCookies(c: Context<ApiEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { prefix: 'host', path: '/', secure: true });
  deleteCookie(c, CSRF_COOKIE, { prefix: 'host', path: '/', secure: true });
}

const sessionIdOf = (c: Context<ApiEnv>) => getCookie(c, SESSION_COOKIE, 'host');

const deviceInfo = (d: { id: string; name: string; createdAt: string; lastSeenAt: string | null }): DeviceInfo => ({ id: d.id, name: d.name, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt });

/**
 * The team server's web door: email + password sign-in, invites, password change, the member's
 * devices and the desktop authorization (RFC 8252 + PKCE) under `/team/*`, a device revoking
 * itself at `DELETE /api/v1/team/device` (the exchange and "who am I" are api/routes/team.ts), and CSRF protection of every state-changing request to
 * `/team/*` and `/bridge/*`. Mount it before the bridge (middleware runs in mount order).
 * Services: core/team/*.
 */
export function mountTeamWeb(app: Hono<ApiEnv>, opts: TeamWebOptions): TeamDoor {
  const { workspace, trustProxy } = opts;
  const { store, clock } = workspace;

  /** The cookie's session, or `unauthenticated`. */
  const sessionOf = (c: Context<ApiEnv>): TeamSession => teamSession(store, clock, sessionIdOf(c));
  const ctxOf = (member: User): Ctx => ({ ...workspace.as(member.id) });

  // CSRF (both layers on every unsafe method): hono's csrf refuses a form-encodable body whose
  // Origin / Sec-Fetch-Site is not this site's; a request carrying a session cookie must also echo
  // that session's CSRF token in X-CSRF-Token (a proxy may strip or rewrite Origin; the token it cannot forge).
  const publicOrigin = () => teamOf(store)?.publicUrl ?? '';
  const originCheck = csrf({ origin: (origin, c) => origin === publicOrigin() || origin === new URL(c.req.url).origin });
  const csrfGuard: MiddlewareHandler<ApiEnv> = async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    try {
      await originCheck(c, async () => undefined);
    } catch (error) {
      if (error instanceof HTTPException) throw new AppError('forbidden', 'Cross-site request refused (CSRF): send it from this site');
      throw error;
    }
    const id = sessionIdOf(c);
    if (id !== undefined) {
      let session: TeamSession | null = null;
      try {
        session = sessionOf(c);
      } catch {
        // An ended session: the route answers 401 (or signs in afresh).
      }
      if (session && !csrfMatches(session, c.req.header(CSRF_HEADER))) throw new AppError('forbidden', 'CSRF token missing or wrong: reload the page');
    }
    return next();
  };
  app.use('/team/*', csrfGuard);
  app.use('/bridge/*', csrfGuard);

  const signedIn = (c: Context<ApiEnv>, member: User) => {
    const session = startTeamSession(store, clock, member);
    setSessionCookies(c, session);
    return c.json({ member, team: teamOf(store) });
  };

  app.get('/team/status', (c) => {
    let member: User | null = null;
    try {
      member = sessionOf(c).member;
    } catch {
      member = null;
    }
    const status: TeamStatus = { team: teamOf(store), member };
    return c.json(status, 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/team/sign-in', async (c) => {
    const input = await readJson(c, TeamSignInInput);
    const member = await signInWithPassword(store, clock, input, clientAddress(c, trustProxy));
    // A fresh session id at every sign-in (no fixation): an earlier cookie's session ends.
    endTeamSession(store, sessionIdOf(c));
    return signedIn(c, member);
  });

  app.post('/team/sign-out', (c) => {
    endTeamSession(store, sessionIdOf(c));
    clearSessionCookies(c);
    return c.body(null, 204);
  });

  app.post('/team/invite-info', async (c) => {
    const { code } = await readJson(c, InviteCodeInput);
    return c.json(describeInvite(store, clock, code));
  });

  app.post('/team/accept-invite', async (c) => {
    const input = await readJson(c, AcceptInviteInput);
    const member = await acceptInvite(store, clock, input);
    endTeamSession(store, sessionIdOf(c));
    return signedIn(c, member);
  });

  app.post('/team/password', async (c) => {
    const session = sessionOf(c);
    const input = await readJson(c, ChangePasswordInput);
    await changePassword(store, clock, session.member, input, sessionIdOf(c));
    return c.body(null, 204);
  });

  app.post('/team/invites', async (c) => {
    const ctx = ctxOf(sessionOf(c).member);
    const input = await readJson(c, InviteInput);
    const { code, link, invite } = createInvite(ctx, input);
    return c.json({ code, link, invite }, 201);
  });

  app.get('/team/invites', (c) => {
    const ctx = ctxOf(sessionOf(c).member);
    return c.json({ invites: listInvites(ctx) }, 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/team/invites/revoke', async (c) => {
    const ctx = ctxOf(sessionOf(c).member);
    const { inviteId } = await readJson(c, InviteRefInput);
    revokeInvite(ctx, inviteId);
    return c.body(null, 204);
  });

  app.get('/team/devices', (c) => {
    const ctx = ctxOf(sessionOf(c).member);
    return c.json({ devices: listDevices(ctx).map(deviceInfo) }, 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/team/devices/revoke', async (c) => {
    const ctx = ctxOf(sessionOf(c).member);
    const { deviceId } = await readJson(c, DeviceRefInput);
    return c.json({ device: deviceInfo(revokeDevice(ctx, deviceId)) });
  });

  // A desktop opens this in a browser (RFC 8252 §4.1). Bad parameters are answered here and never
  // redirected anywhere; good ones go to the web UI, which signs in and asks "Allow <device>?".
  app.get('/team/authorize', (c) => {
    const query = Object.fromEntries(new URL(c.req.url).searchParams);
    const input = parseWith(AuthorizeInput, query);
    checkLoopbackRedirect(input.redirect_uri);
    const request = new URLSearchParams({ redirect_uri: input.redirect_uri, code_challenge: input.code_challenge, device_name: input.device_name });
    if (input.state !== undefined) request.set('state', input.state);
    return c.redirect(`/#authorize=${encodeURIComponent(request.toString())}`, 302);
  });

  app.post('/team/authorize', async (c) => {
    const ctx = ctxOf(sessionOf(c).member);
    const input = await readJson(c, AuthorizeInput);
    return c.json(authorizeDevice(ctx, input));
  });

  // The code exchange (POST /api/v1/team/token) and "who is this device" (GET /api/v1/team/device)
  // are declared routes (api/routes/team.ts, in the OpenAPI document); the exchange's failure
  // throttle tells clients apart as this door does.
  setTeamClientAddress(store, (c) => clientAddress(c, trustProxy));

  // A desktop leaving the team revokes its own token (Settings → Team → Leave team); its member or
  // an admin can do the same under the member's devices.
  app.delete('/api/v1/team/device', (c) => {
    const bearer = c.req.header('authorization')?.replace(/^bearer\s+/i, '').trim();
    const device = requireDevice(workspace, bearer);
    revokeDevice(device.ctx, device.deviceId);
    return c.body(null, 204);
  });

  return {
    memberCtx: (c) => ctxOf(sessionOf(c).member),
    signOut: (c) => {
      endTeamSession(store, sessionIdOf(c));
      clearSessionCookies(c);
    },
  };
}
