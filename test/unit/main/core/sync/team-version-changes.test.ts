import { afterEach, describe, expect, it } from 'vitest';
import { desktop, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import {
  commitVersion, deleteVersion, pinDeployment, promoteVersion, unarchiveVersion, updateVersion,
  TEAM_COMMIT_REFUSED, TEAM_DELETE_REFUSED, TEAM_EDIT_REFUSED, TEAM_PIN_REFUSED, TEAM_UNARCHIVE_REFUSED,
} from '../../../../../src/main/core/versions/lifecycle';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { deletePrompt, TEAM_PROMPT_DELETE_REFUSED } from '../../../../../src/main/core/prompts/prompts-service';
import { SaveVersionInput, UpdateVersionInput } from '../../../../../src/shared/schemas/prompts';
import { PromoteInput } from '../../../../../src/shared/schemas/versions';
import { dispatch } from '../../../../../src/main/core/handlers';
import { serviceHandlers } from '../../../../helpers/handlers';
import type { Ctx } from '../../../../../src/main/core/context';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

/** v1 archived, v2 in production, v3 a draft: every change below has a version it applies to. */
function seedHistory(ctx: Ctx, name: string): void {
  seedPrompt(ctx, name, 'One {{who}}');
  saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'Two {{who}}' } }));
  promoteVersion(ctx, PromoteInput.parse({ name, number: 1 }));
  promoteVersion(ctx, PromoteInput.parse({ name, number: 2 }));
  saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'Three {{who}}' } }));
}

/** Each change to an existing version that protocol 1 does not push, with its channel and refusal. */
const CHANGES = [
  { op: 'commit', message: TEAM_COMMIT_REFUSED, channel: 'versions:commit', input: { number: 3 }, run: (ctx: Ctx, name: string) => commitVersion(ctx, name, 3) },
  { op: 'edit in place', message: TEAM_EDIT_REFUSED, channel: null, input: { number: 3 }, run: (ctx: Ctx, name: string) => updateVersion(ctx, UpdateVersionInput.parse({ name, number: 3, template: { kind: 'text', text: 'Edited {{who}}' } })) },
  { op: 'delete', message: TEAM_DELETE_REFUSED, channel: 'versions:delete', input: { number: 3 }, run: (ctx: Ctx, name: string) => deleteVersion(ctx, name, 3) },
  { op: 'unarchive', message: TEAM_UNARCHIVE_REFUSED, channel: 'versions:unarchive', input: { number: 1 }, run: (ctx: Ctx, name: string) => unarchiveVersion(ctx, name, 1) },
  // The API pin is not sent, and each pull sets the server's.
  { op: 'pin the API deployment', message: TEAM_PIN_REFUSED, field: 'version', channel: 'deployment:pin', input: { version: 3 }, run: (ctx: Ctx, name: string) => pinDeployment(ctx, name, 3) },
] as const;

const versionsOf = (d: Desktop, name: string) =>
  d.workspace.store.db.prepare('SELECT v.* FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = ? ORDER BY v.number').all(name);
const promptOf = (d: Desktop, name: string) => d.workspace.store.db.prepare('SELECT * FROM prompts WHERE name = ?').get(name);

// Attack 14b N4: in-place edits and deletes of team versions were accepted on a desktop and never
// sent (F6's class, Commit). Every change protocol 1 does not push x team vs personal prompt.
describe('changes to an existing version that protocol 1 does not push, on a joined desktop', () => {
  it('are refused for a team prompt at every door, as the member and as the folder\'s owner; nothing changes, before or after a sync', async () => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    seedHistory(server.owner, 'shared-edit');
    setSharingLevel(server.owner, { name: 'shared-edit', level: 'library_edit' });
    d = desktop(server, ada.actor.id);
    await d.engine.syncNow();
    const before = { versions: versionsOf(d, 'shared-edit'), prompt: promptOf(d, 'shared-edit') };
    expect(before.versions).toHaveLength(3);
    const handlers = serviceHandlers();
    for (const ctx of [d.as(), d.workspace.as(d.workspace.owner.id)]) {
      for (const change of CHANGES) {
        expect(() => change.run(ctx, 'shared-edit'), change.op).toThrow(expect.objectContaining({ code: 'forbidden', message: change.message, field: 'field' in change ? change.field : 'number' }));
        // The in-place edit has no channel (the HTTP and compat doors call updateVersion).
        if (change.channel) expect(await dispatch(handlers, ctx, change.channel, { name: 'shared-edit', ...change.input }), change.op)
          .toMatchObject({ ok: false, error: { code: 'forbidden', message: change.message } });
        expect(change.message).toMatch(/ on the team server: a (change|commit) made on this desktop is not sent to the team/);
      }
    }
    expect({ versions: versionsOf(d, 'shared-edit'), prompt: promptOf(d, 'shared-edit') }).toEqual(before);
    await d.engine.syncNow();
    expect(versionsOf(d, 'shared-edit').map((v) => (v as { number: number }).number)).toEqual([1, 2, 3]);
  });

  it.each(CHANGES)('a personal prompt still allows $op', async (change) => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    d = desktop(server, ada.actor.id);
    await d.engine.syncNow();
    const owner = d.workspace.as(d.workspace.owner.id);
    seedHistory(owner, 'mine');
    const before = versionsOf(d, 'mine');
    change.run(owner, 'mine');
    expect(versionsOf(d, 'mine')).not.toEqual(before);
  });
});

// Deleting a team prompt was accepted and never sent: the next pull that sent the prompt brought it back.
describe('deleting a team prompt on a joined desktop', () => {
  it('is refused at every door for its own owner (who may delete it on the team server), nothing changes before or after a sync; a personal prompt still goes', async () => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    seedHistory(ada, 'adas');
    setSharingLevel(ada, { name: 'adas', level: 'library_edit' });
    d = desktop(server, ada.actor.id);
    await d.engine.syncNow();
    const before = { versions: versionsOf(d, 'adas'), prompt: promptOf(d, 'adas') };
    const handlers = serviceHandlers();
    expect(() => deletePrompt(d!.as(), 'adas')).toThrow(expect.objectContaining({ code: 'forbidden', message: TEAM_PROMPT_DELETE_REFUSED, field: 'name' }));
    expect(await dispatch(handlers, d.as(), 'prompts:delete', { name: 'adas' })).toMatchObject({ ok: false, error: { code: 'forbidden', message: TEAM_PROMPT_DELETE_REFUSED } });
    expect(TEAM_PROMPT_DELETE_REFUSED).toMatch(/ on the team server: a change made on this desktop is not sent to the team/);
    expect({ versions: versionsOf(d, 'adas'), prompt: promptOf(d, 'adas') }).toEqual(before);
    await d.engine.syncNow();
    expect(promptOf(d, 'adas')).toBeDefined();
    seedPrompt(d.as(), 'ada-personal', 'Mine {{who}}');
    expect(deletePrompt(d.as(), 'ada-personal')).toEqual({ deleted: true });
    expect(promptOf(d, 'ada-personal')).toBeUndefined();
  });
});
