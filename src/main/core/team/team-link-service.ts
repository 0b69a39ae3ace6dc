import type { Ctx } from '../context';
import { AppError, invalid } from '../errors';
import { assertActive, assertAdmin } from '../users/users-service';
import { assertMayJoin, joinTeam, leaveTeam, teamLinkOf, teamServerOrigin, type TeamLink } from './join-team';
import { isTeamServer, type TeamInfo } from './team-server';
import { REPLICA_SETTINGS, replicaOf } from '../sync/replica-apply';
import { keepAsPersonal, keepUnsentOf } from '../sync/keep-unsent';
import { markServerBehind, serverBehindOf } from '../sync/server-behind';
import type { Store } from '../../store/store';
import type { User } from '../../../shared/schemas/users';

/**
 * "Join a team workspace" and "Leave team" for the desktop app and the headless host (Settings →
 * Team): the channels `team:link`, `team:join`, `team:leave` call these, and the CLI's
 * `promptdesk team join` shares their rules (core/team/join-team.ts: the address rule, the PKCE
 * join, the sealed token).
 */

/** What the host lends the team link: how the sign-in page opens, and the background sync. */
export interface TeamHostHooks {
  /**
   * Opens the server's sign-in page in the member's browser (Electron: shell.openExternal of the
   * validated URL). Null on the headless host: the renderer opens it in a new tab.
   */
  openBrowser: ((url: string) => Promise<void>) | null;
  /** Starts the background sync of the folder once it joined (core/sync/sync-service.ts startTeamSync). */
  startSync(): void;
  /** Stops it (before leaving). */
  stopSync(): void;
}

/** What Settings → Team shows (channel `team:link`). */
export interface TeamLinkStatus {
  /** This folder is itself a team server: it joins nothing. */
  isTeamServer: boolean;
  joined: {
    team: TeamInfo;
    member: Pick<User, 'id' | 'email' | 'name'>;
    serverUrl: string;
    deviceName: string;
    joinedAt: string;
    /** Team prompts held here (what leaving removes). */
    teamPrompts: number;
    /** Whether Leave (keeping unsent work) keeps every team prompt with all its versions, not only unsent work ({@link leaveKeepsEveryPrompt}). */
    leaveKeepsEveryPrompt: boolean;
  } | null;
  /** A join waiting for the member to sign in and allow the device. */
  joining: { serverUrl: string; authorizeUrl: string } | null;
  /** Why the last join failed (timed out, refused), until the next attempt. */
  lastError: string | null;
}

/** Milliseconds the team server has to answer a check (its status page, the revocation). */
export const TEAM_PROBE_TIMEOUT_MS = 5000;

interface PendingJoin {
  serverUrl: string;
  authorizeUrl: string;
  abort: AbortController;
}

const pending = new WeakMap<Store, PendingJoin>();
const failures = new WeakMap<Store, string>();

/**
 * Checks that `origin` answers as a Promptdesk team server (`GET /team/status` names a team).
 *
 * @throws AppError `invalid_input` on field `serverUrl`: unreachable, or not a Promptdesk team server
 */
export async function probeTeamServer(origin: string, fetchImpl: typeof fetch = fetch): Promise<TeamInfo> {
  let answer: Response;
  try {
    answer = await fetchImpl(new URL('/team/status', origin).toString(), { signal: AbortSignal.timeout(TEAM_PROBE_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch {
    throw invalid(`Cannot reach ${origin}: check the address and your network`, 'serverUrl');
  }
  const body = (await answer.json().catch(() => null)) as { team?: TeamInfo | null } | null;
  const team = answer.ok ? body?.team : null;
  if (!team || typeof team.id !== 'string' || typeof team.name !== 'string') {
    throw invalid(`${origin} is not a Promptdesk team server`, 'serverUrl');
  }
  return team;
}

/**
 * What Leave keeps (when the member keeps unsent work): true while the server is behind this
 * desktop (restored from a backup, core/sync/server-behind.ts), since versions marked synced
 * here may be missing there: every team prompt is kept with all its versions as personal
 * `<name>-unsynced`. Else false: only unsent work is kept. Read by leaveTeamWorkspace and shown
 * by Settings → Team's Leave dialog (attack 14c L1), so the dialog says what Leave will do.
 */
export function leaveKeepsEveryPrompt(store: Store): boolean {
  return serverBehindOf(store) !== null;
}

/**
 * Where this data folder stands: joined (which team, as whom, this device's name), joining, or
 * neither. Any active member may read it.
 */
export function teamLinkStatus(ctx: Ctx): TeamLinkStatus {
  assertActive(ctx.actor);
  const link = teamLinkOf(ctx.store, ctx.runtime.secrets);
  const join = pending.get(ctx.store);
  return {
    isTeamServer: isTeamServer(ctx.store),
    joined: link && {
      team: link.team,
      member: { id: link.member.id, email: link.member.email, name: link.member.name },
      serverUrl: link.serverUrl,
      deviceName: link.deviceName,
      joinedAt: link.joinedAt,
      teamPrompts: replicaOf(ctx.store).teamPromptIds().length,
      leaveKeepsEveryPrompt: leaveKeepsEveryPrompt(ctx.store),
    },
    joining: join ? { serverUrl: join.serverUrl, authorizeUrl: join.authorizeUrl } : null,
    lastError: failures.get(ctx.store) ?? null,
  };
}

/**
 * Starts joining the team server at `serverUrl` (an admin of this folder; not on a team server;
 * not while joined): checks the address (core/team/join-team.ts teamServerOrigin) and that a
 * Promptdesk team server answers there, listens for the browser's answer on 127.0.0.1 and opens
 * the server's sign-in page (the host's browser, or the renderer when `openBrowser` is null).
 * Resolves as soon as the page can be opened; the join goes on until the member allows the
 * device (or 5 minutes), then the token is kept sealed and the sync starts. A new call replaces
 * a join still waiting.
 *
 * @returns the sign-in address and whether the host opened it (else the renderer must)
 * @throws AppError `invalid_input` on `serverUrl` (bad address, unreachable, not a team server), `forbidden` (not an admin)
 */
export async function startTeamJoin(
  ctx: Ctx,
  input: { serverUrl: string; deviceName: string },
  hooks: TeamHostHooks,
  fetchImpl: typeof fetch = fetch,
): Promise<{ authorizeUrl: string; openedByHost: boolean }> {
  assertAdmin(ctx.actor);
  assertMayJoin(ctx.store, ctx.runtime.secrets);
  const origin = teamServerOrigin(input.serverUrl);
  await probeTeamServer(origin, fetchImpl);
  pending.get(ctx.store)?.abort.abort();
  failures.delete(ctx.store);
  const abort = new AbortController();
  let opened: (url: string) => void = () => undefined;
  const authorizeUrl = new Promise<string>((resolve) => (opened = resolve));
  const joined: Promise<TeamLink> = joinTeam(ctx.store, ctx.runtime.secrets, {
    serverUrl: origin,
    deviceName: input.deviceName,
    signal: abort.signal,
    fetch: fetchImpl,
    openBrowser: (url) => {
      pending.set(ctx.store, { serverUrl: origin, authorizeUrl: url, abort });
      opened(url);
    },
  });
  joined.then(
    () => {
      if (pending.get(ctx.store)?.abort === abort) pending.delete(ctx.store);
      hooks.startSync();
    },
    (error: unknown) => {
      // A join replaced by a newer one says nothing; any other failure is shown in Settings.
      if (pending.get(ctx.store)?.abort !== abort) return;
      pending.delete(ctx.store);
      failures.set(ctx.store, error instanceof Error ? error.message : String(error));
    },
  );
  const url = await Promise.race([authorizeUrl, joined.then(() => '')]);
  if (hooks.openBrowser) await hooks.openBrowser(url);
  return { authorizeUrl: url, openedByHost: hooks.openBrowser !== null };
}

/** Removes every team prompt from this folder (versions, runs, shares with them) and forgets where the replica stood. */
function dropReplica(store: Store): number {
  const repo = replicaOf(store);
  return store.tx(() => {
    const ids = repo.teamPromptIds();
    for (const id of ids) {
      const rowid = repo.teamPromptRowid(id);
      if (rowid !== undefined) store.prompts.unindex(rowid);
      repo.removePrompt(id);
    }
    for (const key of Object.values(REPLICA_SETTINGS)) store.settings.set(key, null);
    // The membership ends here: its notices go (kept.personal of an earlier sync must not greet the
    // next join; this Leave's own copies are in its answer), and its members become this folder's own.
    repo.clearNotices();
    repo.forgetTeamMembers();
    return ids.length;
  });
}

/**
 * Leaves the joined team (an admin of this folder): stops the sync, revokes this device's token
 * on the server when it answers (`DELETE /api/v1/team/device`; unreachable, the member revokes it
 * under Your devices), removes the team's prompts from this computer, with changes not yet
 * synced (a replica the member may no longer be entitled to is not kept: hidden = missing), and
 * forgets the link. Personal prompts stay. With `keepUnsent` (the default), each team prompt
 * holding work not yet synced (versions, details, test cases) is first kept as a personal prompt
 * `<name>-unsynced` (core/sync/keep-unsent.ts), so leaving, for instance from a revoked device,
 * loses none of it.
 *
 * @returns whether the server revoked the token, how many team prompts were removed, and the personal prompts made of unsent work
 * @throws AppError `invalid_input` when this folder joined no team, `forbidden` (not an admin)
 */
export async function leaveTeamWorkspace(
  ctx: Ctx,
  hooks: TeamHostHooks,
  fetchImpl: typeof fetch = fetch,
  options: { keepUnsent?: boolean } = {},
): Promise<{ revokedOnServer: boolean; removedPrompts: number; keptAsPersonal: string[] }> {
  assertAdmin(ctx.actor);
  const join = pending.get(ctx.store);
  if (join) {
    join.abort.abort();
    pending.delete(ctx.store);
  }
  const link = teamLinkOf(ctx.store, ctx.runtime.secrets);
  if (!link) {
    if (join) return { revokedOnServer: false, removedPrompts: 0, keptAsPersonal: [] };
    throw new AppError('invalid_input', 'This workspace joined no team');
  }
  hooks.stopSync();
  let revokedOnServer = false;
  try {
    const answer = await fetchImpl(new URL('/api/v1/team/device', link.serverUrl).toString(), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${link.token}` },
      signal: AbortSignal.timeout(TEAM_PROBE_TIMEOUT_MS),
    });
    // 401: already revoked there (by the member or an admin): nothing left to revoke.
    revokedOnServer = answer.ok || answer.status === 401;
  } catch {
    revokedOnServer = false;
  }
  // Unsent work (a revoked device cannot send it any more) becomes personal prompts unless the member chose to drop it.
  // While the server is behind this desktop (restored from a backup, attack 14b N2), versions
  // marked synced here may be missing there: every team prompt is kept with all its versions.
  const keptAsPersonal: string[] = [];
  const behind = leaveKeepsEveryPrompt(ctx.store);
  if (options.keepUnsent ?? true) {
    for (const id of replicaOf(ctx.store).teamPromptIds()) {
      const name = behind
        ? keepAsPersonal(ctx, id, 'you left the team while its server was behind this desktop (restored from a backup?)', { everyVersion: true })
        : keepUnsentOf(ctx, id, 'you left the team before it was synced');
      if (name) keptAsPersonal.push(name);
    }
  }
  markServerBehind(ctx.store, null);
  const removedPrompts = dropReplica(ctx.store);
  leaveTeam(ctx.store);
  failures.delete(ctx.store);
  return { revokedOnServer, removedPrompts, keptAsPersonal };
}
