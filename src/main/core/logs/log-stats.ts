import { UTC_DAYS, type DayGrid, type LatencyGroup, type LatencyRanked, type LogQuery, type LogsRepoDay, type StatsRun, type logsRepo } from '../../store/repos/logs-repo';
import type { LogStats } from '../../../shared/schemas/logs';
import { zoneDays } from './zone-days';

/**
 * The Logs statistics over a resolved filter (issue 15, target 3): per-day counts, exact p50/p95
 * by version, the estimate for text searches with many matches. Kept apart from logs-service.ts
 * so a worker thread can run it on its own connection without the services (log-stats-thread.ts).
 */

type LogsRepo = ReturnType<typeof logsRepo>;

/** The thresholds of statsOf's plans (see there); tests pass smaller ones. */
export interface EstimateThresholds {
  /** A text search matching at least this many runs is estimated (ESTIMATE_ABOVE_MATCHES). */
  above: number;
  /** The estimate's newest days hold this many logged runs (ESTIMATE_WINDOW)... */
  window: number;
  /** ...widened until they hold this many candidates (ESTIMATE_SAMPLE). */
  sample: number;
  /** A text search whose other filters keep at most this many runs is answered from them, exact (FEW_CANDIDATES). */
  candidates: number;
}

/** Versions the latency chart shows: the ones with most finished runs among the newest LATENCY_SAMPLE. */
export const LATENCY_VERSIONS = 12;
/** Which versions the chart shows is decided over the newest finished runs matching the filter, which bounds that work. */
export const LATENCY_SAMPLE = 2_000;

/** Nearest-rank position (0-based) of percentile `p` among `runs` ascending values. */
const rankOf = (runs: number, p: number) => Math.min(runs - 1, Math.ceil((p / 100) * runs) - 1);

/**
 * The latency chart's versions: those with most runs in `sample` (the newest finished runs that
 * match); equal counts by prompt name (code-unit order), then version (the draft first), so the
 * choice never depends on the order rows are read.
 */
export function busiestVersions(sample: { prompt_name: string; version: number | null }[]): { prompt: string; version: number | null }[] {
  const counts = new Map<string, { prompt: string; version: number | null; runs: number }>();
  for (const row of sample) {
    const key = `${row.prompt_name}\u0000${row.version}`;
    const group = counts.get(key) ?? { prompt: row.prompt_name, version: row.version, runs: 0 };
    group.runs += 1;
    counts.set(key, group);
  }
  const byName = (a: LatencyGroup, b: LatencyGroup) => (a.prompt < b.prompt ? -1 : a.prompt > b.prompt ? 1 : 0) || (a.version ?? 0) - (b.version ?? 0);
  return [...counts.values()].sort((a, b) => b.runs - a.runs || byName(a, b)).slice(0, LATENCY_VERSIONS);
}

/**
 * Where the newest `sample` runs begin, from the per-day counts: the latency sample then reads
 * those days only instead of walking back through every older row that fails the filter.
 */
function sampleStart(days: { start: number; runs: number }[], sample: number): number | null {
  let runs = 0;
  for (let i = days.length - 1; i >= 0; i--) {
    runs += days[i]!.runs;
    if (runs >= sample) return i === 0 ? null : days[i]!.start;
  }
  return null;
}

/**
 * p50/p95 latency by version over every finished run `query` matches, exact, for the versions
 * busiestVersions picks from the newest LATENCY_SAMPLE of them; `days` are the query's exact
 * per-day counts (they bound the sample's walk).
 */
function latencyByVersion(logs: LogsRepo, query: LogQuery, days: LogsRepoDay[]): LogStats['latencyByVersion'] {
  const since = sampleStart(days, LATENCY_SAMPLE);
  let sample = logs.latencies(query, LATENCY_SAMPLE, since);
  // Runs still going have no latency yet: if they left the window short, take the full walk.
  if (since !== null && sample.length < LATENCY_SAMPLE) sample = logs.latencies(query, LATENCY_SAMPLE);
  return latencyChart(logs.latencyRanks(query, busiestVersions(sample), percentileRanks));
}

/** The positions latencyChart reads: p50 and p95. */
const percentileRanks = (runs: number) => [rankOf(runs, 50), rankOf(runs, 95)];

/** The chart's entries from the versions' ranked latencies (percentileRanks): two significant digits, by prompt then version. */
function latencyChart(ranked: LatencyRanked[]): LogStats['latencyByVersion'] {
  const twoDigits = (ms: number) => Number(ms.toPrecision(2));
  return ranked
    .filter((g) => g.runs > 0)
    .map(({ prompt, version, runs, values: [p50, p95] }) => ({ prompt, version, runs, p50: twoDigits(p50!), p95: twoDigits(p95!) }))
    .sort((a, b) => a.prompt.localeCompare(b.prompt) || (a.version ?? 0) - (b.version ?? 0));
}

/**
 * A text search whose other filters keep at most this many runs is answered from the runs it
 * matches, read in one statement (logsRepo.fewCandidateRuns), exact at once whatever the number of
 * matches: e.g. "refund" (900,000 of 1,000,000 logs) and one prompt (3,137 runs) in ~50 ms,
 * where the per-day, sample and percentile statements each tested that prompt's runs against
 * all 900,000 matches (~450 ms; bench:stats). 20,000 runs are looked up in ~70 ms.
 */
export const FEW_CANDIDATES = 20_000;

/** Runs and errors per calendar day of `grid`, days with runs only, oldest first. */
function dayCounts(runs: StatsRun[], grid: DayGrid): LogsRepoDay[] {
  if (runs.length === 0) return [];
  let [first, last] = [Infinity, -Infinity];
  for (const run of runs) [first, last] = [Math.min(first, run.started_at), Math.max(last, run.started_at)];
  // The local day number is (started_at + the zone's offset) / 1 day, as logsRepo.perDay groups
  // a few matches: Intl per run costs ~35 µs; the offsets over the span are found once.
  const pieces = grid.offsets(first, last);
  const days = new Map<number, LogsRepoDay>();
  for (const run of runs) {
    const { offset } = pieces.find((piece) => run.started_at < piece.until)!;
    const number = Math.floor((run.started_at + offset) / DAY_MS);
    let day = days.get(number);
    // A zone's day starts where DST puts it: worked out from its earliest run below.
    if (!day) days.set(number, (day = { start: run.started_at, runs: 0, errors: 0 }));
    day.start = Math.min(day.start, run.started_at);
    day.runs += 1;
    if (run.status === 'error') day.errors += 1;
  }
  const utc = grid === UTC_DAYS;
  return [...days.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([number, day]) => ({ ...day, start: utc ? number * DAY_MS : grid.startOf(day.start) }));
}

/**
 * The figures of statsOf from every run the filter matches (fewCandidateRuns): the same per-day
 * counts, and the same versions (busiestVersions of the newest LATENCY_SAMPLE finished runs,
 * newest by start then seq, as logsRepo.latencies reads them) with exact percentiles.
 */
function statsOfRuns(runs: StatsRun[], grid: DayGrid, label: (start: number) => string): LogStats {
  const perDay = dayCounts(runs, grid);
  const finished = runs.filter((r): r is StatsRun & { latency_ms: number } => r.latency_ms !== null);
  finished.sort((a, b) => b.started_at - a.started_at || b.seq - a.seq);
  const byGroup = new Map<string, number[]>();
  for (const run of finished) {
    const key = `${run.prompt_name}\u0000${run.version}`;
    let list = byGroup.get(key);
    if (!list) byGroup.set(key, (list = []));
    list.push(run.latency_ms);
  }
  const ranked = busiestVersions(finished.slice(0, LATENCY_SAMPLE)).map(({ prompt, version }) => {
    const sorted = byGroup.get(`${prompt}\u0000${version}`)!.sort((a, b) => a - b);
    return { prompt, version, runs: sorted.length, values: percentileRanks(sorted.length).map((k) => sorted[k]!) };
  });
  return {
    total: runs.length,
    errors: perDay.reduce((sum, d) => sum + d.errors, 0),
    days: perDay.map((d) => ({ day: label(d.start), runs: d.runs, errors: d.errors })),
    latencyByVersion: latencyChart(ranked),
  };
}

/**
 * A text search matching at least this many runs is estimated unless `exact` is asked for: its
 * exact figures test every candidate run against the matches (0.6-2 s on 1,000,000 logs, see
 * `npm run bench:stats`), past what the screen should wait.
 */
export const ESTIMATE_ABOVE_MATCHES = 100_000;
/**
 * An estimate counts exactly the newest days holding this many logged runs (any filter), which
 * bounds the matches it reads; four times more if they hold fewer than ESTIMATE_SAMPLE runs the
 * other filters keep, and no estimate (the exact answer) if those still do.
 */
const ESTIMATE_WINDOW = 50_000;
const ESTIMATE_SAMPLE = 2_000;
const DAY_MS = 86_400_000;

/**
 * Where an estimate's exactly counted days begin: the newest days holding `window` logged runs,
 * widened until they hold `sample` of the candidate runs; null when that is every day.
 */
function estimateStart(logs: LogsRepo, grid: DayGrid, candidates: LogsRepoDay[], window: number, sample: number): number | null {
  if (candidates.length === 0) return null;
  // Widened once at most: past that the other filters are narrow, and the exact answer was
  // measured cheaper than a window reading most of the matches (bench:stats, member + text + error).
  for (let runs = window; runs <= window * 4; runs *= 4) {
    const at = logs.startOfNewest(runs);
    if (at === null) return null;
    const since = grid.startOf(at);
    if (since <= candidates[0]!.start) return null;
    if (candidates.reduce((n, d) => n + (d.start >= since ? d.runs : 0), 0) >= sample) return since;
  }
  return null;
}

/**
 * Counts and chart series over the filter, exact: runs and errors per day (the calendar days of
 * `tz`, the viewer's zone, UTC when left out), and p50/p95 latency (nearest rank, two significant
 * digits) by version over every finished run the filter matches, for the LATENCY_VERSIONS
 * versions with most of them. `query` is resolveFilter's (logs-service.ts), so visibility is the list's.
 * Reads `logs` only: the main process's repository, or a worker's on its own read-only connection
 * (log-stats-worker.ts).
 *
 * A text search matching ESTIMATE_ABOVE_MATCHES runs or more is answered `approximate` unless
 * `exact` is true: every filter but the text is counted exactly per day; the newest days holding
 * ESTIMATE_WINDOW logged runs (widened to hold ESTIMATE_SAMPLE of those) are counted with the search, exactly; an older day's runs and
 * errors are its counts without the search scaled by the share that matched in those newest days,
 * and the percentiles are those of the newest days. The screen shows it as such and asks again
 * with `exact` (LogCharts, logs-queries.ts). Before that: a text search whose other filters keep
 * at most FEW_CANDIDATES runs is never estimated; the runs it matches are read in one statement
 * and counted here (statsOfRuns), exact.
 */
export function statsOf(
  logs: LogsRepo,
  query: LogQuery,
  { tz, exact }: { tz?: string | undefined; exact?: boolean | undefined },
  /** The thresholds above (each left out: the constant), for tests that cannot log 100,000 runs. */
  thresholds: Partial<EstimateThresholds> = {},
): LogStats {
  const estimate = { above: ESTIMATE_ABOVE_MATCHES, window: ESTIMATE_WINDOW, sample: ESTIMATE_SAMPLE, candidates: FEW_CANDIDATES, ...thresholds };
  const { grid, label } = zoneDays(tz);
  const few = logs.fewCandidateRuns(query, estimate.candidates);
  if (few) return statsOfRuns(few, grid, label);
  let perDay: LogsRepoDay[];
  let scope = query;
  /** The per-day counts of `scope`, exact. */
  let scoped: LogsRepoDay[];
  let approximate = false;
  if (!exact && logs.matchesAtLeast(query, estimate.above)) {
    const { match: _match, ...withoutText } = query;
    const candidates = logs.perDay(withoutText, grid);
    const since = estimateStart(logs, grid, candidates, estimate.window, estimate.sample);
    if (since !== null) {
      approximate = true;
      scope = { ...query, from: Math.max(query.from ?? since, since) };
      const recent = logs.perDay(scope, grid);
      const share = (pick: (d: LogsRepoDay) => number, of: LogsRepoDay[]) => of.filter((d) => d.start >= since).reduce((n, d) => n + pick(d), 0);
      const runShare = share((d) => d.runs, recent) / Math.max(1, share((d) => d.runs, candidates));
      const candidateErrors = share((d) => d.errors, candidates);
      const errorShare = candidateErrors === 0 ? runShare : share((d) => d.errors, recent) / candidateErrors;
      const older = candidates
        .filter((d) => d.start < since)
        .map((d) => ({ start: d.start, runs: Math.round(d.runs * runShare), errors: Math.round(d.errors * errorShare) }))
        .map((d) => ({ ...d, errors: Math.min(d.errors, d.runs) }))
        .filter((d) => d.runs > 0);
      scoped = recent;
      perDay = [...older, ...recent];
    } else perDay = scoped = logs.perDay(query, grid);
  } else perDay = scoped = logs.perDay(query, grid);
  const total = perDay.reduce((sum, d) => sum + d.runs, 0);
  return {
    total,
    errors: perDay.reduce((sum, d) => sum + d.errors, 0),
    days: perDay.map((d) => ({ day: label(d.start), runs: d.runs, errors: d.errors })),
    latencyByVersion: latencyByVersion(logs, scope, scoped),
    ...(approximate ? { approximate: true as const } : {}),
  };
}

