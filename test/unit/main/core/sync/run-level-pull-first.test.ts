import { afterEach, describe, expect, it } from 'vitest';
import { desktop, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { setDataLogging } from '../../../../../src/main/core/prompts/prompts-service';
import { DATA_LOGGING_LEVELS, type DataLoggingLevel } from '../../../../../src/shared/schemas/runs';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

const TEXT = { value: 'LEAKME-789', message: 'MESSAGE-789', output: 'OUTPUT-789', error: 'ERRORTEXT-789' };

// Attack 14 F7: the engine pushed before it pulled, so a run made offline left with the level the
// desktop last knew, though the server had made it stricter meanwhile.
describe('a run made offline, its prompt made stricter on the server meanwhile', () => {
  // Logged under None, the log itself never held the text (its error is the log's own short form): nothing to leak.
  const pairs = (['full', 'metadata'] as const).flatMap((before) => DATA_LOGGING_LEVELS.map((after) => [before, after] as [DataLoggingLevel, DataLoggingLevel]));
  it.each(pairs)('logged under %s, set to %s on the server: no byte the new level forbids crosses the wire', async (before, after) => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    seedPrompt(server.owner, 'log-full', 'Hello {{secret}}');
    setSharingLevel(server.owner, { name: 'log-full', level: 'library_view' });
    setDataLogging(server.owner, 'log-full', before);
    d = desktop(server, ada.actor.id);
    await d.engine.syncNow();
    d.line.offline = true;
    const prompt = d.workspace.store.prompts.getRowByName('log-full')!;
    await d.workspace.store.logs.insertMany([
      { id: crypto.randomUUID(), promptId: prompt.id, promptName: 'log-full', version: 1, source: 'chat', userId: ada.actor.id, keyLabel: null, model: 'local:m', status: 'error',
        startedAt: Date.now(), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 2, dataLogging: before, variableNames: '["secret"]', variables: JSON.stringify({ secret: TEXT.value }),
        messages: JSON.stringify([{ role: 'user', content: TEXT.message }]), output: TEXT.output, outputChars: 10, error: TEXT.error, conversationId: null },
    ]);
    setDataLogging(server.owner, 'log-full', after);
    d.line.offline = false;
    expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    const sent = d.line.pushed.join('\n');
    const strictest = [before, after].includes('none') ? 'none' : [before, after].includes('metadata') ? 'metadata' : 'full';
    const leaves = { full: Object.values(TEXT), metadata: [TEXT.error], none: [] as string[] }[strictest];
    for (const text of Object.values(TEXT)) {
      if (leaves.includes(text)) expect(sent).toContain(text);
      else expect(sent).not.toContain(text);
    }
    if (strictest === 'none') expect(sent).not.toContain('"secret"');
  });
});
