import type { AppErrorShape, ErrorCode } from '../../shared/schemas/common';
import type { ZodError } from 'zod';
import { damagedErrorOf, storageErrorOf } from '../store/storage-errors';

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

  /**
   * The same failure with another message and/or field; everything else (retryAfter) carries over.
   * A message that names the old field as its prefix (fromZodError's `field: ...`) names the new
   * one instead, so a remapped error never shows a field the caller did not send.
   */
  with(change: { message?: string; field?: string }): AppError {
    const field = 'field' in change ? change.field : this.field;
    let message = change.message ?? this.message;
    if (change.message === undefined && this.field && field !== this.field && message.startsWith(`${this.field}: `)) {
      message = field ? `${field}: ${message.slice(this.field.length + 2)}` : message.slice(this.field.length + 2);
    }
    const copy = new AppError(this.code, message, field);
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

type Issue = {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: Issue[][];
  origin?: string;
  expected?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  inclusive?: boolean;
  values?: unknown[];
  keys?: string[];
  format?: string;
  divisor?: number;
};

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

// zod's own English texts ("Too big: expected string to have <=40 characters", "Invalid input:
// expected string, received undefined"): never shown, humanIssue words them (zod 4 locales/en).
const ZOD_DEFAULT = /^(Invalid input|Invalid option|Invalid string|Invalid number|Invalid value|Invalid key|Invalid element|Invalid type|Too big:|Too small:|Unrecognized keys?:)/;

const SIZE_UNITS: Record<string, [string, string]> = { string: ['character', 'characters'], array: ['item', 'items'], set: ['item', 'items'], file: ['byte', 'bytes'] };
const count = (n: number | bigint, origin: string | undefined) => {
  const unit = origin ? SIZE_UNITS[origin] : undefined;
  return unit ? `${n} ${n === 1 || n === 1n ? unit[0] : unit[1]}` : String(n);
};
const TYPE_NAMES: Record<string, string> = { string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object', bigint: 'a whole number', date: 'a date', null: 'null' };
const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * An issue's message for a person, without the field name (fromZodError prefixes it once): the
 * schema's own message when it set one, else zod's default reworded ("is required", "must be at
 * most 40 characters", "must be one of low, medium, high").
 */
function humanIssue(issue: Issue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  const { origin } = issue;
  const sized = origin === 'string' || origin === 'array' || origin === 'set' || origin === 'file';
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined$/.test(issue.message)) return 'is required';
      return `must be ${TYPE_NAMES[issue.expected ?? ''] ?? issue.expected ?? 'another type'}`;
    case 'too_big':
      if (issue.maximum === undefined) return 'is too big';
      return sized ? `must be at most ${count(issue.maximum, origin)}` : `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    case 'too_small':
      if (issue.minimum === undefined) return 'is too small';
      if (sized && Number(issue.minimum) === 1) return origin === 'string' ? 'must not be empty' : 'must have at least one item';
      return sized ? `must be at least ${count(issue.minimum, origin)}` : `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`;
    case 'invalid_value': {
      const values = (issue.values ?? []).map(shown);
      return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
    }
    case 'invalid_format':
      return issue.format && issue.format !== 'regex' ? `must be a valid ${issue.format}` : 'is not in the expected format';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys': {
      const keys = (issue.keys ?? []).map((k) => `"${k}"`);
      return keys.length === 1 ? `has an unknown member ${keys[0]}` : `has unknown members ${keys.join(', ')}`;
    }
    default:
      return 'is not valid';
  }
}

/**
 * `field: message`, naming the field once: a message that already names it (starts with its last
 * name, "reasoning_effort must be one of ...", or quotes it, 'The filter "starred" ...') is kept
 * as it is. Without a field, the message as it is.
 */
export function fieldMessage(field: string | undefined, message: string): string {
  if (!field) return message;
  // A path of indexes only ("0") names nothing a message could hold: always prefixed.
  const leaf = field.split('.').filter((s) => !/^\d+$/.test(s)).at(-1);
  if (leaf && (message.startsWith(`${field} `) || message.startsWith(`${leaf} `) || message.includes(`"${leaf}"`) || message.includes(`\`${leaf}\``))) return message;
  return `${field}: ${message}`;
}

/** The first issue of a schema failure, with its field path, as an AppError (message: fieldMessage of humanIssue). */
export function fromZodError(error: ZodError): AppError {
  const issue = closestIssue(error.issues[0] as Issue | undefined);
  const field = issue?.path.map(String).join('.') || undefined;
  const human = issue ? humanIssue(issue) : 'Invalid input';
  // A reworded default with no field is about the whole input ("The input has an unknown member "x"").
  const message = issue && !field && human !== issue.message ? `The input ${human}` : fieldMessage(field, human);
  return invalid(message, field);
}

export function toErrorShape(error: unknown): AppErrorShape {
  if (error instanceof AppError) return error.toJSON();
  // A full disk, a read-only folder or a damaged file is the user's to fix: say so, at every door, instead of "internal".
  const storage = storageErrorOf(error) ?? damagedErrorOf(error);
  if (storage) return storage;
  return { code: 'internal', message: 'Something went wrong inside Promptdesk; the change was not saved' };
}
