import { z } from 'zod';
import { RUN_SOURCES, RUN_STATUSES } from './runs';
import type { DataLoggingLevel, RunSource, RunStatus } from './runs';
import type { ChatMessage } from '../template/template';
import { InstantSchema } from './instant';

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).max(10)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

/** The same filter for the Logs screens, `GET /api/v1/logs`, counts, charts and export. */
export const LogFilterSchema = z.object({
  prompt: z.string().max(200).optional(),
  source: oneOrMany(z.enum(RUN_SOURCES, { message: `Sources are ${RUN_SOURCES.join(', ')}` })).optional(),
  status: oneOrMany(z.enum(RUN_STATUSES, { message: `Statuses are ${RUN_STATUSES.join(', ')}` })).optional(),
  version: z.coerce.number().int().min(1).optional(),
  userId: z.string().max(64).optional(),
  model: z.string().max(200).optional(),
  /** Inclusive start and exclusive end (see parseInstant): a bare date means its start (UTC); a date-time needs its offset. */
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  /** Full-text search over logged variables and outputs (prompts logging in full only). */
  q: z.string().trim().max(200).optional(),
});
export type LogFilter = z.input<typeof LogFilterSchema>;

/** The charts' input: the filter, and the IANA time zone whose calendar days the per-day counts follow (UTC when left out). */
export const LogStatsInput = LogFilterSchema.extend({
  tz: z.string().max(64).optional(),
  /** Wait for exact figures even where they take longer than the screen should wait (see LogStats.approximate). */
  exact: z.boolean().optional(),
});
export type LogStatsInput = z.input<typeof LogStatsInput>;

export const ListLogsInput = LogFilterSchema.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListLogsInput = z.input<typeof ListLogsInput>;

export const LogRefInput = z.object({ id: z.string().min(1).max(64) });

export const RateRunInput = z.object({
  id: z.string().min(1).max(64),
  /** null clears the rating. */
  rating: z.enum(['useful', 'not_useful']).nullable(),
  comment: z.string().trim().max(2000).optional(),
});

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export const ExportLogsInput = z.object({ filter: LogFilterSchema.default({}), format: z.enum(EXPORT_FORMATS) });
export const ExportRefInput = z.object({ exportId: z.string().min(1).max(64) });

export const RetentionInput = z.object({
  /** Keep logs this many days; null keeps them forever. */
  days: z.number().int().min(1).max(36_500).nullable(),
});

export interface LogEntry {
  id: string;
  prompt: string;
  promptId: string | null;
  version: number | null;
  source: RunSource;
  user: { id: string; name: string } | null;
  keyLabel: string | null;
  model: string;
  status: RunStatus;
  startedAt: string;
  latencyMs: number | null;
  ttftMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  dataLogging: DataLoggingLevel;
  rating: 'useful' | 'not_useful' | null;
  ratingComment: string | null;
  error: string | null;
  /** First characters of the output (full logging only). */
  outputPreview: string | null;
}

export interface LogDetail extends LogEntry {
  /** null unless the prompt logged in full when it ran; with metadata, only the names. */
  variables: Record<string, unknown> | null;
  variableNames: string[] | null;
  messages: ChatMessage[] | null;
  /** True when `messages` is null because the caller may run the prompt but not read its text. */
  messagesWithheld?: boolean;
  output: string | null;
  outputChars: number | null;
  conversationId: string | null;
}

export interface LogPage {
  items: LogEntry[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

export interface LogStats {
  total: number;
  errors: number;
  days: { day: string; runs: number; errors: number }[];
  /** Latency percentiles per version (milliseconds, to two significant digits). */
  latencyByVersion: { prompt: string; version: number | null; runs: number; p50: number | null; p95: number | null }[];
  /**
   * Present (true) when the figures are estimates: a text search matching many runs cannot be
   * counted exactly in the time the screen waits, so the newest runs are counted exactly and the
   * older days scaled by the share of them that matched. Ask again with `exact: true` for exact
   * figures (slower).
   */
  approximate?: true;
}

export interface LogExportStatus {
  exportId: string;
  format: (typeof EXPORT_FORMATS)[number];
  state: 'running' | 'done' | 'error';
  rows: number;
  /** Rows matching the filter when the export started. */
  total: number;
  bytes: number;
  fileName: string;
  /** Where the file was written (desktop) ... */
  path: string | null;
  /** ... or where the browser downloads it (headless). */
  downloadUrl: string | null;
  error: string | null;
}

export interface LogSettings {
  retentionDays: number | null;
  /** Rows removed by the last purge, and when. */
  lastPurge: { at: string; removed: number } | null;
}

export const DATA_LOGGING_HELP: Record<DataLoggingLevel, string> = {
  full: 'Variables, rendered messages and outputs are kept in the logs. Choose less for prompts that see personal or secret data.',
  metadata: 'Only metadata is kept: who ran it, when, model, status, latency, tokens and variable names. No values or output text.',
  none: 'No variable names, values, messages, output or error text are kept; only that it ran, with status, latency and tokens.',
};

