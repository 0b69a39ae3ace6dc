import type { Db } from '../open';
import { VISIBLE } from './prompts-repo';
import type { DataLoggingLevel, RunSource, RunStatus } from '../../../shared/schemas/runs';
import { indexedSearchText } from '../../core/search/search-text';

/** One execution as stored; text fields are null unless the prompt logged them. */
export interface LogRecord {
  id: string;
  promptId: string | null;
  promptName: string;
  version: number | null;
  source: RunSource;
  userId: string | null;
  keyLabel: string | null;
  model: string;
  status: RunStatus;
  startedAt: number;
  latencyMs: number | null;
  ttftMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  dataLogging: DataLoggingLevel;
  variableNames: string | null;
  variables: string | null;
  messages: string | null;
  output: string | null;
  outputChars: number | null;
  error: string | null;
  conversationId: string | null;
  /** The saved test case whose values a test run used (core/readiness), if any. */
  testCaseId?: string | null;
}

export interface LogRow {
  seq: number;
  id: string;
  prompt_id: string | null;
  prompt_name: string;
  version: number | null;
  source: RunSource;
  user_id: string | null;
  key_label: string | null;
  model: string;
  status: RunStatus;
  started_at: number;
  latency_ms: number | null;
  ttft_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  data_logging: DataLoggingLevel;
  variable_names: string | null;
  variables: string | null;
  messages: string | null;
  output: string | null;
  output_chars: number | null;
  error: string | null;
  rating: 'useful' | 'not_useful' | null;
  rating_comment: string | null;
  conversation_id: string | null;
}

/** A filter resolved by the service: ids instead of names, millisecond bounds, an FTS query. */
export interface LogQuery {
  /** A member's id: only logs of prompts they may read, or runs they made. null for admins. */
  viewer: string | null;
  /**
   * Over the HTTP API: leave out the runs of prompts whose API access is off, which that door
   * treats as missing for everyone, admins and the member who ran them included.
   */
  apiExposedOnly?: boolean;
  promptId?: string;
  sources?: RunSource[];
  statuses?: RunStatus[];
  version?: number;
  userId?: string;
  model?: string;
  from?: number;
  to?: number;
  match?: string;
}

export interface Cursor {
  startedAt: number;
  seq: number;
}

// The list columns: everything but the big text fields, plus a short output preview.
const LIST_COLUMNS = `l.seq, l.id, l.prompt_id, l.prompt_name, l.version, l.source, l.user_id, l.key_label, l.model, l.status,
  l.started_at, l.latency_ms, l.ttft_ms, l.tokens_in, l.tokens_out, l.data_logging, l.error, l.rating, l.rating_comment,
  substr(l.output, 1, 160) AS output, l.output_chars`;

const DAY_MS = 86_400_000;

/**
 * A member sees logs of the prompts they may read plus their own runs. Pages test that per row
 * ('all'); counts split it into two disjoint parts that each have an index to walk: logs of
 * readable prompts ('shared', through the prompt index) and the member's own runs on other
 * prompts ('own', through the member index). Testing it per row over a million logs costs a
 * table lookup each; the split parts read index entries only.
 */
type Part = 'all' | 'shared' | 'own';

/** A query inside the repository: `minSeq`, when known, is at or below the seq of every row that can match. */
type Query = LogQuery & { minSeq?: number };

/**
 * How the text search joins the other filters. 'in': each candidate row is tested against the
 * matches, which SQLite materialises once per statement (many matches). 'drive': the matches
 * are read first and looked up (few matches). 'skip': left out, the caller merges (pages).
 */
type TextMode = 'in' | 'drive' | 'skip';

// Not correlated, so it runs once per statement instead of once per log row.
const READABLE_PROMPTS = `(SELECT p.id FROM prompts p WHERE ${VISIBLE.library})`;
// Runs of deleted prompts (their id no longer in prompts) are not API-off: they stay for whoever saw them.
const API_OFF_PROMPTS = '(SELECT p.id FROM prompts p WHERE p.api_access <> 1)';

/** WHERE fragments are fixed text; every value is a named parameter. */
function where(query: Query, params: Record<string, unknown>, part: Part = 'all', text: TextMode = 'in'): string {
  const parts: string[] = [];
  if (query.viewer !== null) {
    params['viewer'] = query.viewer;
    if (part === 'all') parts.push(`(l.user_id = :viewer OR l.prompt_id IN ${READABLE_PROMPTS})`);
    else if (part === 'shared') parts.push(`l.prompt_id IN ${READABLE_PROMPTS}`);
    else parts.push(`l.user_id = :viewer AND (l.prompt_id IS NULL OR l.prompt_id NOT IN ${READABLE_PROMPTS})`);
  }
  if (query.apiExposedOnly) parts.push(`(l.prompt_id IS NULL OR l.prompt_id NOT IN ${API_OFF_PROMPTS})`);
  if (query.promptId !== undefined) {
    params['promptId'] = query.promptId;
    parts.push('l.prompt_id = :promptId');
  }
  const list = (name: string, column: string, values: string[] | undefined) => {
    if (!values?.length) return;
    const names = values.map((v, i) => {
      params[`${name}${i}`] = v;
      return `:${name}${i}`;
    });
    parts.push(`l.${column} IN (${names.join(', ')})`);
  };
  list('source', 'source', query.sources);
  list('status', 'status', query.statuses);
  for (const [key, column] of [['version', 'version'], ['userId', 'user_id'], ['model', 'model'], ['from', 'started_at'], ['to', 'started_at']] as const) {
    if (query[key] === undefined) continue;
    params[key] = query[key];
    parts.push(`l.${column} ${key === 'from' ? '>=' : key === 'to' ? '<' : '='} :${key}`);
  }
  if (query.match !== undefined && text !== 'skip') {
    params['match'] = query.match;
    let floor = '';
    if (query.minSeq !== undefined) {
      // Only matches at or above the oldest candidate: FTS5 reads them newest first and stops
      // there (ORDER BY survives in an IN list only with a LIMIT). CAST: a JS number is bound
      // as REAL, and FTS5 ignores a rowid bound that is not an INTEGER.
      params['minSeq'] = query.minSeq;
      floor = ' AND rowid >= CAST(:minSeq AS INTEGER) ORDER BY rowid DESC LIMIT -1';
    }
    // The unary + keeps SQLite from driving the query off the match list when we want a walk.
    parts.push(`${text === 'in' ? '+' : ''}l.seq IN (SELECT rowid FROM run_logs_fts WHERE run_logs_fts MATCH :match${floor})`);
  }
  return parts.length ? parts.join(' AND ') : '1';
}

const partsOf = (query: Query): Part[] => (query.viewer === null ? ['all'] : ['shared', 'own']);

type Column = 'prompt_id' | 'version' | 'source' | 'status' | 'user_id' | 'model';

/** The log columns a query tests (started_at and seq are in every index). */
function columnsOf(query: Query, part: Part): Set<Column> {
  const columns = new Set<Column>();
  if (query.viewer !== null) columns.add('prompt_id').add('user_id');
  if (query.apiExposedOnly) columns.add('prompt_id');
  if (query.promptId !== undefined) columns.add('prompt_id');
  if (query.version !== undefined) columns.add('version');
  if (query.sources?.length) columns.add('source');
  if (query.statuses?.length) columns.add('status');
  if (query.userId !== undefined) columns.add('user_id');
  if (query.model !== undefined) columns.add('model');
  if (part === 'shared') columns.delete('user_id');
  return columns;
}

/**
 * The indexes of run_logs (migrations 0060, 0320): what leads each, which columns it carries, and a
 * guess at the share of rows one lead value selects. Nothing runs ANALYZE on a user's
 * database, so SQLite cannot tell a filter on one of 20 members from one on 2 of 4 sources
 * and often walked the time index with a table lookup per row, or sorted. Reading an index
 * entry costs ~0.05 µs, a lookup of the wide row ~2 µs: an index that carries every filtered
 * column is worth reading even if it is 20 times less selective.
 */
const INDEXES: { name: string; covers: Column[]; share: number; leads: (q: Query, part: Part, ordered: boolean) => boolean }[] = [
  { name: 'run_logs_prompt_version', covers: ['prompt_id', 'version', 'status'], share: 0.0003, leads: (q) => q.promptId !== undefined && q.version !== undefined },
  { name: 'run_logs_prompt', covers: ['prompt_id', 'status', 'source', 'model', 'user_id'], share: 0.001, leads: (q) => q.promptId !== undefined },
  { name: 'run_logs_user', covers: ['user_id', 'status', 'prompt_id', 'source', 'model'], share: 0.05, leads: (q, part) => q.userId !== undefined || part === 'own' },
  {
    name: 'run_logs_status',
    covers: ['status'],
    share: 0.06,
    leads: (q, _part, ordered) => !!q.statuses?.length && !q.statuses.includes('success') && (!ordered || q.statuses.length === 1),
  },
  // A member's readable prompts: several lead values, so rows come out of time order.
  { name: 'run_logs_prompt', covers: ['prompt_id', 'status', 'source', 'model', 'user_id'], share: 0.15, leads: (_q, part, ordered) => part === 'shared' && !ordered },
  { name: 'run_logs_model', covers: ['model', 'status', 'source'], share: 0.2, leads: (q) => q.model !== undefined },
  // Migration 0320: one version is a quarter of the logs or less, and this index carries every filtered column.
  { name: 'run_logs_version', covers: ['version', 'status', 'prompt_id', 'source', 'model', 'user_id'], share: 0.25, leads: (q) => q.version !== undefined },
  { name: 'run_logs_source', covers: ['source', 'status', 'model'], share: 0.3, leads: (q, _part, ordered) => !!q.sources?.length && (!ordered || q.sources.length === 1) },
  { name: 'run_logs_started', covers: ['status'], share: 1, leads: () => true },
];
const LOOKUP_COST = 20;

/**
 * The index a query walks, named with INDEXED BY: the cheapest by the guesses above. Every
 * index has started_at right after its lead, so one lead value walks it in page order and a
 * day is one range. `ordered`: the caller needs newest-first rows.
 */
function driver(query: Query, part: Part, ordered: boolean): string {
  const columns = [...columnsOf(query, part)];
  let best = INDEXES.at(-1)!;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const index of INDEXES) {
    if (!index.leads(query, part, ordered)) continue;
    const cost = index.share * (columns.every((c) => index.covers.includes(c)) ? 1 : LOOKUP_COST);
    if (cost < bestCost) [best, bestCost] = [index, cost];
  }
  return best.name;
}

/** Keyset condition; the redundant `started_at <=` bound lets the index seek to the cursor instead of re-reading every newer row. */
function cursorSql(cursor: Cursor | null, params: Record<string, unknown>): string {
  if (!cursor) return '';
  Object.assign(params, { cursorAt: cursor.startedAt, cursorSeq: cursor.seq });
  return ' AND l.started_at <= :cursorAt AND (l.started_at < :cursorAt OR l.seq < :cursorSeq)';
}

/**
 * toMatchQuery's words are prefixes ("refund"*). Beyond the prefix indexes (1-3 characters, see
 * migration 0060) FTS5 answers a prefix by merging the lists of every term that starts with it
 * into one list in memory before it returns a row (tens of ms for a word in half the logs, and
 * again on every lookup by rowid), whereas a plain term is read lazily, newest first. So each
 * longer plain ASCII word is swapped for the terms of the index that start with it ("refund" OR
 * "refunds"); the unicode61 tokenizer only lower-cases such words, so the terms are exactly
 * those the prefix matched. A word with no terms means no match at all (null); one with many
 * terms, or any other character, keeps its prefix form.
 */
const MAX_TERMS = 32;
const PREFIX_INDEXED = 3;
/** Below this many matches a page or a count reads the matches first (see TextMode). */
const SMALL_MATCH = 2_000;
/** The same for per-day counts, which otherwise test every candidate row against the matches. */
const STATS_SMALL_MATCH = 20_000;

/** A run a filter matches, with the columns the statistics read (logsRepo.fewCandidateRuns). */
export interface StatsRun {
  seq: number;
  started_at: number;
  status: RunStatus;
  prompt_name: string;
  version: number | null;
  latency_ms: number | null;
}

export interface LatencySample {
  prompt_name: string;
  version: number | null;
  latency_ms: number;
}

/** The finished runs of one prompt version (by the name the runs recorded) that a filter matches. */
export interface LatencyGroup {
  prompt: string;
  version: number | null;
  runs: number;
}

/** A group with the latencies (ms) at the positions asked for, in the order asked. */
export interface LatencyRanked extends LatencyGroup {
  values: number[];
}

export interface LogsRepoDay {
  /** The day's first millisecond (epoch ms). */
  start: number;
  runs: number;
  errors: number;
}

/** Calendar days on the time line: UTC days, or a time zone's (23 to 25 hours long). */
export interface DayGrid {
  /** The first millisecond of the day holding `ms`. */
  startOf(ms: number): number;
  /** The first millisecond of the day after the one starting at `start`. */
  next(start: number): number;
  /**
   * The zone's UTC offsets over the instants `from`..`to` (ms), oldest first: each piece's
   * `offset` (ms, added to an instant gives its wall clock) holds before its `until` (ms, the
   * first instant of the next piece; Infinity for the last). The local day of an instant `t` is
   * `floor((t + offset) / 86,400,000)`, which lets SQL group by day with a short CASE.
   */
  offsets(from: number, to: number): ZoneOffset[];
}

/** One stretch of a zone's time line with one UTC offset (see DayGrid.offsets). */
export interface ZoneOffset {
  offset: number;
  until: number;
}

/** UTC days: arithmetic, and the queries below keep their plain day-number form for them. */
export const UTC_DAYS: DayGrid = {
  startOf: (ms) => Math.floor(ms / DAY_MS) * DAY_MS,
  next: (start) => start + DAY_MS,
  offsets: () => [{ offset: 0, until: Infinity }],
};

export function logsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO run_logs (id, prompt_id, prompt_name, version, source, user_id, key_label, model, status,
    started_at, latency_ms, ttft_ms, tokens_in, tokens_out, data_logging, variable_names, variables, messages, output, output_chars, error, conversation_id, test_case_id)
    VALUES (@id, @promptId, @promptName, @version, @source, @userId, @keyLabel, @model, @status, @startedAt, @latencyMs, @ttftMs,
    @tokensIn, @tokensOut, @dataLogging, @variableNames, @variables, @messages, @output, @outputChars, @error, @conversationId, @testCaseId)`);
  // The readiness checklist's two counts, each read from its partial index (migration 0150).
  const usefulRaters = db.prepare<[string, number], { user_id: string; rated_at: number }>(
    `SELECT user_id, max(started_at) AS rated_at FROM run_logs INDEXED BY run_logs_useful
     WHERE prompt_id = ? AND version = ? AND rating = 'useful' AND user_id IS NOT NULL AND rated_by = user_id AND source <> 'refine'
     GROUP BY user_id ORDER BY rated_at`,
  );
  const passedCases = db.prepare<[string, number], string>(
    `SELECT DISTINCT test_case_id FROM run_logs INDEXED BY run_logs_test_cases
     WHERE prompt_id = ? AND version = ? AND test_case_id IS NOT NULL AND status = 'success'`,
  ).pluck();
  const index = db.prepare('INSERT INTO run_logs_fts (rowid, variables, output) VALUES (?, ?, ?)');
  const byId = db.prepare<[string], LogRow>('SELECT * FROM run_logs WHERE id = ?');
  const rate = db.prepare('UPDATE run_logs SET rating = ?, rating_comment = ?, rated_by = ? WHERE id = ?');
  // The index holds indexedSearchText of each column (core/search), so deleting gives it the same.
  db.function('search_text', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? indexedSearchText(value) : null));
  const unindexOld = db.prepare(`INSERT INTO run_logs_fts (run_logs_fts, rowid, variables, output)
    SELECT 'delete', seq, search_text(variables), search_text(output) FROM run_logs WHERE started_at < ? AND (variables IS NOT NULL OR output IS NOT NULL)`);
  const deleteOld = db.prepare('DELETE FROM run_logs WHERE started_at < ?');
  // Error text is not in the text index, so rewriting it needs no reindexing.
  const errorsAfter = db.prepare<[number, number], { seq: number; error: string }>(
    "SELECT seq, error FROM run_logs WHERE seq > ? AND error IS NOT NULL ORDER BY seq LIMIT ?",
  );
  const setError = db.prepare('UPDATE run_logs SET error = ? WHERE seq = ?');
  // The terms of the text index, for expanding prefixes (a per-connection view, nothing stored).
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.run_logs_fts_terms USING fts5vocab(main, run_logs_fts, 'row')`);
  const termsFrom = db.prepare<[string, string, number], string>('SELECT term FROM temp.run_logs_fts_terms WHERE term >= ? AND term < ? LIMIT ?').pluck();
  const countUpTo = db.prepare<[string, number], number>('SELECT count(*) FROM (SELECT 1 FROM run_logs_fts WHERE run_logs_fts MATCH ? LIMIT ?)').pluck();
  const matchesNewestFirst = db.prepare<[string], number>('SELECT rowid FROM run_logs_fts WHERE run_logs_fts MATCH ? ORDER BY rowid DESC').pluck();
  // CAST: better-sqlite3 binds a JS number as REAL, and FTS5 ignores a rowid constraint that is
  // not an INTEGER (it then answered every match, not that row).
  const isMatch = db.prepare<[string, number], number>('SELECT 1 FROM run_logs_fts WHERE run_logs_fts MATCH ? AND rowid = CAST(? AS INTEGER)').pluck();
  // Two subqueries: SQLite reads min() or max() from an end of the index only when it is alone.
  const bounds = db.prepare<[], { lo: number | null; hi: number | null }>('SELECT (SELECT min(started_at) FROM run_logs) AS lo, (SELECT max(started_at) FROM run_logs) AS hi');
  const lowestSeqSince = db.prepare<[number], number | null>('SELECT min(seq) FROM run_logs INDEXED BY run_logs_started WHERE started_at >= ?').pluck();
  // Index entries only (the rowid order would read the wide rows).
  const startOfNewest = db.prepare<[number], number>('SELECT started_at FROM run_logs INDEXED BY run_logs_started ORDER BY started_at DESC LIMIT 1 OFFSET ?').pluck();
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  /** The match with its prefixes expanded to plain terms (see MAX_TERMS); null when nothing can match. */
  function expand(match: string): string | null {
    const words = [...match.matchAll(/"((?:[^"]|"")*)"\*/g)];
    if (words.map((w) => w[0]).join(' ') !== match) return match; // not toMatchQuery's shape: leave it
    const groups: string[] = [];
    for (const [whole, word] of words) {
      if (!/^[A-Za-z0-9]+$/.test(word!) || word!.length <= PREFIX_INDEXED) {
        groups.push(whole);
        continue;
      }
      const prefix = word!.toLowerCase();
      const next = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      const terms = termsFrom.all(prefix, next, MAX_TERMS + 1);
      if (terms.length === 0) return null;
      const quoted = terms.map((t) => `"${t.replace(/"/g, '""')}"`);
      groups.push(terms.length > MAX_TERMS ? whole : quoted.length === 1 ? quoted[0]! : `(${quoted.join(' OR ')})`);
    }
    return groups.join(' AND ');
  }

  /** The query with its text search expanded; null when it matches nothing. */
  function withMatch(query: LogQuery): Query | null {
    if (query.match === undefined) return query;
    const match = expand(query.match);
    return match === null ? null : { ...query, match };
  }

  /** Fewer than `limit` matches: cheaper to read them first and look the rows up than to test rows against them. */
  const few = (match: string, limit: number) => countUpTo.get(match, limit)! < limit;

  /**
   * The candidate rows (every filter but the text search, newest first, seq first) that the
   * search matches, lazily. Matches are read newest first alongside: seq grows with time, so
   * both lists move down together and a candidate's seq is looked up among the matches read so
   * far. Where candidates lie far apart (one prompt's runs), reading every match in between
   * costs more than asking FTS5 about that one rowid, so then it asks. Exact whatever the order
   * of seq: every match at or above `low` has been read.
   */
  function* matching<T extends unknown[]>(openCandidates: () => IterableIterator<T>, match: string): Generator<T> {
    const candidates = openCandidates();
    const matches = matchesNewestFirst.iterate(match);
    const seen = new Set<number>();
    let low = Number.POSITIVE_INFINITY;
    let high = 0;
    let read = 0;
    let exhausted = false;
    try {
      for (const row of candidates) {
        const seq = row[0] as number;
        const known = () => exhausted || seq >= low;
        // Reading on costs ~0.3 µs a match; asking about one rowid 30-80 µs (each segment of the index is searched).
        while (!known() && !(read >= 32 && ((low - seq) * read) / (high - low + 1) > 150)) {
          const next = matches.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          if (read++ === 0) high = next.value;
          low = next.value;
          seen.add(next.value);
        }
        if (known() ? seen.has(seq) : isMatch.get(match, seq) !== undefined) yield row;
      }
    } finally {
      matches.return?.();
      candidates.return?.();
    }
  }

  const take = <T>(items: Iterator<T>, n: number): T[] => {
    const out: T[] = [];
    while (out.length < n) {
      const next = items.next();
      if (next.done) break;
      out.push(next.value);
    }
    return out;
  };

  const NEWEST_FIRST = ' ORDER BY l.started_at DESC, l.seq DESC';
  /** One arm per part, newest first; two parts are merged by SQLite. */
  const newestFirst = (arms: string[]) =>
    arms.length === 1 ? `${arms[0]}${NEWEST_FIRST}` : `SELECT * FROM (${arms.join(' UNION ALL ')}) ORDER BY started_at DESC, seq DESC`;
  const bySeq = (select: string) => `SELECT ${select} FROM run_logs l WHERE l.seq IN (SELECT value FROM json_each(?))${NEWEST_FIRST}`;

  const onlyText = (q: Query) =>
    q.viewer === null && !q.apiExposedOnly && q.promptId === undefined && !q.sources?.length && !q.statuses?.length && q.version === undefined && q.userId === undefined && q.model === undefined;

  /** Adds `minSeq` when a time bound (the filter's, or `since`) makes the text search's list shorter (see where()). */
  function withFloor(query: Query, since: number | null = null): Query {
    const from = Math.max(query.from ?? Number.NEGATIVE_INFINITY, since ?? Number.NEGATIVE_INFINITY);
    if (query.match === undefined || from === Number.NEGATIVE_INFINITY) return query;
    const minSeq = lowestSeqSince.get(from);
    return minSeq === null || minSeq === undefined ? query : { ...query, minSeq };
  }

  return {
    /** Many records in one transaction: the group commit of the log writer. */
    insertMany: db.transaction((records: LogRecord[]) => {
      for (const record of records) {
        const { lastInsertRowid } = insert.run({ ...record, testCaseId: record.testCaseId ?? null });
        if (record.variables !== null || record.output !== null) index.run(lastInsertRowid, indexedSearchText(record.variables), indexedSearchText(record.output));
      }
    }),
    get: (id: string) => byId.get(id),
    /** Sets (or, with rating null, clears) a run's rating and who gave it (migration 0180). */
    rate: (id: string, rating: string | null, comment: string | null, ratedBy: string | null) => rate.run(rating, comment, rating === null ? null : ratedBy, id).changes > 0,
    /** Members who rated a run of this prompt version "useful" (a Refine turn is not a run of it), with the start of their newest such run (ms). */
    usefulRaters: (promptId: string, version: number) => usefulRaters.all(promptId, version),
    /** Ids of the test cases this prompt version has at least one successful run on. */
    passedTestCases: (promptId: string, version: number) => new Set(passedCases.all(promptId, version)),
    /** Newest first, keyset-paged: `(started_at, seq)` below the cursor. */
    page(input: LogQuery, cursor: Cursor | null, limit: number, columns: 'list' | 'all' = 'list'): LogRow[] {
      const query = withMatch(input);
      if (!query) return [];
      const select = columns === 'list' ? LIST_COLUMNS : 'l.*';
      const params: Record<string, unknown> = { limit };
      if (query.match === undefined || few(query.match, SMALL_MATCH)) {
        const from = query.match === undefined ? `run_logs l INDEXED BY ${driver(query, 'all', true)}` : 'run_logs l';
        return prepared(`SELECT ${select} FROM ${from} WHERE ${where(query, params, 'all', 'drive')}${cursorSql(cursor, params)}${NEWEST_FIRST} LIMIT :limit`).all(
          params,
        ) as LogRow[];
      }
      // Many matches: walk the other filters newest first and keep what the search matches.
      delete params['limit'];
      const candidates = prepared(
        `SELECT l.seq FROM run_logs l INDEXED BY ${driver(query, 'all', true)} WHERE ${where(query, params, 'all', 'skip')}${cursorSql(cursor, params)}${NEWEST_FIRST}`,
      );
      const kept = matching(() => candidates.raw(true).iterate(params) as IterableIterator<[number]>, query.match);
      let seqs: number[];
      try {
        seqs = take(kept, limit).map((r) => r[0]);
      } finally {
        kept.return(undefined); // closes both statements
      }
      return seqs.length === 0 ? [] : (prepared(bySeq(select)).all(JSON.stringify(seqs)) as LogRow[]);
    },
    count(input: LogQuery): number {
      const found = withMatch(input);
      if (!found) return 0;
      const params: Record<string, unknown> = {};
      if (found.match !== undefined && few(found.match, SMALL_MATCH)) {
        return (prepared(`SELECT count(*) AS n FROM run_logs l WHERE ${where(found, params, 'all', 'drive')}`).get(params) as { n: number }).n;
      }
      const query = withFloor(found);
      const arms = partsOf(query).map((part) => `(SELECT count(*) FROM run_logs l INDEXED BY ${driver(query, part, false)} WHERE ${where(query, params, part)})`);
      return (prepared(`SELECT ${arms.join(' + ')} AS n`).get(params) as { n: number }).n;
    },
    /**
     * Runs and errors per day of `grid` (UTC days unless a zone's are given), days with runs only. Counted a day at a time over the
     * driving index's (lead, started_at) range rather than with GROUP BY: SQLite does not know
     * the day follows started_at and sorted every matching row to group them (175 ms for a
     * million); a range count per day reads the index in place, errors included (status is in
     * every index), in one pass.
     */
    perDay(input: LogQuery, grid: DayGrid = UTC_DAYS): LogsRepoDay[] {
      const found = withMatch(input);
      if (!found) return [];
      const params: Record<string, unknown> = {};
      const days = (rows: LogsRepoDay[]) => rows.filter((d) => d.runs > 0);
      const utc = grid === UTC_DAYS;
      if (found.match !== undefined && few(found.match, STATS_SMALL_MATCH)) {
        // Few matches: read them and group them in SQL by local day number, started_at plus the
        // zone's offset (one CASE arm per clock change in the span, worked out once), so a zone
        // costs what UTC does; a day's start is then worked out once per day, not per row.
        const { lo, hi } = bounds.get()!;
        if (lo === null || hi === null) return [];
        const pieces = grid.offsets(Math.max(lo, found.from ?? lo), Math.max(lo, Math.min(hi, (found.to ?? hi + 1) - 1)));
        // CAST: a JS number is bound as REAL, which would make the division below a real one.
        const arms = pieces.slice(0, -1).map((piece, i) => {
          Object.assign(params, { [`until${i}`]: piece.until, [`offset${i}`]: piece.offset });
          return `WHEN l.started_at < :until${i} THEN CAST(:offset${i} AS INTEGER) `;
        });
        params['offsetLast'] = pieces.at(-1)!.offset;
        const offset = arms.length === 0 ? 'CAST(:offsetLast AS INTEGER)' : `CASE ${arms.join('')}ELSE CAST(:offsetLast AS INTEGER) END`;
        const rows = prepared(
          `SELECT (l.started_at + ${offset}) / ${DAY_MS} AS day, min(l.started_at) AS at, count(*) AS runs, count(CASE WHEN l.status = 'error' THEN 1 END) AS errors
            FROM run_logs l WHERE ${where(found, params, 'all', 'drive')} GROUP BY day ORDER BY day`,
        ).all(params) as { day: number; at: number; runs: number; errors: number }[];
        return days(rows.map(({ day, at, runs, errors }) => ({ start: utc ? day * DAY_MS : grid.startOf(at), runs, errors })));
      }
      const query = withFloor(found);
      const { lo, hi } = bounds.get()!;
      if (lo === null || hi === null) return [];
      const firstAt = Math.max(lo, query.from ?? lo);
      const lastAt = Math.min(hi, (query.to ?? hi + 1) - 1);
      if (firstAt > lastAt) return [];
      let daysSql: string;
      let dayStart: string;
      let dayEnd: string;
      if (utc) {
        Object.assign(params, { firstDay: Math.floor(firstAt / DAY_MS), lastDay: Math.floor(lastAt / DAY_MS) });
        daysSql = 'WITH RECURSIVE days(d) AS (SELECT :firstDay UNION ALL SELECT d + 1 FROM days WHERE d < :lastDay)';
        [dayStart, dayEnd] = [`d * ${DAY_MS}`, `(d + 1) * ${DAY_MS}`];
      } else {
        // The zone's day edges, worked out here (they move with daylight saving), one row each.
        const edges: [number, number][] = [];
        for (let start = grid.startOf(firstAt); start <= lastAt; start = grid.next(start)) edges.push([start, grid.next(start)]);
        params['dayEdges'] = JSON.stringify(edges);
        daysSql = "WITH days(d, e) AS (SELECT value ->> 0, value ->> 1 FROM json_each(:dayEdges))";
        [dayStart, dayEnd] = ['d', 'e'];
      }
      const arms = partsOf(query).map(
        (part) => `(SELECT json_array(count(*), count(CASE WHEN l.status = 'error' THEN 1 END)) FROM run_logs l INDEXED BY ${driver(query, part, false)}
          WHERE l.started_at >= ${dayStart} AND l.started_at < ${dayEnd} AND ${where(query, params, part)})`,
      );
      const rows = prepared(`${daysSql} SELECT d, ${arms.join(', ')} FROM days`)
        .raw(true)
        .all(params) as [number, ...string[]][];
      return days(
        rows.map(([day, ...counts]) => {
          const sums = counts.map((c) => JSON.parse(c) as [number, number]);
          return { start: utc ? day * DAY_MS : day, runs: sums.reduce((n, [runs]) => n + runs, 0), errors: sums.reduce((n, [, errors]) => n + errors, 0) };
        }),
      );
    },
    /**
     * Latencies of the newest `limit` finished runs, for percentiles. `since` (ms), from the
     * per-day counts, is where those runs begin: it bounds the walk (which otherwise went on
     * through every older row when fewer than `limit` matched) and the list of text matches.
     */
    latencies(input: LogQuery, limit: number, since: number | null = null): LatencySample[] {
      const found = withMatch(input);
      if (!found) return [];
      const params: Record<string, unknown> = {};
      const bound = since === null ? '' : ' AND l.started_at >= :since';
      if (since !== null) params['since'] = since;
      const select = 'SELECT l.prompt_name, l.version, l.latency_ms, l.started_at, l.seq FROM run_logs l';
      let arms: string[];
      if (found.match !== undefined && few(found.match, SMALL_MATCH)) {
        arms = [`${select} WHERE ${where(found, params, 'all', 'drive')}${bound}`];
      } else if (found.match !== undefined && onlyText(found)) {
        // Nothing but the search (and dates): every match since `since` is a sample, so read
        // those matches and look them up, rather than walk every row since then testing each.
        arms = [`${select} WHERE ${where(withFloor(found, since), params, 'all', 'drive')}${bound}`];
      } else {
        const query = withFloor(found, since);
        arms = partsOf(query).map((part) => `${select} INDEXED BY ${driver(query, part, part === 'all')} WHERE ${where(query, params, part)}${bound}`);
      }
      // `latency_ms IS NOT NULL` is left to the loop below: SQLite tests plain column terms
      // before subqueries, so in SQL it looked up every candidate row before the index-only
      // tests (a member's readable prompts) could drop it, four times the work.
      const statement = prepared(`${newestFirst(arms)} LIMIT :limit`);
      // A quarter more than asked for at first: with runs still going (or failed before any
      // latency) among the newest, asking for exactly `limit` came up short and every statement
      // ran twice (bench:stats, a member's text search: 2 x 30 ms).
      for (let n = Math.ceil(limit * 1.25); ; n *= 2) {
        const rows = statement.all({ ...params, limit: n }) as (Omit<LatencySample, 'latency_ms'> & { latency_ms: number | null })[];
        const finished = rows.filter((r): r is LatencySample => r.latency_ms !== null);
        if (finished.length >= limit || rows.length < n) return finished.slice(0, limit);
      }
    },
    /**
     * Exact latency order statistics of the given prompt versions (by the name the runs
     * recorded), over every finished run of each the filter matches: its run count, and the
     * latencies (ms) at the 0-based positions `ranks(runs)` names in its ascending latencies.
     * Read from the run_logs_latency index (migration 0310, sorted by name, version, latency,
     * carrying every filtered column): a version's runs are counted over its range, a position
     * read by one ORDER BY latency OFFSET walk from the nearer end. With a text search, the
     * matching runs of those versions are read once and sorted here.
     */
    latencyRanks(input: LogQuery, groups: { prompt: string; version: number | null }[], ranks: (runs: number) => number[]): LatencyRanked[] {
      const found = withMatch(input);
      if (!found || groups.length === 0) return [];
      const params: Record<string, unknown> = {};
      const finished = 'l.latency_ms IS NOT NULL';
      if (found.match !== undefined) {
        const mode: TextMode = few(found.match, STATS_SMALL_MATCH) ? 'drive' : 'in';
        params['groups'] = JSON.stringify(groups.map((g) => [g.prompt, g.version]));
        // Few matches: read them and keep those of the versions. Many: walk each version's index
        // range (CROSS JOIN keeps the versions outside), not the whole index, testing the matches.
        const sql =
          mode === 'drive'
            ? `SELECT l.prompt_name, l.version, l.latency_ms FROM run_logs l WHERE ${finished} AND ${where(withFloor(found), params, 'all', mode)}
                AND EXISTS (SELECT 1 FROM json_each(:groups) g WHERE g.value ->> 0 = l.prompt_name AND g.value ->> 1 IS l.version)`
            : `SELECT l.prompt_name, l.version, l.latency_ms FROM json_each(:groups) g CROSS JOIN run_logs l INDEXED BY run_logs_latency
                ON l.prompt_name = g.value ->> 0 AND l.version IS g.value ->> 1 WHERE ${finished} AND ${where(withFloor(found), params, 'all', mode)}`;
        const rows = prepared(sql)
          .raw(true)
          .all(params) as [string, number | null, number][];
        const byGroup = new Map<string, number[]>();
        for (const [prompt, version, latency] of rows) {
          const key = `${prompt}\u0000${version}`;
          let list = byGroup.get(key);
          if (!list) byGroup.set(key, (list = []));
          list.push(latency);
        }
        return groups.map(({ prompt, version }) => {
          const sorted = (byGroup.get(`${prompt}\u0000${version}`) ?? []).sort((a, b) => a - b);
          return { prompt, version, runs: sorted.length, values: sorted.length === 0 ? [] : ranks(sorted.length).map((k) => sorted[k]!) };
        });
      }
      const scope = `l.prompt_name = :groupPrompt AND l.version IS :groupVersion AND ${finished} AND ${where(found, params, 'all')}`;
      const count = prepared(`SELECT count(*) FROM run_logs l INDEXED BY run_logs_latency WHERE ${scope}`).pluck();
      const up = prepared(`SELECT l.latency_ms FROM run_logs l INDEXED BY run_logs_latency WHERE ${scope} ORDER BY l.latency_ms LIMIT 1 OFFSET :rank`).pluck();
      const down = prepared(`SELECT l.latency_ms FROM run_logs l INDEXED BY run_logs_latency WHERE ${scope} ORDER BY l.latency_ms DESC LIMIT 1 OFFSET :rank`).pluck();
      return groups.map(({ prompt, version }) => {
        const at = { ...params, groupPrompt: prompt, groupVersion: version };
        const runs = count.get(at) as number;
        if (runs === 0) return { prompt, version, runs, values: [] };
        // From the nearer end: p95 walks 5% of the version's runs, not 95%.
        const values = ranks(runs).map((rank) => (rank < runs / 2 ? up.get({ ...at, rank }) : down.get({ ...at, rank: runs - 1 - rank })) as number);
        return { prompt, version, runs, values };
      });
    },
    /**
     * Every run a filter with a text search matches, read in one statement, when its other
     * filters (visibility included) keep at most `limit` runs; null when they keep more, or
     * there is no text search. Unordered.
     *
     * Why: with a search matching most logs (900,000 of 1,000,000) and a narrow filter (one
     * prompt, a member's errors), the per-day, sample and percentile statements each tested the
     * filter's rows against the full list of matches, which SQLite materialises per statement
     * (~100 ms each; bench:stats). Here the candidates' seqs are read from the filter's index
     * (index entries only), the matches read once, in FTS order, each tested against that short
     * list, and only the runs in both are looked up. Measured on 1,000,000 logs: ~50 ms for one
     * prompt's 3,137 runs; asking FTS5 about each candidate instead (`MATCH ? AND rowid = ?`)
     * costs ~43 µs a row (every term in every segment is sought), 135 ms for the same prompt, and
     * the list of 900,000 matches SQLite builds to test candidates against ~100 ms.
     */
    fewCandidateRuns(input: LogQuery, limit: number): StatsRun[] | null {
      if (input.match === undefined) return null;
      const { match: _match, ...withoutText } = input;
      const params: Record<string, unknown> = { limit: limit + 1 };
      const arms = partsOf(withoutText).map(
        (part) => `SELECT l.seq FROM run_logs l INDEXED BY ${driver(withoutText, part, false)} WHERE ${where(withoutText, params, part, 'skip')}`,
      );
      // Read once, capped: a few more index entries than `limit` say the filter is not narrow. (A
      // member's visibility arms cost ~0.3 µs an entry: walked once, not again in the statement below.)
      const candidates = prepared(`${arms.join(' UNION ALL ')} LIMIT :limit`)
        .pluck()
        .all(params) as number[];
      if (candidates.length > limit) return null;
      const found = withMatch(input);
      if (!found || candidates.length === 0) return [];
      let [lowest, highest] = [Infinity, -Infinity];
      for (const seq of candidates) [lowest, highest] = [Math.min(lowest, seq), Math.max(highest, seq)];
      // The unary + keeps FTS5 from being asked about each candidate rowid (the slow probe above):
      // it reads its matches between the candidates' lowest and highest seq (a date filter's span;
      // CAST: see where()), and SQLite tests each against the candidates' list.
      return prepared(
        `SELECT l.seq, l.started_at, l.status, l.prompt_name, l.version, l.latency_ms FROM run_logs l
          WHERE l.seq IN (SELECT rowid FROM run_logs_fts WHERE run_logs_fts MATCH :match
            AND rowid >= CAST(:lowest AS INTEGER) AND rowid <= CAST(:highest AS INTEGER) AND +rowid IN (SELECT value FROM json_each(:candidates)))`,
      ).all({ match: found.match, lowest, highest, candidates: JSON.stringify(candidates) }) as StatsRun[];
    },
    /** When the newest `runs` logged runs (any filter left out) begin (ms); null when there are fewer. */
    startOfNewest: (runs: number): number | null => startOfNewest.get(Math.max(0, runs - 1)) ?? null,
    /** Whether the filter's text search matches at least `limit` runs (its other filters left out); false without a search. */
    matchesAtLeast(input: LogQuery, limit: number): boolean {
      if (input.match === undefined) return false;
      const found = withMatch(input);
      return found !== null && !few(found.match!, limit);
    },
    /** Logged error texts in seq order, after `afterSeq`, a page of at most `limit`. */
    errorsAfter: (afterSeq: number, limit: number) => errorsAfter.all(afterSeq, limit),
    /** Replaces the error text of the given logs (seq -> text), in one transaction. */
    rewriteErrors: db.transaction((rows: { seq: number; error: string }[]) => {
      for (const row of rows) setError.run(row.error, row.seq);
    }),
    /** Deletes logs that started before `before` (ms), keeping the text index in step. */
    purgeBefore: db.transaction((before: number): number => {
      unindexOld.run(before);
      return deleteOld.run(before).changes;
    }),
  };
}
