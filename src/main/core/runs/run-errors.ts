import { APICallError } from 'ai';
import { AppError } from '../errors';
import type { GuardedFetch } from '../integrations/guarded-fetch';
import { describeNetworkError, providerMessage } from '../integrations/providers';
import { redactSecrets } from '../integrations/redact-secrets';

/** When a provider rate-limits without saying for how long. */
const DEFAULT_RETRY_AFTER_S = 1;

/**
 * Seconds to wait from a provider's rate-limit headers: `retry-after-ms` (OpenAI), else
 * `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), rounded up to whole
 * seconds (0: retry now); `DEFAULT_RETRY_AFTER_S` when absent or unreadable. `now` in ms.
 */
export function retryAfterSeconds(headers: Record<string, string> | undefined, now = Date.now()): number {
  const lower = Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const ms = lower['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms) / 1000);
  const raw = lower['retry-after'];
  if (raw === undefined || raw === '') return DEFAULT_RETRY_AFTER_S;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_S : Math.max(0, Math.ceil((at - now) / 1000));
}

function classify(error: unknown, guard: GuardedFetch, integration: string): AppError {
  if (error instanceof AppError) return error;
  const guarded = guard.failure();
  if (guarded?.kind === 'timeout') return new AppError('provider_timeout', `${integration}: ${guarded.message}`);
  if (guarded) return new AppError('provider_error', `${integration}: ${guarded.message}`);
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
 * first (the client rewraps it), then the provider's status and message (a 429 carries
 * `retryAfter`, seconds), then network failures. The message is redacted (`secrets`: every
 * provider key the runtime knows) before it goes anywhere: chat, SSE, logs, exports.
 */
export function providerFailure(error: unknown, guard: GuardedFetch, integration: string, secrets: readonly (string | null)[]): AppError {
  const failure = classify(error, guard, integration);
  const message = redactSecrets(failure.message, secrets);
  if (message === failure.message) return failure;
  const clean = new AppError(failure.code, message, failure.field);
  if (failure.retryAfter !== undefined) clean.retryAfter = failure.retryAfter;
  return clean;
}
