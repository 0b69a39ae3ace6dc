import { afterEach, describe, expect, it } from 'vitest';
import { desktop, sharedPromptWorld, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { commitVersion, TEAM_COMMIT_REFUSED } from '../../../../../src/main/core/versions/lifecycle';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';
import { dispatch } from '../../../../../src/main/core/handlers';
import { serviceHandlers } from '../../../../helpers/handlers';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

const committed = (d: Desktop, name: string) =>
  d.workspace.store.db.prepare('SELECT v.number, v.committed_at IS NOT NULL AS committed FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = ? ORDER BY v.number').all(name);

// Attack 14 F6: Commit on a team version answered committed: true, and the next pull undid it
// without a word (protocol 1 has no op for it). Now refused where the rule lives, at every door.
describe('Commit on a desktop', () => {
  it('a team prompt\'s version (synced or saved offline) is refused with the words the Versions tab shows; nothing changes, before or after a sync', async () => {
    ({ server, desktop: d } = await sharedPromptWorld('shared-edit'));
    d.line.offline = true;
    saveVersion(d.as(), SaveVersionInput.parse({ name: 'shared-edit', template: { kind: 'text', text: 'Offline {{who}}' } }));
    const before = committed(d, 'shared-edit');
    const handlers = serviceHandlers();
    for (const ctx of [d.as(), d.workspace.as(d.workspace.owner.id)]) {
      for (const number of [1, 2]) {
        expect(() => commitVersion(ctx, 'shared-edit', number)).toThrow(expect.objectContaining({ code: 'forbidden', message: TEAM_COMMIT_REFUSED }));
        expect(await dispatch(handlers, ctx, 'versions:commit', { name: 'shared-edit', number })).toMatchObject({ ok: false, error: { code: 'forbidden', message: TEAM_COMMIT_REFUSED } });
      }
    }
    expect(committed(d, 'shared-edit')).toEqual(before);
    d.line.offline = false;
    await d.engine.syncNow();
    expect(committed(d, 'shared-edit')).toEqual([{ number: 1, committed: 0 }, { number: 2, committed: 0 }]);
  });

  it('a personal prompt\'s version still commits on a joined desktop', async () => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    d = desktop(server, ada.actor.id);
    await d.engine.syncNow();
    const owner = d.workspace.as(d.workspace.owner.id);
    seedPrompt(owner, 'mine', 'Mine');
    expect(commitVersion(owner, 'mine', 1)).toMatchObject({ number: 1, committed: true });
  });
});
