import { afterEach, describe, expect, it } from 'vitest';
import { desktop, keepTeamLink, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { leaveTeamWorkspace, type TeamHostHooks } from '../../../../../src/main/core/team/team-link-service';
import { REPLICA_SETTINGS } from '../../../../../src/main/core/sync/replica-apply';
import { SERVER_BEHIND } from '../../../../../src/main/core/sync/server-behind';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

const hooks: TeamHostHooks = { openBrowser: null, startSync: () => undefined, stopSync: () => undefined };

/**
 * A desktop joined as Ada whose saves B1 and B2 on `greet` were synced; with `restored`, the
 * server is then "restored from a backup": its newest change is older than the desktop's cursor.
 */
async function joined(restored: boolean) {
  server = await startTestHost();
  const ada = member(server.owner, 'ada@example.com');
  seedPrompt(server.owner, 'greet', 'Hello {{who}}');
  seedPrompt(server.owner, 'other', 'Other {{who}}');
  setSharingLevel(server.owner, { name: 'greet', level: 'library_edit' });
  setSharingLevel(server.owner, { name: 'other', level: 'library_edit' });
  d = desktop(server, ada.actor.id);
  await d.engine.syncNow();
  keepTeamLink(server, d.workspace, ada.actor);
  for (const b of ['B1', 'B2']) saveVersion(d.as(), SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: `after backup ${b}` } }));
  expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0, lastError: null });
  if (restored) d.workspace.store.settings.set(REPLICA_SETTINGS.cursor, '999999.0');
  return d;
}

const textsOf = (d: Desktop, name: string) => {
  const row = d.workspace.store.prompts.getRowByName(name);
  if (!row) return undefined;
  return (d.workspace.store.db.prepare('SELECT template FROM prompt_versions WHERE prompt_id = ? ORDER BY number').all(row.id) as { template: string }[]).map((r) => (JSON.parse(r.template) as { text: string }).text);
};

// Attack 14b N2: after the server was restored from a backup every sync got 409 at cursor, yet the
// status said "Online · Last synced just now", and Leave kept nothing of the newer work.
describe('a team server behind this desktop (409 at cursor)', () => {
  it('shows as its own state with the problem\'s detail, on every try; a sync that succeeds again clears it', async () => {
    const desk = await joined(true);
    for (let i = 0; i < 2; i++) {
      const status = await desk.engine.syncNow();
      expect(status).toMatchObject({ state: 'behind', pending: 0 });
      expect(status.lastError).toMatch(new RegExp(`^${SERVER_BEHIND.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: This cursor is past the server's newest change \\(\\d+\\.\\d+\\)`));
    }
    expect(SERVER_BEHIND).toBe('The team server is behind this desktop (restored from a backup?)');
    desk.workspace.store.settings.set(REPLICA_SETTINGS.cursor, '0.0');
    expect(await desk.engine.syncNow()).toMatchObject({ state: 'online', lastError: null });
  });

  it('Leave keeps every team prompt with all its versions (synced here, perhaps not there) as personal prompts', async () => {
    const desk = await joined(true);
    await desk.engine.syncNow();
    const left = await leaveTeamWorkspace(desk.workspace.as(desk.workspace.owner.id), hooks);
    expect(left).toMatchObject({ removedPrompts: 2 });
    expect([...left.keptAsPersonal].sort()).toEqual(['greet-unsynced', 'other-unsynced']);
    expect(textsOf(desk, 'greet-unsynced')).toEqual(['Hello {{who}}', 'after backup B1', 'after backup B2']);
    expect(textsOf(desk, 'other-unsynced')).toEqual(['Other {{who}}']);
    expect(textsOf(desk, 'greet')).toBeUndefined();
  });

  it('Leave after a sync that succeeded keeps only unsent work (none here), as before', async () => {
    const desk = await joined(false);
    const left = await leaveTeamWorkspace(desk.workspace.as(desk.workspace.owner.id), hooks);
    expect(left).toMatchObject({ removedPrompts: 2, keptAsPersonal: [] });
  });

  it('Leave with keepUnsent false drops it even while the server is behind, as the member chose', async () => {
    const desk = await joined(true);
    await desk.engine.syncNow();
    const left = await leaveTeamWorkspace(desk.workspace.as(desk.workspace.owner.id), hooks, fetch, { keepUnsent: false });
    expect(left).toMatchObject({ removedPrompts: 2, keptAsPersonal: [] });
  });
});
