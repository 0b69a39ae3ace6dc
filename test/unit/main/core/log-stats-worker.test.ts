/**
 * Issue 15 target 3, round 2: the exact Logs statistics run in a worker thread on their own
 * read-only connection (core/logs/log-stats-worker.ts), so the main process keeps answering.
 * The worker's answer equals logStats with `exact: true` for random filters x callers (the
 * filter, visibility included, is resolved once on the main thread); refusals are the same; and
 * through the bridge's `logs:stats`, an API call made while an exact call runs is answered first;
 * a burst of calls runs at most STATS_WORKERS threads at once.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import { startBridgeHost, type BridgeHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import type { Ctx } from '../../../../src/main/core/context';
import type { LogRecord } from '../../../../src/main/store/repos/logs-repo';
import { logStats } from '../../../../src/main/core/logs/logs-service';
import { logStatsInWorker, STATS_WORKERS, statsWorkersRunning } from '../../../../src/main/core/logs/log-stats-worker';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { LogStatsInput } from '../../../../src/shared/schemas/logs';
import { AppError } from '../../../../src/main/core/errors';

const START = Date.parse('2026-01-05T00:00:00Z');
const WORDS = ['apple', 'banana', 'cherry'];

function record(i: number, prompt: { id: string; name: string }, userId: string): LogRecord {
  const text = WORDS.filter((_, k) => (i >> k) & 1).join(' ') || null;
  return {
    id: `run-${i}`, promptId: prompt.id, promptName: prompt.name, version: (i % 3) + 1, source: i % 2 ? 'api' : 'chat', userId, keyLabel: null,
    model: 'local:echo', status: i % 7 === 0 ? 'error' : 'success', startedAt: START + i * 61_000, latencyMs: i % 11 === 0 ? null : ((i * 7919) % 900) + 1,
    ttftMs: null, tokensIn: 1, tokensOut: 1, dataLogging: text ? 'full' : 'none', variableNames: null, variables: text ? JSON.stringify({ x: text }) : null,
    messages: null, output: text, outputChars: null, error: null, conversationId: null,
  };
}

describe('exact log statistics in a worker thread', () => {
  let t: ReturnType<typeof testWorkspace>;
  let callers: Ctx[];
  beforeAll(() => {
    t = testWorkspace();
    const ann = member(t.owner, 'ann@example.com');
    seedPrompt(ann, 'alpha', 'A {{x}}');
    seedPrompt(t.owner, 'beta', 'B {{x}}');
    setSharingLevel(t.owner, { name: 'beta', level: 'library_view' });
    seedPrompt(t.owner, 'secret', 'S {{x}}');
    const byName = (name: string) => ({ id: t.workspace.store.prompts.getRowByName(name)!.id, name });
    const prompts = [byName('alpha'), byName('beta'), byName('secret')];
    const users = [t.owner.actor.id, ann.actor.id];
    t.workspace.store.logs.insertMany(Array.from({ length: 3_000 }, (_, i) => record(i, prompts[i % 3]!, users[(i >> 2) % 2]!)));
    callers = [t.owner, ann, { ...ann, via: { kind: 'api', key: null, loopback: true } }];
  });
  afterAll(() => t.cleanup());

  it('answers what logStats answers with exact: true, for random filters x callers (fast-check)', async () => {
    const filterArb = fc.record(
      {
        q: fc.constantFrom('apple', 'banana cherry', 'app', 'nothing'),
        version: fc.integer({ min: 1, max: 3 }),
        source: fc.subarray(['api', 'chat'] as const, { minLength: 1 }),
        status: fc.subarray(['success', 'error'] as const, { minLength: 1 }),
        tz: fc.constantFrom('UTC', 'Europe/Paris', 'Asia/Kolkata'),
        prompt: fc.constantFrom('alpha', 'beta'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filterArb, fc.nat(callers.length - 1), async (filter, who) => {
        const ctx = callers[who]!;
        const input = LogStatsInput.parse(filter);
        // A refusal (a prompt with API access off asked over the API) must be the same refusal.
        const settle = (error: unknown) => {
          if (error instanceof AppError) return { error: `${error.code} ${error.message}` };
          throw error;
        };
        let want: unknown;
        try {
          want = { value: logStats(ctx, { ...input, exact: true }) };
        } catch (error) {
          want = settle(error);
        }
        expect(await logStatsInWorker(ctx, input).then((value) => ({ value }), settle)).toEqual(want);
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('runs at most STATS_WORKERS threads at once; every call of a burst gets its own exact answer', async () => {
    const inputs = ['apple', 'banana', 'cherry', 'apple banana', 'app', 'nothing'].map((q) => LogStatsInput.parse({ q }));
    let most = 0;
    let pending = true;
    const watch = (async () => {
      while (pending) {
        most = Math.max(most, statsWorkersRunning());
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const answers = await Promise.all(inputs.map((input) => logStatsInWorker(callers[1]!, input)));
    pending = false;
    await watch;
    expect(answers).toEqual(inputs.map((input) => logStats(callers[1]!, { ...input, exact: true })));
    expect(most).toBe(STATS_WORKERS);
    expect(statsWorkersRunning()).toBe(0);
  }, 120_000);

  it('refuses as logStats does: a prompt the member may not see is not found, naming the field', async () => {
    const ann = callers[1]!;
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as AppError;
      }
      throw new Error('not refused');
    };
    const want = refusal(() => logStats(ann, LogStatsInput.parse({ prompt: 'secret', exact: true })));
    const got = await logStatsInWorker(ann, LogStatsInput.parse({ prompt: 'secret' })).then(
      () => null,
      (error: unknown) => error as AppError,
    );
    expect(got).toBeInstanceOf(AppError);
    expect([got!.code, got!.message]).toEqual([want.code, want.message]);
  });
});

describe('the logs:stats channel asked exact does not block the main process', () => {
  let b: BridgeHost;
  beforeAll(async () => {
    b = await startBridgeHost();
  });
  afterAll(() => b.stop());

  it('an API call made while the exact call runs is answered before it', async () => {
    const owner = b.host.workspace.as(b.host.workspace.owner.id);
    seedPrompt(owner, 'beta', 'B {{x}}', { api: true });
    const beta = { id: b.host.workspace.store.prompts.getRowByName('beta')!.id, name: 'beta' };
    b.host.workspace.store.logs.insertMany(Array.from({ length: 20_000 }, (_, i) => record(i, beta, owner.actor.id)));
    const key = createKey(owner, { userEmail: owner.actor.email, label: 'stats-test' }).key;
    const events: string[] = [];
    const stats = b.bridge('logs:stats', { q: 'apple', exact: true }).then((answer) => {
      events.push('stats answered');
      return answer;
    });
    const api = await http(b.port, 'GET', '/api/v1/prompts', { headers: { authorization: `Bearer ${key}` } });
    events.push('api answered');
    expect(api.status).toBe(200);
    const answer = await stats;
    // Computed on the main thread, the stats call held the event loop until it had answered.
    expect(events).toEqual(['api answered', 'stats answered']);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ ok: true, value: logStats(owner, LogStatsInput.parse({ q: 'apple', exact: true })) });
  }, 60_000);
});
