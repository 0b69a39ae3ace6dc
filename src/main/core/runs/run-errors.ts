import { APICallError } from 'ai';
import { AppError } from '../errors';
import type { GuardedFetch } from '../integrations/guarded-fetch';
import { describeNetworkError, providerMessage } from '../integrations/providers';

function retryAfterSeconds(headers: Record<string, string> | undefined): number {
  const raw = headers?.['retry-after'];
  const seconds = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : 1;
}

/**
 * Whatever stopped a provider call, as an error the caller can act on: the guard's own reason
 * first (the client rewraps it), then the provider's status and message, then network failures.
 */
export function providerFailure(error: unknown, guard: GuardedFetch, integration: string): AppError {
  if (error instanceof AppError) return error;
  const guarded = guard.failure();
  if (guarded?.kind === 'timeout') return new AppError('provider_timeout', `${integration}: ${guarded.message}`);
  if (guarded) return new AppError('provider_error', `${integration}: ${guarded.message}`);
  if (APICallError.isInstance(error) && error.statusCode !== undefined) {
    const message = `${integration} answered ${error.statusCode}: ${providerMessage(error.responseBody ?? '') ?? error.message}`;
    if (error.statusCode === 429) return AppError.rateLimited(message, retryAfterSeconds(error.responseHeaders));
    return new AppError('provider_error', message);
  }
  const cause = APICallError.isInstance(error) ? (error.cause ?? error) : error;
  return new AppError('provider_error', `${integration} could not be reached: ${describeNetworkError(cause)}`);
}
