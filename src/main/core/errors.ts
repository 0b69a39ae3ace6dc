import type { AppErrorShape, ErrorCode } from '../../shared/schemas/common';
import type { ZodError } from 'zod';
import { storageErrorOf } from '../store/storage-errors';

/** A failure a caller can act on. Every door maps it the same way (IPC result, problem+json, CLI). */
export class AppError extends Error {
  /** Seconds a rate-limited caller should wait (sent as Retry-After). */
  retryAfter?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static rateLimited(message: string, retryAfter: number): AppError {
    const error = new AppError('rate_limited', message);
    error.retryAfter = retryAfter;
    return error;
  }

  /** The same failure with another message and/or field; everything else (retryAfter) carries over. */
  with(change: { message?: string; field?: string }): AppError {
    const copy = new AppError(this.code, change.message ?? this.message, 'field' in change ? change.field : this.field);
    if (this.retryAfter !== undefined) copy.retryAfter = this.retryAfter;
    return copy;
  }

  toJSON(): AppErrorShape {
    const shape: AppErrorShape = this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message };
    // Carried in the shape, not only as a header, so a streamed run's error event and the UI get it too.
    if (this.retryAfter !== undefined) shape.retryAfter = this.retryAfter;
    return shape;
  }
}

/**
 * The one way to say "not found": `${what} not found`, with the input `field` at fault if any.
 * `what` names a kind of thing ("Log entry", "Version 3 of prompt \"greet\""), never a stored
 * name or id the caller may not see.
 */
export const notFound = (what: string, field?: string) => new AppError('not_found', `${what} not found`, field);

/**
 * The answer for a prompt that does not exist AND for one the caller may not see (Private,
 * another member's, API access off): byte-for-byte the same, naming nothing, so no door can
 * tell the two apart. Every door (native API, compat APIs, bridge, logs filter) uses this.
 */
export const promptNotFound = (field?: string) => notFound('Prompt', field);
export const invalid = (message: string, field?: string) => new AppError('invalid_input', message, field);
export const conflict = (message: string, field?: string) => new AppError('conflict', message, field);

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * The issue to report: a union that matched no branch says only "Invalid input", so report the
 * first issue of the branch that came closest (fewest issues): `{ name, version: "2" }` against
 * the run input names `version`, not the reply branch's missing `conversationId`.
 */
function closestIssue(issue: Issue | undefined): Issue | undefined {
  if (issue?.code !== 'invalid_union' || !issue.errors?.length) return issue;
  const branch = issue.errors.reduce((best, next) => (next.length < best.length ? next : best));
  const inner = closestIssue(branch[0]);
  return inner ? { ...inner, path: [...issue.path, ...inner.path] } : issue;
}

/** The first issue of a schema failure, with its field path, as an AppError. */
export function fromZodError(error: ZodError): AppError {
  const issue = closestIssue(error.issues[0] as Issue | undefined);
  const field = issue?.path.map(String).join('.') || undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'Invalid input';
  return invalid(message, field);
}

export function toErrorShape(error: unknown): AppErrorShape {
  if (error instanceof AppError) return error.toJSON();
  // A full disk or a read-only folder is the user's to fix: say so, at every door, instead of "internal".
  const storage = storageErrorOf(error);
  if (storage) return storage;
  return { code: 'internal', message: 'Something went wrong inside Promptdesk; the change was not saved' };
}
