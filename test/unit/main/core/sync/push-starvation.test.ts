import { afterEach, expect, it, onTestFinished, vi } from 'vitest';
import { sharedPromptWorld, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

// bench:team found it: with a team's runs arriving faster than a desktop pulls them, the pull
// never ran out of pages, so a save made meanwhile waited for a push that never came.
it('a local save is pushed while a pull that never runs out of pages goes on', async () => {
  ({ server, desktop: d } = await sharedPromptWorld('greet'));
  // From now on every pull page says there is more (the server's log grows faster than it drains).
  let endless = true;
  let pulls = 0;
  d.line.tamper = async (url, _init, answer) => {
    if (!url.includes('/sync/pull') || !endless) return answer;
    pulls++;
    const page = (await answer.json()) as Record<string, unknown>;
    return new Response(JSON.stringify({ ...page, hasMore: true }), { status: answer.status, headers: answer.headers });
  };
  const running = d.engine.syncNow();
  onTestFinished(() => {
    endless = false;
  });
  await vi.waitFor(() => expect(pulls).toBeGreaterThan(2), { timeout: 10_000, interval: 5 });
  const mine = saveVersion(d.as(), SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'Saved during a long pull {{who}}' } }));
  // What the engine's change subscription does for a local save: ask for another sync.
  void d.engine.syncNow();
  const onServer = () => server!.host.workspace.store.db.prepare('SELECT count(*) AS n FROM prompt_versions WHERE id = ?').get(mine.id);
  await vi.waitFor(() => expect(onServer()).toEqual({ n: 1 }), { timeout: 10_000, interval: 10 });
  endless = false;
  expect(await running).toMatchObject({ state: 'online', pending: 0 });
});
