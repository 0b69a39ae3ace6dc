/**
 * bench:changes — what the change stream (issue 13) costs and how fast it delivers.
 * 1. A logged run with and without the change triggers (migration 0190): µs per log through the
 *    log writer's group commit, 20,000 logs, best of 3 (the triggers' row is the cost of run.logged).
 * 2. Commit to listener: ms from a committed version save to its event reaching a subscriber,
 *    500 saves, with the default 50 ms poll (the delay is the poll, not the query).
 * 3. Delivery per poll with 1 / 100 / 1,000 open streams of one member (issue 13, F1): 100 version
 *    saves committed, then one poll (poke) hands them to every stream; ms per poll, median of 5.
 *    Each stream's member check reads the member again, as the doors' checks do.
 */
import { randomUUID } from 'node:crypto';
import { seedPrompt, testWorkspace } from '../helpers/workspace';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../src/shared/schemas/prompts';
import { ms, summarize } from './stats';

async function logCost(withTriggers: boolean): Promise<number> {
  const t = testWorkspace();
  try {
    const db = t.workspace.store.db;
    if (!withTriggers) {
      const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'changes%'").all();
      for (const { name } of names) db.exec(`DROP TRIGGER ${name}`);
    }
    const N = 20_000;
    const start = performance.now();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      writes.push(
        t.workspace.runtime.logs.append({
          id: randomUUID(), promptId: null, promptName: 'bench', version: 1, source: 'api', userId: null, keyLabel: null, model: 'm', status: 'success',
          startedAt: Date.now(), latencyMs: 1, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'full', variableNames: '["a"]', variables: '{"a":"b"}',
          messages: '[]', output: 'hello world', outputChars: 11, error: null, conversationId: null,
        }),
      );
    }
    await Promise.all(writes);
    return ((performance.now() - start) / N) * 1000;
  } finally {
    t.cleanup();
  }
}

async function deliveryLatency(): Promise<number[]> {
  const t = testWorkspace();
  seedPrompt(t.owner, 'bench', 'one');
  const samples: number[] = [];
  let arrived: (at: number) => void = () => undefined;
  // One long-lived subscriber, as a stream has: each event waits for the next poll. The feed's
  // timer is unref'd (it never keeps a process alive), so this one does, as a server would.
  const keepAlive = setInterval(() => undefined, 1000);
  const stop = t.workspace.changes.subscribe(() => t.owner, undefined, () => arrived(performance.now()));
  try {
    for (let i = 0; i < 500; i++) {
      const next = new Promise<number>((resolve) => (arrived = resolve));
      const committed = performance.now();
      saveVersion(t.owner, SaveVersionInput.parse({ name: 'bench', template: { kind: 'text', text: `v${i}` } }));
      samples.push((await next) - committed);
    }
  } finally {
    stop();
    clearInterval(keepAlive);
    t.cleanup();
  }
  return samples;
}

function pollCost(streams: number): number {
  const t = testWorkspace();
  seedPrompt(t.owner, 'bench', 'one');
  const stops: (() => void)[] = [];
  let delivered = 0;
  const store = t.workspace.store;
  try {
    for (let i = 0; i < streams; i++) {
      const member = () => ({ ...t.owner, actor: store.users.get(t.owner.actor.id)! });
      // The same identity for one member's streams, as the doors pass it (ignored by a feed without it).
      stops.push((t.workspace.changes.subscribe as (...a: unknown[]) => () => void)(member, t.workspace.changes.latestSeq(), () => delivered++, undefined, { identity: `member:${t.owner.actor.id}` }));
    }
    const samples: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 100; i++) saveVersion(t.owner, SaveVersionInput.parse({ name: 'bench', template: { kind: 'text', text: `v${round}-${i}` } }));
      const start = performance.now();
      t.workspace.changes.poke();
      samples.push(performance.now() - start);
    }
    if (delivered !== streams * 500) throw new Error(`delivered ${delivered}, expected ${streams * 500}`);
    return summarize(samples).p50;
  } finally {
    for (const stop of stops) stop();
    t.cleanup();
  }
}

async function main(): Promise<void> {
  for (const streams of [1, 100, 1000]) {
    process.stdout.write(`one poll, 100 events -> ${String(streams).padStart(5)} streams of one member   ${ms(pollCost(streams))}\n`);
  }
  const best = async (withTriggers: boolean) => Math.min(await logCost(withTriggers), await logCost(withTriggers), await logCost(withTriggers));
  const without = await best(false);
  const withT = await best(true);
  process.stdout.write(`logged run, no change triggers   ${without.toFixed(1).padStart(7)} µs/log\n`);
  process.stdout.write(`logged run, with change triggers ${withT.toFixed(1).padStart(7)} µs/log\n`);
  const { p50, max } = summarize(await deliveryLatency());
  process.stdout.write(`commit -> listener (50 ms poll)   p50 ${ms(p50)}   max ${ms(max)}\n`);
}

void main();
