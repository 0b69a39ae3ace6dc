import type { AppErrorShape, ErrorCode } from '../../shared/schemas/common';
import type { ZodError } from 'zod';

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

  toJSON(): AppErrorShape {
    return this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message };
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const invalid = (message: string, field?: string) => new AppError('invalid_input', message, field);
export const conflict = (message: string, field?: string) => new AppError('conflict', message, field);

/** The first issue of a schema failure, with its field path, as an AppError. */
export function fromZodError(error: ZodError): AppError {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'Invalid input';
  return invalid(message, field);
}

export function toErrorShape(error: unknown): AppErrorShape {
  if (error instanceof AppError) return error.toJSON();
  return { code: 'internal', message: 'Something went wrong inside Promptdesk; the change was not saved' };
}
