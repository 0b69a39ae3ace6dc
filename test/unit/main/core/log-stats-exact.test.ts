/**
 * Issue 15 target 3: every figure of the Logs statistics (count, errors, runs and errors per day
 * in the viewer's zone, p50/p95 latency by version) equals a naive recomputation over the runs
 * the list shows for the same filter and caller, for random logs and random filters: an admin,
 * members who may read some prompts (their own runs of the others included), a caller over the
 * HTTP API (runs of API-off prompts left out), text search, time zones. The list's rows are the
 * visibility rule the stats must follow (one rule, resolveFilter + logs-repo `where`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import type { LogRecord } from '../../../../src/main/store/repos/logs-repo';
import { FEW_CANDIDATES, LATENCY_SAMPLE, listLogs, logStats } from '../../../../src/main/core/logs/logs-service';
import { zoneDays } from '../../../../src/main/core/logs/zone-days';
import { deletePrompt, setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { addShare, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { AddShareInput } from '../../../../src/shared/schemas/sharing';
import { ListLogsInput, LogStatsInput, type LogEntry, type LogStats } from '../../../../src/shared/schemas/logs';
import type { RunSource, RunStatus } from '../../../../src/shared/schemas/runs';
import { AppError } from '../../../../src/main/core/errors';

let t: ReturnType<typeof testWorkspace>;
let actors: Ctx[];
let prompts: { name: string; id: string }[];
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'gone'];
const WORDS = ['apple', 'apples', 'banana', 'cherry', 'date'];
const SOURCES: RunSource[] = ['api', 'chat', 'test', 'refine'];
const STATUSES: RunStatus[] = ['success', 'error', 'cancelled'];
const MODELS = ['local:echo', 'openai:gpt-4o'];
/**
 * Where the five days of runs begin: no clock change, then spans holding one (Europe/Paris on
 * the last Sundays of March and October 2026, America/New_York on 8 March and 1 November 2026).
 * The first property draws one per case; the other tests keep the first.
 */
const STARTS = ['2025-12-20', '2026-03-27', '2026-10-23', '2026-03-06', '2026-10-29'].map((day) => Date.parse(`${day}T00:00:00Z`));
let START = STARTS[0]!;
const HOUR = 3_600_000;

beforeAll(() => {
  t = testWorkspace();
  const admin = t.owner;
  const ann = member(admin, 'ann@example.com');
  const ben = member(admin, 'ben@example.com');
  actors = [admin, ann, ben, { ...ann, via: { kind: 'api', key: null, loopback: true } }];
  // alpha: Ann's, private. beta: admin's, Library View. gamma: admin's, Chat only (Ann and Ben
  // may run it, not read it), shared with Ben by name. delta: Ben's, API access on. gone: deleted.
  seedPrompt(ann, 'alpha', 'A {{x}}');
  seedPrompt(admin, 'beta', 'B {{x}}', { api: true });
  setSharingLevel(admin, { name: 'beta', level: 'library_view' });
  seedPrompt(admin, 'gamma', 'G {{x}}');
  setSharingLevel(admin, { name: 'gamma', level: 'chat_only' });
  addShare(admin, AddShareInput.parse({ name: 'gamma', email: 'ben@example.com', permission: 'view' }));
  seedPrompt(ben, 'delta', 'D {{x}}');
  setApiSettings(ben, { name: 'delta', apiAccess: true });
  seedPrompt(admin, 'gone', 'X {{x}}');
  prompts = NAMES.map((name) => ({ name, id: t.workspace.store.prompts.getRowByName(name)!.id }));
  deletePrompt(admin, 'gone');
});
afterAll(() => t.cleanup());

const rowArb = fc.record({
  // Mostly beta (everyone reads it): versions with many runs, where p50, p90 and p95 differ.
  prompt: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.nat(NAMES.length - 1) }),
  version: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null, freq: 5 }),
  source: fc.constantFrom(...SOURCES),
  status: fc.constantFrom(...STATUSES),
  user: fc.nat(2),
  model: fc.constantFrom(...MODELS),
  // Five days by the hour, so zone days and UTC days differ.
  at: fc.integer({ min: 0, max: 5 * 24 - 1 }),
  // Few values: ties in latency and in group sizes.
  latency: fc.option(fc.integer({ min: 1, max: 400 }).map((n) => n * 7), { nil: null, freq: 6 }),
  words: fc.option(fc.subarray(WORDS, { minLength: 1 }), { nil: null, freq: 4 }),
});

/** Each filter present one time in four, so many cases keep versions with dozens of runs. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const filterArb = fc.record({
  prompt: rarely(fc.constantFrom(...NAMES.slice(0, 4))),
  source: rarely(fc.subarray(SOURCES, { minLength: 1 })),
  status: rarely(fc.subarray(STATUSES, { minLength: 1 })),
  version: rarely(fc.integer({ min: 1, max: 3 })),
  user: rarely(fc.nat(2)),
  model: rarely(fc.constantFrom(...MODELS)),
  from: rarely(fc.integer({ min: 0, max: 60 })),
  to: rarely(fc.integer({ min: 61, max: 130 })),
  q: rarely(fc.constantFrom('apple', 'app', 'banana cherry', 'date', 'nothing')),
  tz: rarely(fc.constantFrom('UTC', 'Europe/Paris', 'Asia/Kolkata', 'America/Los_Angeles', 'America/New_York', 'Asia/Kathmandu')),
});

type Value<A> = A extends fc.Arbitrary<infer T> ? T : never;
type RowSpec = Value<typeof rowArb>;
type FilterSpec = Value<typeof filterArb>;
const NO_FILTER: FilterSpec = { prompt: undefined, source: undefined, status: undefined, version: undefined, user: undefined, model: undefined, from: undefined, to: undefined, q: undefined, tz: undefined };

function toRecord(r: RowSpec, i: number): LogRecord {
  const text = r.words ? r.words.join(' ') : null;
  return {
    id: `run-${i}`, promptId: prompts[r.prompt]!.id, promptName: prompts[r.prompt]!.name, version: r.version, source: r.source,
    userId: actors[r.user]!.actor.id, keyLabel: null, model: r.model, status: r.status, startedAt: START + r.at * HOUR + i,
    latencyMs: r.latency, ttftMs: null, tokensIn: 1, tokensOut: 1, dataLogging: text ? 'full' : 'none', variableNames: null,
    variables: text ? JSON.stringify({ x: text }) : null, messages: null, output: text ? `out ${r.words!.at(-1)}` : null,
    outputChars: null, error: null, conversationId: null,
  };
}

/** The filter as the screen sends it. */
function toInput(f: FilterSpec) {
  return LogStatsInput.parse({
    ...(f.prompt !== undefined ? { prompt: f.prompt } : {}),
    ...(f.source ? { source: f.source } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.version !== undefined ? { version: f.version } : {}),
    ...(f.user !== undefined ? { userId: actors[f.user]!.actor.id } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(f.from !== undefined ? { from: new Date(START + f.from * HOUR).toISOString() } : {}),
    ...(f.to !== undefined ? { to: new Date(START + f.to * HOUR).toISOString() } : {}),
    ...(f.q ? { q: f.q } : {}),
    ...(f.tz ? { tz: f.tz } : {}),
  });
}

/** Every run the list shows for the filter, page by page. */
function listed(ctx: Ctx, input: ReturnType<typeof toInput>, limit = 7): LogEntry[] {
  const { tz: _tz, ...filter } = input;
  const out: LogEntry[] = [];
  let cursor: string | null = null;
  do {
    const page = listLogs(ctx, ListLogsInput.parse({ ...filter, limit, ...(cursor ? { cursor } : {}) }));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const nearestRank = (sorted: number[], p: number) => Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toPrecision(2));

/** The figures recomputed the slow, obvious way from the listed runs. */
function naive(entries: LogEntry[], tz: string | undefined): LogStats {
  const { grid, label } = zoneDays(tz);
  const days = new Map<number, { runs: number; errors: number }>();
  for (const e of entries) {
    const start = grid.startOf(Date.parse(e.startedAt));
    const day = days.get(start) ?? { runs: 0, errors: 0 };
    day.runs += 1;
    day.errors += e.status === 'error' ? 1 : 0;
    days.set(start, day);
  }
  const groups = new Map<string, { prompt: string; version: number | null; latencies: number[] }>();
  for (const e of entries) {
    if (e.latencyMs === null) continue;
    const key = `${e.prompt}\u0000${e.version}`;
    const group = groups.get(key) ?? { prompt: e.prompt, version: e.version, latencies: [] };
    group.latencies.push(e.latencyMs);
    groups.set(key, group);
  }
  const byVersion = (a: { prompt: string; version: number | null }, b: { prompt: string; version: number | null }) =>
    (a.prompt < b.prompt ? -1 : a.prompt > b.prompt ? 1 : 0) || (a.version ?? 0) - (b.version ?? 0);
  return {
    total: entries.length,
    errors: entries.filter((e) => e.status === 'error').length,
    days: [...days.entries()].sort((a, b) => a[0] - b[0]).map(([start, d]) => ({ day: label(start), ...d })),
    // The versions shown: most runs among the newest LATENCY_SAMPLE finished ones (the list is newest first).
    latencyByVersion: [...groups.values()]
      .map((g) => ({ ...g, recent: entries.filter((e) => e.latencyMs !== null).slice(0, LATENCY_SAMPLE).filter((e) => e.prompt === g.prompt && e.version === g.version).length }))
      .filter((g) => g.recent > 0)
      .sort((a, b) => b.recent - a.recent || byVersion(a, b))
      .slice(0, 12)
      .map((g) => {
        const sorted = g.latencies.sort((a, b) => a - b);
        return { prompt: g.prompt, version: g.version, runs: sorted.length, p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95) };
      })
      .sort((a, b) => a.prompt.localeCompare(b.prompt) || (a.version ?? 0) - (b.version ?? 0)),
  };
}

const outcome = <T>(fn: () => T): { value: T } | { error: string } => {
  try {
    return { value: fn() };
  } catch (error) {
    if (error instanceof AppError) return { error: `${error.code} ${error.message}` };
    throw error;
  }
};

/**
 * Counts the text searches statsOf answered from the runs they match (logsRepo.fewCandidateRuns
 * gave rows) and those it answered with its per-day and percentile statements (null), so a
 * test can say both plans ran.
 */
function plans() {
  const { logs } = t.workspace.store;
  const original = logs.fewCandidateRuns;
  const seen = { fromRuns: 0, perDay: 0 };
  const spy = vi.spyOn(logs, 'fewCandidateRuns').mockImplementation((query, limit) => {
    const runs = original(query, limit);
    if (query.match !== undefined) seen[runs ? 'fromRuns' : 'perDay'] += 1;
    return runs;
  });
  return { seen, restore: () => spy.mockRestore() };
}

describe('log statistics are exact', () => {
  it('equal a recomputation over the listed runs, for random logs x filters x callers (fast-check)', () => {
    const plan = plans();
    try {
      fc.assert(
        fc.property(
          fc.array(rowArb, { minLength: 40, maxLength: 250, size: 'max' }),
          fc.array(filterArb, { minLength: 1, maxLength: 4 }),
          fc.constantFrom(...STARTS),
          // When a text search is answered from the runs it matches: never, when its other filters
          // keep at most 12 or 40 runs (here one filter in four: some do, some do not), always.
          fc.constantFrom(0, 12, 40, FEW_CANDIDATES),
          (rows, filters, start, candidates) => {
            START = start;
            try {
              const { logs } = t.workspace.store;
              logs.purgeBefore(Number.MAX_SAFE_INTEGER);
              logs.insertMany(rows.map(toRecord));
              for (const f of filters) {
                const input = toInput(f);
                for (const ctx of actors) {
                  const got = outcome(() => logStats(ctx, input, { candidates }));
                  const want = outcome(() => naive(listed(ctx, input), input.tz));
                  expect(got).toEqual(want);
                }
              }
            } finally {
              START = STARTS[0]!;
            }
          },
        ),
        { numRuns: 60, endOnFailure: true },
      );
    } finally {
      plan.restore();
    }
    // Both plans were compared with the recomputation, many times each.
    expect(plan.seen.fromRuns).toBeGreaterThan(20);
    expect(plan.seen.perDay).toBeGreaterThan(20);
  });

  it('an estimate is marked approximate, exact on its newest days; asked with exact it equals the recomputation (fast-check)', () => {
    // Thresholds scaled down (5 matches, a window of 10 runs, 4 candidates) stand for 100,000, 50,000 and 2,000;
    // no search is answered from the runs it matches (FEW_CANDIDATES), which is never an estimate.
    const estimate = { above: 5, window: 10, sample: 4, candidates: 0 };
    let estimated = 0;
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 20, maxLength: 90 }), filterArb, fc.nat(3), (rows, f, who) => {
        const { logs } = t.workspace.store;
        logs.purgeBefore(Number.MAX_SAFE_INTEGER);
        logs.insertMany(rows.map(toRecord));
        const ctx = actors[who]!;
        // Broad filters (a zone, statuses): enough runs for an estimate.
        const input = toInput({ ...NO_FILTER, tz: f.tz, status: f.status, q: 'apple' });
        const want = outcome(() => naive(listed(ctx, input), input.tz));
        expect(outcome(() => logStats(ctx, { ...input, exact: true }, estimate))).toEqual(want);
        const got = outcome(() => logStats(ctx, input, estimate));
        if (!('value' in got) || !('value' in want) || !got.value.approximate) {
          expect(got).toEqual(want);
          return;
        }
        estimated += 1;
        // The newest days are counted with the search; older ones are never more than the runs without it.
        // An estimate may be empty: no run of its newest days matched, so every older day scales to 0.
        const newest = got.value.days.at(-1);
        if (newest) expect(want.value.days.find((d) => d.day === newest.day)).toEqual(newest);
        const { q: _q, ...withoutText } = input;
        const all = naive(listed(ctx, withoutText), input.tz).days;
        for (const day of got.value.days) expect(day.runs).toBeLessThanOrEqual(all.find((d) => d.day === day.day)?.runs ?? 0);
      }),
      { numRuns: 40, endOnFailure: true },
    );
    expect(estimated).toBeGreaterThan(10);
  });

  it('is exact for a text search with more matches than are read one by one (22,500 > 20,000), with other filters keeping more or fewer runs than FEW_CANDIDATES', () => {
    const { logs } = t.workspace.store;
    logs.purgeBefore(Number.MAX_SAFE_INTEGER);
    const rows = Array.from({ length: 25_000 }, (_, i) =>
      toRecord({ prompt: i % 3, version: (i % 4) + 1 > 3 ? null : (i % 4) + 1, source: 'api', status: i % 17 === 0 ? 'error' : 'success', user: i % 3, model: MODELS[0]!, at: i % 100, latency: i % 9 === 0 ? null : ((i * 7919) % 3000) + 1, words: i % 10 === 0 ? ['date'] : ['apple'] }, i),
    );
    logs.insertMany(rows);
    // Many matches. Other filters keeping more than FEW_CANDIDATES runs for the admin (each per-day
    // arm tests rows against the matches): the search alone, with a source and a zone. Keeping
    // fewer (the matches read once and tested against them): a version (the members' two
    // visibility arms over run_logs_version), a status and a version, a prompt in a zone. Each is
    // also asked with no search answered from its runs (candidates: 0): both plans, every caller.
    const filters = [
      { q: 'apple' },
      { q: 'apple', source: ['api'], tz: 'Europe/Paris' },
      { q: 'apple', version: 2 },
      { q: 'apple', status: ['error'], version: 1 },
      { q: 'apple', prompt: 'beta', tz: 'Asia/Kathmandu' },
    ];
    const plan = plans();
    let refused = 0;
    try {
      for (const filter of filters) {
        for (const ctx of actors) {
          const input = LogStatsInput.parse({ ...filter, exact: true });
          // A prompt filter over the API without a key is refused, by the list and the stats alike.
          const want = outcome(() => naive(listed(ctx, input, 500), input.tz));
          if ('error' in want) refused += 1;
          expect(outcome(() => logStats(ctx, input)), JSON.stringify(filter)).toEqual(want);
          expect(outcome(() => logStats(ctx, input, { candidates: 0 })), JSON.stringify(filter)).toEqual(want);
        }
      }
    } finally {
      plan.restore();
    }
    // Every answered case once with candidates: 0, and the admin's first two filters by default.
    expect(plan.seen.perDay).toBe(filters.length * actors.length - refused + 2);
    expect(plan.seen.fromRuns).toBeGreaterThanOrEqual(3 * actors.length - refused);
    // The recomputation pages through 25,000 runs for each of four callers: slow on a shared machine.
  }, 180_000);

  it('takes every finished run of a version into its percentiles, beyond any sample', () => {
    const { logs } = t.workspace.store;
    logs.purgeBefore(Number.MAX_SAFE_INTEGER);
    // 25,000 runs: the newest 23,000 are fast, the oldest 2,000 slow. A sample of the newest
    // 20,000 (what the charts showed before) says p95 = 100 ms; all of them say 900 ms.
    const rows = Array.from({ length: 25_000 }, (_, i) =>
      toRecord({ prompt: 1, version: 1, source: 'api', status: 'success', user: 0, model: MODELS[0]!, at: 0, latency: i < 2_000 ? 900 : 100, words: null }, i),
    );
    logs.insertMany(rows);
    const stats = logStats(t.owner, LogStatsInput.parse({}));
    expect(stats.latencyByVersion).toEqual([{ prompt: 'beta', version: 1, runs: 25_000, p50: 100, p95: 900 }]);
    expect(stats.total).toBe(25_000);
  });
});
