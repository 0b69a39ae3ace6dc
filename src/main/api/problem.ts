import type { AppErrorShape, ErrorCode } from '../../shared/schemas/common';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  provider_error: 502,
  provider_timeout: 504,
  // RFC 4918: the server cannot store what the request needs; the code tells full from read-only.
  insufficient_storage: 507,
  read_only_storage: 507,
  // A server-side fault, but the user's to act on (promptdesk check, restore a copy): its own type.
  data_damaged: 500,
  internal: 500,
};

const TITLES: Record<ErrorCode, string> = {
  invalid_input: 'Invalid input',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  provider_error: 'Model provider error',
  provider_timeout: 'Model provider timeout',
  insufficient_storage: 'Disk full',
  read_only_storage: 'Data folder is read-only',
  data_damaged: 'Database file damaged',
  internal: 'Internal error',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  field?: string;
  /**
   * rate_limited: seconds to wait, as in the Retry-After header (also where there is no header: an SSE
   * `error` event). Absent when the provider rate-limited mid-stream without a wait.
   */
  retryAfter?: number;
}

/** RFC 9457 body for an error; `type` is stable per code so clients can branch on it. */
export function toProblem(error: AppErrorShape): Problem {
  const problem: Problem = {
    type: `urn:promptdesk:problem:${error.code}`,
    title: TITLES[error.code],
    status: STATUS_BY_CODE[error.code],
    detail: error.message,
    code: error.code,
  };
  if (error.field) problem.field = error.field;
  if (error.retryAfter !== undefined) problem.retryAfter = error.retryAfter;
  return problem;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Headers every API answer carries (the app's first middleware sets them; the fast render path writes them itself). */
export const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' } as const;

// Headers go in at construction: @hono/node-server's fast Response ignores later header edits.
/**
 * The problem+json response for an error. `extraMembers` adds members a compat door's clients
 * read (RFC 9457 allows extension members); they never replace the standard ones.
 */
export function problemResponse(error: AppErrorShape, extraHeaders: Record<string, string> = {}, extraMembers: Record<string, unknown> = {}): Response {
  const problem = toProblem(error);
  return new Response(JSON.stringify({ ...extraMembers, ...problem }), {
    status: problem.status,
    headers: {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      ...extraHeaders,
    },
  });
}

