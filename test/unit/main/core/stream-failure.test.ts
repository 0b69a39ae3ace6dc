/**
 * Issue 10 item 20: the one rule for an error event inside a 200 stream (providerFailure ->
 * streamFailure), over the shapes real servers send: Anthropic `{ type, message }`, OpenAI
 * `{ message, type, param, code }`, vLLM (`code: 400`), llama.cpp (`unavailable_error`, 503), the
 * AI SDK's re-thrown Anthropic first event; plus the property that whatever such an event says,
 * the caller gets a classified error with the provider's words and never a key.
 */
import fc from 'fast-check';
import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { guardedFetch } from '../../../../src/main/core/integrations/guarded-fetch';
import { REDACTED } from '../../../../src/main/core/integrations/redact-secrets';
import { providerFailure } from '../../../../src/main/core/runs/run-errors';

const guard = () => guardedFetch({ responseTimeoutMs: 1000, idleTimeoutMs: 1000, maxResponseBytes: 1024, maxRedirects: 0 });
const KEY = 'sk-live-abcdef123456';
const fail = (error: unknown) => providerFailure(error, guard(), 'acme', [KEY]);

/** Anthropic's first event re-thrown by @ai-sdk/anthropic with a stand-in status. */
const firstEvent = (type: string, message: string) =>
  new APICallError({ message, url: 'http://127.0.0.1/v1/messages', requestBodyValues: {}, statusCode: type === 'overloaded_error' ? 529 : 500, responseHeaders: {}, responseBody: JSON.stringify({ type, message }) });

describe('an error event inside a 200 stream', () => {
  it.each([
    ['Anthropic rate_limit_error', 'rate_limited', { type: 'rate_limit_error', message: 'slow down' }],
    ['Anthropic overloaded_error', 'provider_error', { type: 'overloaded_error', message: 'Overloaded' }],
    ['Anthropic api_error', 'provider_error', { type: 'api_error', message: 'boom' }],
    ['OpenAI rate_limit_exceeded', 'rate_limited', { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' }],
    ['OpenAI server_error', 'provider_error', { message: 'boom', type: 'server_error', param: null, code: null }],
    ['vLLM 429', 'rate_limited', { object: 'error', message: 'slow down', type: 'TooManyRequests', param: null, code: 429 }],
    ['vLLM 400', 'provider_error', { object: 'error', message: 'bad', type: 'BadRequestError', param: null, code: 400 }],
    ['llama.cpp 503', 'provider_error', { code: 503, message: 'Loading model', type: 'unavailable_error' }],
    ['Anthropic first event, rate limit', 'rate_limited', firstEvent('rate_limit_error', 'slow down')],
    ['Anthropic first event, overloaded', 'provider_error', firstEvent('overloaded_error', 'Overloaded')],
  ])('%s is %s, with no invented wait', (_name, code, event) => {
    const error = fail(event);
    expect(error.code).toBe(code);
    expect(error.retryAfter).toBeUndefined();
    expect(error.message).toMatch(/^acme .*mid-stream/);
    expect(error.message).not.toMatch(/could not be reached|answered \d{3}/);
  });

  it('says overload is overload, and leaves real HTTP error bodies and network failures to the other rules', () => {
    expect(fail({ type: 'overloaded_error', message: 'Overloaded' }).message).toBe('acme is overloaded and stopped mid-stream (overloaded_error: Overloaded)');
    expect(fail({ code: 503, message: 'Loading model', type: 'unavailable_error' }).message).toContain('is overloaded');
    const http = new APICallError({ message: 'x', url: 'u', requestBodyValues: {}, statusCode: 500, responseBody: JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'boom' } }) });
    expect(fail(http).message).toBe('acme answered 500: boom');
    expect(fail(new TypeError('fetch failed')).message).toMatch(/could not be reached/);
  });

  it('classifies any event, quotes the provider and never passes a key on (property)', () => {
    const word = fc.stringMatching(/^[a-z_]{1,20}$/);
    fc.assert(
      fc.property(fc.option(word, { nil: undefined }), fc.option(fc.oneof(word, fc.integer({ min: 100, max: 599 })), { nil: undefined }), fc.string({ maxLength: 80 }), (type, code, text) => {
        const message = `${text} key ${KEY}`;
        const error = fail({ type, code, message });
        expect(['rate_limited', 'provider_error']).toContain(error.code);
        expect(error.retryAfter).toBeUndefined();
        expect(error.message).not.toContain(KEY);
        expect(error.message).toContain(REDACTED);
        expect(error.message).toMatch(/mid-stream/);
        const rateLimit = code === 429 || [type, code].some((v) => typeof v === 'string' && /rate.?limit/i.test(v));
        expect(error.code === 'rate_limited').toBe(rateLimit);
      }),
      { numRuns: 500 },
    );
  });
});
