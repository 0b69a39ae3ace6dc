import { afterEach, describe, expect, it } from 'vitest';
import { desktop, sharedPromptWorld, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { listPromotions, promoteVersion } from '../../../../../src/main/core/versions/lifecycle';
import { listVersions } from '../../../../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';
import { PromotionsInput } from '../../../../../src/shared/schemas/versions';
import type { Ctx } from '../../../../../src/main/core/context';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

// Attack 14 F8: versions and promotions made offline showed the local `root` account as their
// author until the server's history replaced them with the member.
describe('who a change made here is recorded as', () => {
  it('on a team prompt, whoever uses the desktop (its owner, another local member): the joined member, offline and after the sync alike', async () => {
    const world = await sharedPromptWorld('greet');
    ({ server, desktop: d } = world);
    const ada = world.member;
    d.line.offline = true;
    const owner = d.workspace.as(d.workspace.owner.id);
    const local = member(owner, 'local@example.com').actor;
    const users: Ctx[] = [owner, d.workspace.as(local.id), d.as()];
    for (const [i, ctx] of users.entries()) saveVersion(ctx, SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: `Offline ${i} {{who}}` } }));
    promoteVersion(owner, { name: 'greet', number: 2, notes: '' });
    const authors = () => listVersions(owner, 'greet').filter((v) => v.number > 1).map((v) => v.author.id);
    const promoters = () => listPromotions(owner, PromotionsInput.parse({ name: 'greet' })).map((p) => p.promotedBy.id);
    expect(authors()).toEqual([ada.actor.id, ada.actor.id, ada.actor.id]);
    expect(promoters()).toEqual([ada.actor.id]);
    d.line.offline = false;
    expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    expect(authors()).toEqual([ada.actor.id, ada.actor.id, ada.actor.id]);
    expect(promoters()).toEqual([ada.actor.id]);
  });

  it('on a personal prompt: the local person who made it', async () => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    d = desktop(server, ada.actor.id);
    await d.engine.syncNow();
    const owner = d.workspace.as(d.workspace.owner.id);
    seedPrompt(owner, 'mine', 'Mine');
    saveVersion(owner, SaveVersionInput.parse({ name: 'mine', template: { kind: 'text', text: 'Mine again' } }));
    expect(listVersions(owner, 'mine').map((v) => v.author.id)).toEqual([owner.actor.id, owner.actor.id]);
  });
});
