import { afterEach, describe, expect, it } from 'vitest';
import { keepTeamLink, shareInLibrary, sharedPromptWorld, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { leaveTeamWorkspace, teamLinkStatus, type TeamHostHooks } from '../../../../../src/main/core/team/team-link-service';
import { REPLICA_SETTINGS } from '../../../../../src/main/core/sync/replica-apply';
import { SERVER_BEHIND, serverBehindOf } from '../../../../../src/main/core/sync/server-behind';
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
  const world = await sharedPromptWorld('greet', { beforeJoin: (owner) => shareInLibrary(owner, 'other', 'Other {{who}}') });
  ({ server, desktop: d } = world);
  const ada = world.member;
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
  it('shows as its own state with the problem\'s detail, on every try; only Leave clears it', async () => {
    const desk = await joined(true);
    for (let i = 0; i < 2; i++) {
      const status = await desk.engine.syncNow();
      expect(status).toMatchObject({ state: 'behind', pending: 0 });
      expect(status.lastError).toMatch(new RegExp(`^${SERVER_BEHIND.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: This cursor is past the server's newest change \\(\\d+\\.\\d+\\)`));
    }
    expect(SERVER_BEHIND).toBe('The team server is behind this desktop (restored from a backup?)');
    // What the Leave dialog is told (attack 14c L1): Leave keeps every team prompt now.
    expect(teamLinkStatus(desk.workspace.as(desk.workspace.owner.id)).joined).toMatchObject({ teamPrompts: 2, leaveKeepsEveryPrompt: true });
    // A cursor the server would accept again does not end it: the replica may hold what the server lost.
    desk.workspace.store.settings.set(REPLICA_SETTINGS.cursor, '0.0');
    expect(await desk.engine.syncNow()).toMatchObject({ state: 'behind' });
    await leaveTeamWorkspace(desk.workspace.as(desk.workspace.owner.id), hooks);
    expect(serverBehindOf(desk.workspace.store)).toBeNull();
  });

  // Attack 14c C1: a desktop in the behind state still pushed; the server gave its save a number the
  // replica held for another version, and the desktop stuck on SQLite's UNIQUE error shown as "Offline".
  it('while behind, a save is not pushed (no request reaches the server), waits as pending, and Leave keeps it', async () => {
    const desk = await joined(true);
    expect(await desk.engine.syncNow()).toMatchObject({ state: 'behind' });
    const pushes = desk.line.pushed.length;
    const serverVersions = server!.host.workspace.store.versions.list(server!.host.workspace.store.prompts.getRowByName('greet')!.id).length;
    saveVersion(desk.as(), SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'while server behind' } }));
    for (let i = 0; i < 3; i++) {
      const status = await desk.engine.syncNow();
      expect(status).toMatchObject({ state: 'behind', pending: 1 });
      expect(status.lastError).toContain(SERVER_BEHIND);
    }
    expect(desk.line.pushed.length).toBe(pushes);
    expect(server!.host.workspace.store.versions.list(server!.host.workspace.store.prompts.getRowByName('greet')!.id).length).toBe(serverVersions);
    const left = await leaveTeamWorkspace(desk.workspace.as(desk.workspace.owner.id), hooks);
    expect([...left.keptAsPersonal].sort()).toEqual(['greet-unsynced', 'other-unsynced']);
    expect(textsOf(desk, 'greet-unsynced')).toEqual(['Hello {{who}}', 'after backup B1', 'after backup B2', 'while server behind']);
  });

  // The first push after a restore comes before any pull's 409: its answer names a number held here.
  it.each([2, 3])('a push answered with number %i, held here by another version, turns the state to behind (never a UNIQUE error)', async (clash) => {
    const desk = await joined(false);
    desk.line.tamper = async (url, _init, answer) => {
      if (!url.includes('/sync/push')) return answer;
      const body = (await answer.json()) as { protocol: number; results: { status: string; number?: number }[] };
      return Response.json({ ...body, results: body.results.map((r) => (r.status === 'applied' && r.number !== undefined ? { ...r, number: clash } : r)) });
    };
    saveVersion(desk.as(), SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'saved after the restore' } }));
    const status = await desk.engine.syncNow();
    expect(status).toMatchObject({ state: 'behind', pending: 1 });
    expect(status.lastError).toBe(`${SERVER_BEHIND}: the server gave version ${clash} of "greet" to a save from this desktop, but version ${clash} here is another version it synced before`);
    expect(status.lastError).not.toMatch(/UNIQUE|SQLITE/i);
    expect(textsOf(desk, 'greet')).toEqual(['Hello {{who}}', 'after backup B1', 'after backup B2', 'saved after the restore']);
    const pushes = desk.line.pushed.length;
    expect(await desk.engine.syncNow()).toMatchObject({ state: 'behind', pending: 1 });
    expect(desk.line.pushed.length).toBe(pushes);
    await leaveTeamWorkspace(desk.workspace.as(desk.workspace.owner.id), hooks);
    expect(textsOf(desk, 'greet-unsynced')).toEqual(['Hello {{who}}', 'after backup B1', 'after backup B2', 'saved after the restore']);
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
    expect(teamLinkStatus(desk.workspace.as(desk.workspace.owner.id)).joined).toMatchObject({ teamPrompts: 2, leaveKeepsEveryPrompt: false });
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
