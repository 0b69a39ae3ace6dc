import type { Ctx } from '../../src/main/core/context';
import { issueDeviceToken } from '../../src/main/core/team/devices';
import { TEAM_LINK_SETTING } from '../../src/main/core/team/join-team';
import type { User } from '../../src/shared/schemas/users';
import { createSyncClient, type SyncFetch } from '../../src/main/core/sync/sync-client';
import { createSyncEngine, type SyncEngine } from '../../src/main/core/sync/sync-engine';
import type { Workspace } from '../../src/main/core/workspace';
import { startTestHost, type TestHost } from './host';
import { member, seedPrompt, testWorkspace } from './workspace';
import { setSharingLevel } from '../../src/main/core/sharing/sharing-service';

/** A transport between a desktop and the server that a test can take offline or tamper with. */
export interface Line {
  offline: boolean;
  /** Called with each request and its real answer; may return another (a cut body) or throw (a lost answer). */
  tamper?: (url: string, init: RequestInit, answer: Response) => Promise<Response>;
  /** Bodies of the pushes sent, as the server received them. */
  pushed: string[];
  fetch: SyncFetch;
}

export function line(): Line {
  const l: Line = {
    offline: false,
    pushed: [],
    fetch: async (url, init) => {
      if (l.offline) throw new TypeError('fetch failed (offline)');
      if (url.includes('/sync/push') && typeof init.body === 'string') l.pushed.push(init.body);
      const answer = await fetch(url, init);
      return l.tamper ? l.tamper(url, init, answer) : answer;
    },
  };
  return l;
}

export interface Desktop {
  workspace: Workspace;
  engine: SyncEngine;
  line: Line;
  /** The desktop acting as the joined member (after the first sync replicated them). */
  as(): Ctx;
  cleanup(): void;
}

/** A desktop data folder joined to `server` as `memberId` with a device token, over its own line. */
export function desktop(server: TestHost, memberId: string, options: { pullLimit?: number } = {}): Desktop {
  const { token } = issueDeviceToken(server.host.workspace.store, server.host.workspace.clock, memberId, 'test desktop');
  const local = testWorkspace({ changesPollMs: 10 });
  const l = line();
  const client = createSyncClient({ serverUrl: `http://127.0.0.1:${server.port}`, credential: token, fetch: l.fetch });
  const engine = createSyncEngine({ workspace: local.workspace, client, pullLimit: options.pullLimit });
  return {
    workspace: local.workspace,
    engine,
    line: l,
    as: () => local.workspace.as(memberId),
    cleanup: () => {
      engine.stop();
      local.cleanup();
    },
  };
}

export { startTestHost };

/**
 * What joinTeam keeps in a desktop's data folder (core/team/join-team.ts): the link to `server`
 * as `member`, with a device token of theirs (a new one unless `token` is given) sealed with the
 * folder's secret box. Leave, the host's background sync and the CLI read it from there.
 *
 * @returns the device token
 */
export function keepTeamLink(server: TestHost, workspace: Pick<Workspace, 'store' | 'runtime'>, member: User, token?: string): string {
  const device = token ?? issueDeviceToken(server.host.workspace.store, server.host.workspace.clock, member.id, 'laptop').token;
  workspace.store.settings.set(TEAM_LINK_SETTING, {
    serverUrl: `http://127.0.0.1:${server.port}`,
    team: { name: 'Team' },
    member,
    sealedToken: workspace.runtime.secrets.encrypt(device).toString('base64'),
    joinedAt: new Date().toISOString(),
  });
  return device;
}

/**
 * The world most sync tests start from: a team server whose owner made `prompt` (one version,
 * `text`) editable by everyone in the library, a member `email`, and a desktop joined as them
 * that has synced once. `beforeJoin` adds to the server first (as its owner). The caller stops
 * both (desktop.cleanup(), server.stop()).
 */
export async function sharedPromptWorld(
  prompt: string,
  options: { email?: string; text?: string; beforeJoin?: (owner: Ctx) => void } = {},
): Promise<{ server: TestHost; member: Ctx; desktop: Desktop }> {
  const server = await startTestHost();
  const joined = member(server.owner, options.email ?? 'ada@example.com');
  shareInLibrary(server.owner, prompt, options.text ?? 'Hello {{who}}');
  options.beforeJoin?.(server.owner);
  const d = desktop(server, joined.actor.id);
  await d.engine.syncNow();
  return { server, member: joined, desktop: d };
}

/** Another prompt `name` (one version, `text`) the server's owner makes editable by everyone in the library. */
export function shareInLibrary(owner: Ctx, name: string, text: string): void {
  seedPrompt(owner, name, text);
  setSharingLevel(owner, { name, level: 'library_edit' });
}
