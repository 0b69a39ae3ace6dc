import { afterEach, describe, expect, it, vi } from 'vitest';
import { sharedPromptWorld, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import type { Ctx } from '../../../../../src/main/core/context';
import type { LogRecord } from '../../../../../src/main/store/repos/logs-repo';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

/** A finished run of `greet` v1 by `ctx`'s member, as the run service logs it. */
function runOf(ctx: Ctx): LogRecord {
  const prompt = ctx.store.prompts.getRowByName('greet')!;
  return {
    id: crypto.randomUUID(), promptId: prompt.id, promptName: 'greet', version: 1, source: 'chat', userId: ctx.actor.id, keyLabel: null, model: 'local:echo', status: 'success',
    startedAt: Date.now(), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'full', variableNames: '["who"]', variables: '{"who":"Bob"}', messages: '[]', output: 'out',
    outputChars: 3, error: null, conversationId: null, testCaseId: null,
  };
}

/**
 * Long enough for a sync that some event asked for to have started (the local debounce is 300 ms,
 * the server's signal 50 ms). Not an assertion on time: on a machine too loaded to start it by
 * then, a pass too many would go unseen, never a right count fail.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

// CI's team-journey: after a run and "Sync now" the indicator stayed "Syncing…" with nothing
// waiting. The pass that pushed the run was followed by passes of its own making: the server's
// signal for the run just pushed, and the local events of what its own pull wrote while the run
// still waited. A status read during such a pass stayed on screen, since it ends with nothing new.
describe('the passes a run makes on a desktop in the background', () => {
  it('a run here and one from the team, then Sync now: two passes in all (none started by a pass\'s own writes), every run in both places', async () => {
    const world = await sharedPromptWorld('greet', { email: 'bob@example.com' });
    server = world.server;
    const desk = world.desktop;
    d = desk;
    let passes = 0;
    desk.engine.onStatus((status) => {
      if (status.state === 'syncing') passes++;
    });
    let following = false;
    desk.line.tamper = async (url, _init, answer) => {
      if (url.includes('/sync/changes')) following = true;
      return answer;
    };
    desk.engine.start();
    await vi.waitFor(() => expect(following).toBe(true), { timeout: 10_000, interval: 20 });
    await settle();
    passes = 0;

    // Another member's run on the server, then this desktop's own: the pass they start pulls the
    // one (writing a run here while its own still waits) and pushes the other (which the server
    // then signals back to this desktop, as it signals every run the member may read).
    await server.host.workspace.runtime.logs.append(runOf(server.owner));
    const mine = runOf(desk.as());
    await desk.workspace.runtime.logs.append(mine);
    await vi.waitFor(() => expect(server!.host.workspace.store.logs.get(mine.id)).toBeTruthy(), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(desk.engine.status()).toMatchObject({ state: 'online', pending: 0 }), { timeout: 10_000, interval: 20 });
    await settle();
    expect(await desk.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    await settle();

    // The pass that pulled the team's run and pushed this one, and Sync now's: none of their own making.
    expect(passes).toBe(2);
    const runs = (store: typeof desk.workspace.store) => (store.db.prepare('SELECT id FROM run_logs ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    expect(runs(desk.workspace.store)).toEqual(runs(server.host.workspace.store));
    expect(runs(desk.workspace.store)).toHaveLength(2);
  });
});
