import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import type { ApiEnv } from '../api/env';
import { readJson } from '../api/body';
import { clientSignals } from '../api/auth';
import { AuthThrottle } from '../api/auth-throttle';
import { DEFAULT_RATE_LIMITS } from '../api/rate-limit';
import { z } from 'zod';
import { AppError, invalid } from '../core/errors';
import type { Ctx } from '../core/context';
import { dispatch, isChannel, type createHandlers } from '../core/handlers';
import type { Workspace } from '../core/workspace';
import { groundsOf, type Session, type SessionRegistry } from '../core/sessions/session-registry';
import { grantSwitch } from '../core/sessions/member-switch';
import { chargeSessionCall } from '../core/keys/key-rate-limit';
import { redeemLoginLink, sessionStillValid, signInWithKey } from '../core/sessions/sign-in';
import { loginSecretOf, SignInInput } from '../../shared/schemas/session';
import { DEFAULT_HEARTBEAT_S, streamChanges } from '../api/routes/changes';
import type { TeamDoor } from './team-web';
import type { TeamStatus } from '../../shared/schemas/team';

/** The header a browser tab sends its session token in, and receives a new one in after a switch. */
export const SESSION_HEADER = 'x-promptdesk-session';

export interface BridgeOptions {
  workspace: Workspace;
  handlers: ReturnType<typeof createHandlers>;
  /** Who each browser session acts as (server-side). */
  sessions: SessionRegistry;
  /** Failed sign-ins per minute per client and per credential (default: the API's failed-auth limit). */
  failedSignInsPerMinute?: number;
  /**
   * A team server (headless/team-web.ts): the member comes from the cookie session instead of
   * the session header, API-key and link sign-in are refused, and there is no member switch.
   */
  team?: TeamDoor;
}

/**
 * The headless stand-in for IPC: `POST /bridge/<channel>` runs the same handlers the Electron
 * main process registers, as the member of the caller's session. `POST /bridge/sign-in` makes
 * a session from an API key or a one-time sign-in link; `POST /bridge/sign-out` ends one.
 */
export function mountBridge(app: Hono<ApiEnv>, opts: BridgeOptions): void {
  const { workspace, sessions } = opts;
  const throttle = new AuthThrottle(opts.failedSignInsPerMinute ?? DEFAULT_RATE_LIMITS.failedAuthPerMinute);
  // A deactivated member's sessions end for good, even if no request comes before reactivation.
  workspace.runtime.deactivations.add((userId) => sessions.endMember(userId));

  /** The caller's session; it ends once its member is deactivated or its key revoked (or those of the session it was switched from). */
  const callerSession = (c: Context<ApiEnv>): Session => {
    const token = c.req.header(SESSION_HEADER);
    const session = sessions.get(token);
    if (!sessionStillValid(workspace.store, workspace.clock, session)) {
      sessions.end(token);
      throw new AppError('unauthenticated', 'This session has ended (the member was deactivated or the key it signed in with was revoked): sign in again');
    }
    return session;
  };
  /** A session as a service context, with the keys it rests on (a key made in it is bounded by them). */
  const ctxOf = (session: Session): Ctx => {
    const sessionKeys = groundsOf(session).flatMap((g) => {
      const key = g.keyId === null ? undefined : workspace.store.keys.get(g.keyId);
      return key ? [key] : [];
    });
    return { ...workspace.as(session.userId), sessionKeys };
  };
  /** The caller's session as a service context (a team server: the cookie session's member). */
  const sessionCtx = (c: Context<ApiEnv>): Ctx => (opts.team ? opts.team.memberCtx(c) : ctxOf(callerSession(c)));

  if (!opts.team) {
    // The page asks every host whether it is a team server (renderer lib/team.ts teamStatus): a
    // plain host answers "no" as a normal status, so a page load logs no 404 in the console.
    app.get('/team/status', (c) => c.json({ team: null, member: null } satisfies TeamStatus, 200, { 'Cache-Control': 'no-store' }));
  }

  app.post('/bridge/sign-in', async (c) => {
    if (opts.team) throw new AppError('forbidden', 'On a team server, sign in with your email and password');
    const input = await readJson(c, SignInInput);
    const credential = 'key' in input ? input.key : loginSecretOf(input.link);
    const client = clientSignals(c);
    const wait = throttle.waitBefore(client, credential);
    if (wait > 0) throw AppError.rateLimited('Too many failed sign-ins; wait and retry', wait);
    try {
      const { user, keyId } =
        'key' in input ? signInWithKey(workspace.store, workspace.clock, credential) : { user: redeemLoginLink(workspace.store, workspace.clock, credential), keyId: null };
      return c.json({ session: sessions.create(user.id, keyId), user });
    } catch (error) {
      if (error instanceof AppError && (error.code === 'unauthenticated' || error.code === 'forbidden')) {
        const waitNow = throttle.recordFailure(client, credential);
        if (waitNow > 0) throw AppError.rateLimited('Too many failed sign-ins; wait and retry', waitNow);
      }
      throw error;
    }
  });

  app.post('/bridge/sign-out', (c) => {
    if (opts.team) opts.team.signOut(c);
    else sessions.end(c.req.header(SESSION_HEADER));
    return c.body(null, 204);
  });

  // A finished log export, streamed from its file: the browser's stand-in for a save dialog.
  workspace.runtime.exports.downloadBase = '/bridge/exports/';
  app.get('/bridge/exports/:id', (c) => {
    const file = workspace.runtime.exports.file(sessionCtx(c), c.req.param('id'));
    const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream;
    return c.body(body, 200, {
      'Content-Type': file.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
    });
  });

  // The tab's live updates: the change feed as its session's member sees it, as server-sent events
  // (the same stream as GET /api/v1/changes). The session is checked again for every batch: a
  // signed-out or deactivated member's stream ends. Last-Event-ID resumes after a reconnect.
  app.get('/bridge/changes', (c) => {
    const member = (): Ctx => sessionCtx(c);
    const ctx = member();
    const lastId = c.req.header('last-event-id');
    if (lastId !== undefined && !/^\d{1,15}$/.test(lastId)) throw invalid("Last-Event-ID is a sequence number (an event's id: 0 or more)", 'Last-Event-ID');
    const since = lastId === undefined ? undefined : Number(lastId);
    // The tab's session (or a team member's cookie session) is the credential its stream counts under.
    const credential = opts.team ? `member:${ctx.actor.id}` : `session:${c.req.header(SESSION_HEADER) ?? ''}`;
    return streamChanges(c, workspace, member, since, DEFAULT_HEARTBEAT_S * 1000, { memberId: ctx.actor.id, credential });
  });

  app.post('/bridge/:channel', async (c) => {
    const channel = c.req.param('channel');
    // Before the session: the channel list is public (the UI's code), and an unknown path is a 404 to everyone.
    if (!isChannel(channel)) throw new AppError('not_found', `Unknown call ${channel}`);
    if (opts.team) {
      // The member's own session; session:switch reaches grantSwitch, which refuses on a team server.
      const teamCtx = opts.team.memberCtx(c);
      return c.json(await dispatch(opts.handlers, teamCtx, channel, await readJson(c, z.unknown())));
    }
    const session = callerSession(c);
    // A model call of a session signed in with a key spends that key's budget (the UI's other calls do not).
    chargeSessionCall(workspace.store, session, channel);
    const ctx = ctxOf(session);
    const input = await readJson(c, z.unknown());
    if (channel === 'session:switch') {
      // A session's member never changes: an allowed switch gives this tab a new session, so
      // other tabs (and the link it was opened with) keep acting as who they were. The new one
      // rests on this one and on the consent key, if the switch took one (core/sessions/member-switch.ts).
      let consentKeyId: string | null = null;
      const handlers = {
        ...opts.handlers,
        'session:switch': (switchCtx: Ctx, switchInput: { userId: string; key?: string }) => {
          const granted = grantSwitch(switchCtx, switchInput);
          consentKeyId = granted.consentKeyId;
          return granted.target;
        },
      };
      const result = await dispatch(handlers, ctx, channel, input);
      if (result.ok) c.header(SESSION_HEADER, sessions.create(result.value.id, consentKeyId, session));
      return c.json(result);
    }
    return c.json(await dispatch(opts.handlers, ctx, channel, input));
  });
}
