import { describe, expect, it } from 'vitest';
import { runSpan, serverAttributes } from '../../../../../src/main/core/telemetry/run-span';
import type { LogRecord } from '../../../../../src/main/store/repos/logs-repo';
import { RUN_SOURCES, type RunStatus } from '../../../../../src/shared/schemas/runs';

/** A run logged at Full (content kept), as the log writer hands it to the exporter. */
function record(over: Partial<LogRecord> = {}): LogRecord {
  return {
    id: '0b7c2a52-5a7e-4b8e-9d7a-3f1e2d4c5b6a',
    promptId: 'p1',
    promptName: 'greet',
    version: 1,
    source: 'api',
    userId: 'u1',
    keyLabel: null,
    model: 'local:echo',
    status: 'success',
    startedAt: 1_700_000_000_000,
    latencyMs: 40,
    ttftMs: 10,
    tokensIn: 5,
    tokensOut: 3,
    dataLogging: 'full',
    variableNames: '["who"]',
    variables: '{"who":"Ada"}',
    messages: JSON.stringify([{ role: 'user', content: 'Hello Ada' }]),
    output: 'Hi',
    outputChars: 2,
    error: null,
    conversationId: 'c1',
    ...over,
  };
}

const outputOf = (span: ReturnType<typeof runSpan>) => {
  const raw = span.attributes['gen_ai.output.messages'];
  return raw === undefined ? undefined : (JSON.parse(raw as string) as { parts: { content: string }[]; finish_reason: string }[]);
};

describe('attack 15a F4: the output message says what was generated', () => {
  // status x output x the provider's finish reason
  const STATUSES: RunStatus[] = ['success', 'error', 'cancelled'];
  const OUTPUTS = ['', 'partial'];
  const REASONS = [undefined, 'length'];
  for (const status of STATUSES) {
    for (const output of OUTPUTS) {
      for (const finishReason of REASONS) {
        it(`${status}, output ${JSON.stringify(output)}, provider finish reason ${finishReason ?? 'none'}`, () => {
          const failed = status === 'error';
          const span = runSpan(record({ status, output, outputChars: output.length, error: failed ? 'boom' : null }), { finishReason, errorCode: failed ? 'provider_error' : undefined });
          const messages = outputOf(span);
          if (status !== 'success' && output === '') expect(messages).toBeUndefined();
          else {
            expect(messages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: output }], finish_reason: finishReason ?? (failed ? 'error' : 'stop') }]);
          }
          // The response's finish reasons are only ever the provider's.
          if (finishReason) expect(span.attributes['gen_ai.response.finish_reasons']).toEqual([finishReason]);
          else expect(span.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
          expect(span.error).toEqual(failed ? { type: 'provider_error', message: 'boom' } : null);
        });
      }
    }
  }
});

describe('attack 15a F5: server, response id, conversation', () => {
  it.each([
    ['http://127.0.0.1:11434/v1', '127.0.0.1', 11434],
    ['https://api.openai.com/v1', 'api.openai.com', 443],
    ['http://localhost/v1', 'localhost', 80],
    ['http://[::1]:8080/v1', '::1', 8080],
    ['HTTPS://Example.COM:8443', 'example.com', 8443],
  ])('server.address / server.port of %s', (baseUrl, address, port) => {
    expect(serverAttributes({ kind: 'openai-compatible', baseUrl, name: 'x' })).toEqual({ 'server.address': address, 'server.port': port });
  });

  it('no provider (a pushed team run) or a base URL that does not parse: neither attribute', () => {
    expect(serverAttributes(undefined)).toEqual({});
    expect(serverAttributes({ kind: 'openai-compatible', baseUrl: 'not a url', name: 'x' })).toEqual({});
  });

  it('gen_ai.response.id only when the provider sent one', () => {
    expect(runSpan(record(), { responseId: 'chatcmpl-123' }).attributes['gen_ai.response.id']).toBe('chatcmpl-123');
    expect(runSpan(record(), {}).attributes).not.toHaveProperty('gen_ai.response.id');
  });

  it.each(RUN_SOURCES.map((s) => [s]))('gen_ai.conversation.id for a %s run: only chat and test runs (a kept conversation)', (source) => {
    const attributes = runSpan(record({ source })).attributes;
    if (source === 'chat' || source === 'test') expect(attributes['gen_ai.conversation.id']).toBe('c1');
    else expect(attributes).not.toHaveProperty('gen_ai.conversation.id');
  });
});
