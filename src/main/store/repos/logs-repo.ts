import type { Db } from '../open';
import { VISIBLE } from './prompts-repo';
import type { DataLoggingLevel, RunSource, RunStatus } from '../../../shared/schemas/runs';

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

/** WHERE fragments are fixed text; every value is a named parameter. */
function where(query: LogQuery, params: Record<string, unknown>): string {
  const parts: string[] = [];
  if (query.viewer !== null) {
    params['viewer'] = query.viewer;
    parts.push(`(l.user_id = :viewer OR EXISTS (SELECT 1 FROM prompts p WHERE p.id = l.prompt_id AND ${VISIBLE.library}))`);
  }
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
  if (query.match !== undefined) {
    params['match'] = query.match;
    parts.push('l.seq IN (SELECT rowid FROM run_logs_fts WHERE run_logs_fts MATCH :match)');
  }
  return parts.length ? parts.join(' AND ') : '1';
}

export function logsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO run_logs (id, prompt_id, prompt_name, version, source, user_id, key_label, model, status,
    started_at, latency_ms, ttft_ms, tokens_in, tokens_out, data_logging, variable_names, variables, messages, output, output_chars, error, conversation_id)
    VALUES (@id, @promptId, @promptName, @version, @source, @userId, @keyLabel, @model, @status, @startedAt, @latencyMs, @ttftMs,
    @tokensIn, @tokensOut, @dataLogging, @variableNames, @variables, @messages, @output, @outputChars, @error, @conversationId)`);
  const index = db.prepare('INSERT INTO run_logs_fts (rowid, variables, output) VALUES (?, ?, ?)');
  const byId = db.prepare<[string], LogRow>('SELECT * FROM run_logs WHERE id = ?');
  const rate = db.prepare('UPDATE run_logs SET rating = ?, rating_comment = ? WHERE id = ?');
  const unindexOld = db.prepare(`INSERT INTO run_logs_fts (run_logs_fts, rowid, variables, output)
    SELECT 'delete', seq, variables, output FROM run_logs WHERE started_at < ? AND (variables IS NOT NULL OR output IS NOT NULL)`);
  const deleteOld = db.prepare('DELETE FROM run_logs WHERE started_at < ?');
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  return {
    /** Many records in one transaction: the group commit of the log writer. */
    insertMany: db.transaction((records: LogRecord[]) => {
      for (const record of records) {
        const { lastInsertRowid } = insert.run(record);
        if (record.variables !== null || record.output !== null) index.run(lastInsertRowid, record.variables, record.output);
      }
    }),
    get: (id: string) => byId.get(id),
    rate: (id: string, rating: string | null, comment: string | null) => rate.run(rating, comment, id).changes > 0,
    /** Newest first, keyset-paged: `(started_at, seq)` below the cursor. */
    page(query: LogQuery, cursor: Cursor | null, limit: number, columns: 'list' | 'all' = 'list'): LogRow[] {
      const params: Record<string, unknown> = { limit };
      let sql = `SELECT ${columns === 'list' ? LIST_COLUMNS : 'l.*'} FROM run_logs l WHERE ${where(query, params)}`;
      if (cursor) {
        Object.assign(params, { cursorAt: cursor.startedAt, cursorSeq: cursor.seq });
        sql += ' AND (l.started_at < :cursorAt OR (l.started_at = :cursorAt AND l.seq < :cursorSeq))';
      }
      return prepared(`${sql} ORDER BY l.started_at DESC, l.seq DESC LIMIT :limit`).all(params) as LogRow[];
    },
    count(query: LogQuery): number {
      const params: Record<string, unknown> = {};
      return (prepared(`SELECT count(*) AS n FROM run_logs l WHERE ${where(query, params)}`).get(params) as { n: number }).n;
    },
    /** Runs per UTC day (and per day with errors when `query.statuses` is ['error']). */
    perDay(query: LogQuery): { day: number; runs: number }[] {
      const params: Record<string, unknown> = {};
      return prepared(
        `SELECT l.started_at / 86400000 AS day, count(*) AS runs FROM run_logs l WHERE ${where(query, params)} GROUP BY day ORDER BY day`,
      ).all(params) as { day: number; runs: number }[];
    },
    /** Latencies of the newest `limit` finished runs, grouped by prompt and version, for percentiles. */
    latencies(query: LogQuery, limit: number): { prompt_name: string; version: number | null; latency_ms: number }[] {
      const params: Record<string, unknown> = { limit };
      return prepared(
        `SELECT prompt_name, version, latency_ms FROM (SELECT l.prompt_name, l.version, l.latency_ms FROM run_logs l
          WHERE ${where(query, params)} AND l.latency_ms IS NOT NULL ORDER BY l.started_at DESC LIMIT :limit)`,
      ).all(params) as { prompt_name: string; version: number | null; latency_ms: number }[];
    },
    /** Deletes logs that started before `before` (ms), keeping the text index in step. */
    purgeBefore: db.transaction((before: number): number => {
      unindexOld.run(before);
      return deleteOld.run(before).changes;
    }),
  };
}
