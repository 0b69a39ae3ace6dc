import { afterEach, describe, expect, it } from 'vitest';
import { keepTeamLink, shareInLibrary, sharedPromptWorld, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { revokeDevicesOf } from '../../../../../src/main/core/team/devices';
import { leaveTeamWorkspace, type TeamHostHooks } from '../../../../../src/main/core/team/team-link-service';
import { DEVICE_REVOKED } from '../../../../../src/main/core/sync/sync-engine';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

const hooks: TeamHostHooks = { openBrowser: null, startSync: () => undefined, stopSync: () => undefined };

/** A desktop joined as Ada with 3 saves made offline on `greet`, then its device revoked on the server. */
async function revokedWithUnsentWork() {
  const world = await sharedPromptWorld('greet', { beforeJoin: (owner) => shareInLibrary(owner, 'other', 'Other {{who}}') });
  ({ server, desktop: d } = world);
  const ada = world.member;
  // What joinTeam keeps (leaving revokes this token on the server and reads the link).
  keepTeamLink(server, d.workspace, ada.actor);
  d.line.offline = true;
  for (const i of [1, 2, 3]) saveVersion(d.as(), SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: `UNSENT-${i} {{who}}` } }));
  revokeDevicesOf(server.host.workspace.store, ada.actor.id, new Date().toISOString());
  d.line.offline = false;
  return d;
}

// Attack 14 F3: a revoked device said "Online" with changes waiting, its Leave dialog suggested
// Sync now, and leaving deleted its unsent work for good.
describe('a device the team server revoked', () => {
  it('says so (state revoked, not Online), and keeps saying so on every try', async () => {
    const desk = await revokedWithUnsentWork();
    for (let i = 0; i < 2; i++) expect(await desk.engine.syncNow()).toMatchObject({ state: 'revoked', lastError: DEVICE_REVOKED, pending: 3 });
    expect(DEVICE_REVOKED).toContain('This device was revoked on the team server');
  });

  it('leaving keeps its unsent work as personal prompts by default; prompts without unsent work just go', async () => {
    const desk = await revokedWithUnsentWork();
    await desk.engine.syncNow();
    const owner = desk.workspace.as(desk.workspace.owner.id);
    const left = await leaveTeamWorkspace(owner, hooks);
    expect(left).toMatchObject({ removedPrompts: 2, keptAsPersonal: ['greet-unsynced'] });
    const copy = desk.workspace.store.prompts.getRowByName('greet-unsynced')!;
    expect((copy as unknown as { team_id: string | null }).team_id).toBeNull();
    const texts = (desk.workspace.store.db.prepare('SELECT template FROM prompt_versions WHERE prompt_id = ? ORDER BY number').all(copy.id) as { template: string }[]).map((r) => JSON.parse(r.template).text);
    expect(texts).toEqual(['UNSENT-1 {{who}}', 'UNSENT-2 {{who}}', 'UNSENT-3 {{who}}']);
    expect(desk.workspace.store.prompts.getRowByName('greet')).toBeUndefined();
    expect(desk.workspace.store.prompts.getRowByName('other-unsynced')).toBeUndefined();
  });

  it('leaving with keepUnsent false drops it, as the member chose', async () => {
    const desk = await revokedWithUnsentWork();
    const left = await leaveTeamWorkspace(desk.workspace.as(desk.workspace.owner.id), hooks, fetch, { keepUnsent: false });
    expect(left).toMatchObject({ removedPrompts: 2, keptAsPersonal: [] });
    expect(desk.workspace.store.db.prepare("SELECT count(*) AS n FROM prompts").get()).toEqual({ n: 0 });
  });
});
