import { AISDKError, APICallError } from 'ai';
import { AppError } from '../errors';
import type { GuardedFetch } from '../integrations/guarded-fetch';
import { describeNetworkError, providerMessage } from '../integrations/providers';
import { redactSecrets } from '../integrations/redact-secrets';

/** When a provider rate-limits without saying for how long. */
const DEFAULT_RETRY_AFTER_S = 1;

/** The longest wait passed on (a day): a provider's absurd value would overflow a client's timer or print as `1e+23`. */
export const MAX_RETRY_AFTER_S = 86_400;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 9110 §5.6.7 HTTP-date: IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`, asctime `Sun Nov  6 08:49:37 1994` (all UTC). */
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const RFC_850 = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const ASCTIME = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

/** Milliseconds of an HTTP-date, read as UTC whatever the server's zone; NaN for anything else. */
function httpDate(text: string, now: number): number {
  let parts: [year: number, month: string, day: number, h: number, m: number, s: number] | null = null;
  let match: RegExpExecArray | null;
  if ((match = IMF_FIXDATE.exec(text))) parts = [Number(match[3]), match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6])];
  else if ((match = RFC_850.exec(text))) {
    // Two-digit years: the one within 50 years from now (RFC 9110).
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(match[3]);
    if (year > thisYear + 50) year -= 100;
    parts = [year, match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6])];
  } else if ((match = ASCTIME.exec(text))) parts = [Number(match[6]), match[1]!, Number(match[2]!.trim()), Number(match[3]), Number(match[4]), Number(match[5])];
  if (!parts) return NaN;
  const [year, monthName, day, h, m, s] = parts;
  const month = MONTHS.indexOf(monthName.toLowerCase());
  if (month < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return NaN;
  const ms = Date.UTC(year, month, day, h, m, Math.min(s, 59));
  return new Date(ms).getUTCDate() === day ? ms : NaN;
}

/**
 * Seconds to wait from a provider's rate-limit headers: `retry-after-ms` (OpenAI), else
 * `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3, read as UTC whatever the
 * server's zone), rounded up to whole seconds (0: retry now) and at most `MAX_RETRY_AFTER_S`;
 * `DEFAULT_RETRY_AFTER_S` when absent or unreadable (`-5`, `soon`, a bare date). `now` in ms.
 */
export function retryAfterSeconds(headers: Record<string, string> | undefined, now = Date.now()): number {
  const lower = Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const ms = lower['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.min(MAX_RETRY_AFTER_S, Math.ceil(Number(ms) / 1000));
  const raw = lower['retry-after'];
  if (raw === undefined || raw === '') return DEFAULT_RETRY_AFTER_S;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.min(MAX_RETRY_AFTER_S, Math.ceil(Number(raw)));
  const at = httpDate(raw, now);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_S : Math.min(MAX_RETRY_AFTER_S, Math.max(0, Math.ceil((at - now) / 1000)));
}

/** An error event a provider sent inside a stream it had opened with HTTP 200. */
export interface StreamErrorEvent {
  /** Anthropic's `error.type` (`rate_limit_error`, `overloaded_error`, `api_error`…) or an OpenAI-style `error.type`. */
  type: string | null;
  /** OpenAI-style `error.code` (`rate_limit_exceeded`, `503`…); null when the provider sends none. */
  code: string | number | null;
  message: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The provider's error event, when `error` is one: the AI SDK hands an `error` stream part over
 * as the provider's own object (Anthropic `{ type, message }`, OpenAI-compatible `{ message,
 * type, code }`), except that @ai-sdk/anthropic turns an error arriving as the stream's first
 * event into an APICallError with a made-up status (529 or 500) and the event as its body.
 * null for anything else (an HTTP error status, a network failure).
 */
export function streamErrorEvent(error: unknown): StreamErrorEvent | null {
  let event: unknown = error;
  if (APICallError.isInstance(error)) {
    try {
      event = JSON.parse(error.responseBody ?? '');
    } catch {
      return null;
    }
    // A real HTTP error body is `{ type: 'error', error: {...} }`; the re-thrown event is flat.
    if (typeof event !== 'object' || event === null || 'error' in event || (event as { type?: unknown }).type === 'error') return null;
  } else if (error instanceof Error) return null;
  if (typeof event !== 'object' || event === null) return null;
  const fields = event as { type?: unknown; code?: unknown; message?: unknown };
  const message = text(fields.message);
  if (message === null) return null;
  const code = typeof fields.code === 'number' || typeof fields.code === 'string' ? fields.code : null;
  return { type: text(fields.type), code, message };
}

/** Rate limits as Anthropic (`rate_limit_error`), OpenAI (`rate_limit_exceeded`) and servers quoting HTTP codes (429) name them. */
const isRateLimit = (e: StreamErrorEvent) => e.code === 429 || e.code === '429' || [e.type, e.code].some((v) => typeof v === 'string' && /rate.?limit/i.test(v));
/** Overload as Anthropic (`overloaded_error`), llama.cpp (`unavailable_error`, 503) and others (529) name it. */
const isOverloaded = (e: StreamErrorEvent) =>
  [503, 529, '503', '529'].includes(e.code as never) || [e.type, e.code].some((v) => typeof v === 'string' && /overload|unavailable/i.test(v));

/**
 * A provider's error event inside a streamed answer, as an AppError: a rate limit is 429
 * `rate_limited`, without `retryAfter` (an event carries no Retry-After and no wait is
 * invented; the message says so); overload and anything else are 502 `provider_error` with the
 * provider's message and its error type. Not yet redacted (providerFailure does that).
 */
export function streamFailure(event: StreamErrorEvent, integration: string): AppError {
  const kind = event.type ?? (event.code === null ? null : String(event.code));
  const quoted = kind ? `${kind}: ${event.message}` : event.message;
  if (isRateLimit(event)) {
    return new AppError('rate_limited', `${integration} rate-limited the run mid-stream (${quoted}); it gave no retry time`);
  }
  if (isOverloaded(event)) return new AppError('provider_error', `${integration} is overloaded and stopped mid-stream (${quoted})`);
  return new AppError('provider_error', `${integration} stopped mid-stream with an error (${quoted})`);
}

/**
 * What was wrong with an answer the provider did give (HTTP 200 with HTML, an event stream whose
 * events are not JSON, JSON of another shape, a stream that ended without finishing), or null
 * when `error` is not that. The AI SDK reports these as its own errors (JSONParseError,
 * InvalidResponseDataError, TypeValidationError, NoOutputGeneratedError) or a SyntaxError; and
 * @ai-sdk/anthropic rewraps one in an APICallError with a made-up status whose body is that
 * error as JSON (`{"name":"AI_JSONParseError",…}`).
 */
function unreadableAnswer(error: unknown): string | null {
  if (APICallError.isInstance(error)) {
    if (error.statusCode === undefined) return null;
    try {
      const body = JSON.parse(error.responseBody ?? '') as { name?: unknown; message?: unknown };
      return typeof body.name === 'string' && body.name.startsWith('AI_') ? String(body.message ?? body.name) : null;
    } catch {
      return null;
    }
  }
  if (AISDKError.isInstance(error) || error instanceof SyntaxError) return (error as Error).message;
  return null;
}

function classify(error: unknown, guard: GuardedFetch, integration: string): AppError {
  if (error instanceof AppError) return error;
  const guarded = guard.failure();
  if (guarded?.kind === 'timeout') return new AppError('provider_timeout', `${integration}: ${guarded.message}`);
  if (guarded) return new AppError('provider_error', `${integration}: ${guarded.message}`);
  const event = streamErrorEvent(error);
  if (event) return streamFailure(event, integration);
  // It was reached: what it said is the problem, not the network.
  const unreadable = unreadableAnswer(error);
  if (unreadable !== null) return new AppError('provider_error', `${integration} answered, but not as a model API answers (${unreadable}): check the integration's base URL and kind`);
  if (APICallError.isInstance(error) && error.statusCode !== undefined) {
    const message = `${integration} answered ${error.statusCode}: ${providerMessage(error.responseBody ?? '') ?? error.message}`;
    if (error.statusCode === 429) {
      const wait = retryAfterSeconds(error.responseHeaders);
      // Said in the message too: the chat and the test panel show the message as it is.
      return AppError.rateLimited(`${message} (retry after ${wait} s)`, wait);
    }
    return new AppError('provider_error', message);
  }
  const cause = APICallError.isInstance(error) ? (error.cause ?? error) : error;
  return new AppError('provider_error', `${integration} could not be reached: ${describeNetworkError(cause)}`);
}

/**
 * Whatever stopped a provider call, as an error the caller can act on: the guard's own reason
 * first (the client rewraps it), then an error event inside a 200 stream (see streamFailure),
 * then an answer that is not a model API's (unreadableAnswer), then the provider's status and message (a 429 carries `retryAfter`, seconds), then network
 * failures. The message is redacted (`secrets`: every
 * provider key the runtime knows) before it goes anywhere: chat, SSE, logs, exports.
 */
export function providerFailure(error: unknown, guard: GuardedFetch, integration: string, secrets: readonly (string | null)[]): AppError {
  const failure = classify(error, guard, integration);
  // The integration's name leads every message and is no secret, even when a local server's
  // placeholder key is the same word ('lm-studio'): only what follows it is redacted.
  const named = failure.message.startsWith(integration) && /^[ :]/.test(failure.message.slice(integration.length));
  const message = named ? integration + redactSecrets(failure.message.slice(integration.length), secrets) : redactSecrets(failure.message, secrets);
  if (message === failure.message) return failure;
  return failure.with({ message });
}
