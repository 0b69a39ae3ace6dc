import { z } from 'zod';

/** Error codes shared by IPC results and HTTP problem+json; HTTP maps each to a status. */
export const ERROR_CODES = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  /** The server is at a capacity limit for everyone (e.g. open change streams): retry after `retryAfter`. */
  'unavailable',
  /** The model provider answered with an error (its message is passed on). */
  'provider_error',
  /** The model provider did not answer (or stopped answering) in time. */
  'provider_timeout',
  /** The disk that holds the data folder is full (or over quota): nothing was saved. */
  'insufficient_storage',
  /** The data folder cannot be written (read-only disk or permissions): nothing was saved. */
  'read_only_storage',
  /** SQLite found the database file damaged (SQLITE_CORRUPT*, SQLITE_NOTADB) while reading or writing: run `promptdesk check`. */
  'data_damaged',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
  /** Dotted path of the input field at fault, e.g. `template.text` or `variables.name`. */
  field?: string;
  /**
   * rate_limited only: whole seconds to wait before retrying (the provider's or our own Retry-After).
   * Absent when a provider rate-limited a run mid-stream without saying how long to wait.
   */
  retryAfter?: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export const IsoDate = z.string();
export const Id = z.string().min(1).max(64);
