/**
 * Issue 10 item 6: a chat conversation belongs to the prompt it began with, not to its name. A
 * reply re-checks access by name; when the prompt was deleted and the name taken again, the reply
 * ran the old prompt's messages (a Chat-only template the member may not read) under the new
 * prompt, so its log showed that text to the new prompt's readers, the member included.
 * For every way the name can be taken again (by the member, by a third member, by the old owner),
 * the reply is refused as for a deleted prompt, and no log of the new prompt carries the old text.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { getLog, listLogs } from '../../../../src/main/core/logs/logs-service';
import { deletePrompt } from '../../../../src/main/core/prompts/prompts-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { StartRunInput } from '../../../../src/shared/schemas/runs';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';
import { codeOf } from '../../../helpers/errors';

const SECRET = 'OLDSYSTEMTEXT';
let provider: FakeProvider;
let t: ReturnType<typeof testWorkspace>;
let alice: Ctx;
let bob: Ctx;
let carol: Ctx;

beforeAll(async () => {
  provider = await startFakeProvider();
});
afterAll(() => provider.close());

beforeEach(() => {
  t = testWorkspace();
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  alice = member(t.owner, 'alice@example.com');
  bob = member(t.owner, 'bob@example.com');
  carol = member(t.owner, 'carol@example.com');
  seedPrompt(alice, 'helper', `${SECRET} {{who}}`);
  setSharingLevel(alice, { name: 'helper', level: 'chat_only' });
});
afterEach(() => t.cleanup());

async function finish(ctx: Ctx, runId: string): Promise<void> {
  let cursor = 0;
  for (;;) {
    const progress = await watchRun(ctx, { runId, cursor });
    if (progress.status !== 'running') return;
    cursor = progress.cursor;
  }
}

/** Who takes the name again after Alice deletes her Chat-only prompt, and at what level. */
const RETAKEN: Record<string, () => Ctx> = {
  'by the member chatting (their own prompt)': () => bob,
  'by a third member, Library View': () => carol,
  'by the old owner, Chat only': () => alice,
};

describe('a reply after the conversation prompt was deleted and its name taken again', () => {
  for (const [how, holder] of Object.entries(RETAKEN)) {
    it(`is refused as for a deleted prompt, ${how}`, async () => {
      const first = startRun(bob, StartRunInput.parse({ name: 'helper', variables: { who: 'b' }, model: 'local:echo' }));
      await finish(bob, first.runId);
      deletePrompt(alice, 'helper');
      seedPrompt(holder(), 'helper', 'A new prompt {{who}}');
      if (holder() !== bob) setSharingLevel(holder(), { name: 'helper', level: holder() === alice ? 'chat_only' : 'library_view' });

      expect(codeOf(() => startRun(bob, StartRunInput.parse({ conversationId: first.conversationId, message: 'again', model: 'local:echo' })))).toBe('not_found');
      // Nothing ran under the new prompt, so none of its readers finds the old text in its logs.
      const fresh = t.workspace.store.prompts.getRowByName('helper')!.id;
      for (const reader of [t.owner, holder(), bob]) {
        const leaked = listLogs(reader, ListLogsInput.parse({ limit: 500 }))
          .items.filter((entry) => entry.promptId === fresh)
          .filter((entry) => JSON.stringify(getLog(reader, entry.id)).includes(SECRET));
        expect(leaked).toEqual([]);
      }
    });
  }

  it('still continues while the prompt is the same one', async () => {
    const first = startRun(bob, StartRunInput.parse({ name: 'helper', variables: { who: 'b' }, model: 'local:echo' }));
    await finish(bob, first.runId);
    const reply = startRun(bob, StartRunInput.parse({ conversationId: first.conversationId, message: 'again', model: 'local:echo' }));
    await finish(bob, reply.runId);
    expect(getLog(bob, reply.runId)).toMatchObject({ messages: null, messagesWithheld: true, output: 'Echo: again' });
  });
});
