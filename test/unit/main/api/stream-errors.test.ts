/**
 * Issue 10 item 20 (the part left open): an error a provider sends INSIDE a stream it opened with
 * HTTP 200 reaches the caller as that error, not as "could not be reached". Matrix: protocol
 * (OpenAI-compatible `data: {"error":…}`, Anthropic `event: error`) x where it arrives (as the
 * first event, after some text) x error type (rate limit, overload, server error, bad request) x
 * door (API JSON answer, API SSE `error` event, the chat's run progress through the core), each
 * checked for status, code, message, retryAfter and the log row it leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, STREAM_ERROR_KINDS, STREAM_ERROR_MESSAGES, type FakeProvider, type StreamErrorKind } from '../../../helpers/fake-provider';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { StartRunInput } from '../../../../src/shared/schemas/runs';
import { sseEvents } from '../../../helpers/http';

const KINDS = ['openai-compatible', 'anthropic'] as const;
const WHERE = ['midstream', 'early'] as const;
const integrationOf = (kind: (typeof KINDS)[number]) => (kind === 'anthropic' ? 'se-anthropic' : 'se-openai');

/** What the caller must get for each error type: a rate limit stays a rate limit (with no invented wait); the rest are the provider's fault. */
const EXPECTED: Record<StreamErrorKind, { status: number; code: string; says: string }> = {
  rate_limit: { status: 429, code: 'rate_limited', says: 'gave no retry time' },
  overloaded: { status: 502, code: 'provider_error', says: 'is overloaded and stopped mid-stream' },
  server: { status: 502, code: 'provider_error', says: 'stopped mid-stream with an error' },
  bad_request: { status: 502, code: 'provider_error', says: 'stopped mid-stream with an error' },
};
/** The error type each protocol's event names, quoted back to the caller. */
const TYPES: Record<(typeof KINDS)[number], Record<StreamErrorKind, string>> = {
  'openai-compatible': { rate_limit: 'requests', overloaded: 'unavailable_error', server: 'server_error', bad_request: 'invalid_request_error' },
  anthropic: { rate_limit: 'rate_limit_error', overloaded: 'overloaded_error', server: 'api_error', bad_request: 'invalid_request_error' },
};

let t: TestHost;
let provider: FakeProvider;

beforeAll(async () => {
  t = await startTestHost();
  seedPrompt(t.owner, 'greet', 'Say hello to {{name}}', { api: true });
  const models = WHERE.flatMap((where) => STREAM_ERROR_KINDS.map((error) => `${where}-${error}`));
  provider = await startFakeProvider({ models });
  for (const kind of KINDS) saveIntegration(t.owner, SaveIntegrationInput.parse({ name: integrationOf(kind), kind, baseUrl: `${provider.url}/v1`, models }));
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

/** The newest log row, in full. */
async function lastLog(): Promise<{ status: string; error: string | null }> {
  const items = (await t.call('GET', '/api/v1/logs?limit=1')).json().items as { id: string }[];
  return (await t.call('GET', `/api/v1/logs/${items[0]!.id}`)).json();
}

describe.each(KINDS)('a %s provider', (kind) => {
  describe.each(WHERE)('sending its error event %s', (where) => {
    describe.each(STREAM_ERROR_KINDS)('of type %s', (error) => {
      const model = `${integrationOf(kind)}:${where}-${error}`;
      const expected = EXPECTED[error];
      /** The message every door must carry: who failed, what they said, and what kind of failure it was. */
      const checkMessage = (message: string) => {
        expect(message).toContain(integrationOf(kind));
        expect(message).toContain(STREAM_ERROR_MESSAGES[error]);
        expect(message).toContain(expected.says);
        expect(message).toContain(`${TYPES[kind][error]}: `);
        expect(message).not.toContain('could not be reached');
        // The provider answered 200; the AI SDK's stand-in status (529/500 for an Anthropic first event) is not the provider's.
        expect(message).not.toMatch(/answered \d{3}/);
      };
      const checkLog = async (message: string) => {
        const log = await lastLog();
        expect(log.status).toBe('error');
        expect(log.error).toBe(message);
      };

      it('answers a plain API run with the matching problem', async () => {
        const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'Ada' }, model });
        expect(res.status).toBe(expected.status);
        const problem = res.json();
        expect(problem).toMatchObject({ status: expected.status, code: expected.code });
        // No wait is invented when the provider gave none.
        expect(problem.retryAfter).toBeUndefined();
        expect(res.headers['retry-after']).toBeUndefined();
        checkMessage(problem.detail);
        await checkLog(problem.detail);
      });

      it('ends a streamed API run with a matching error event', async () => {
        const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'Ada' }, model, stream: true });
        expect(res.status).toBe(200);
        const list = sseEvents(res.text);
        expect(list[0]![0]).toBe('start');
        const [name, problem] = list.at(-1)!;
        expect(name).toBe('error');
        expect(problem).toMatchObject({ status: expected.status, code: expected.code });
        expect(problem.retryAfter).toBeUndefined();
        checkMessage(problem.detail);
        await checkLog(problem.detail);
      });

      it('tells the chat what went wrong', async () => {
        const started = startRun(t.owner, StartRunInput.parse({ name: 'greet', variables: { name: 'Ada' }, model, source: 'chat' }));
        let progress = await watchRun(t.owner, { runId: started.runId, cursor: 0 });
        for (let i = 0; progress.status === 'running' && i < 10; i++) progress = await watchRun(t.owner, { runId: started.runId, cursor: progress.cursor });
        expect(progress.status).toBe('error');
        expect(progress.error).toMatchObject({ code: expected.code });
        expect(progress.error!.retryAfter).toBeUndefined();
        checkMessage(progress.error!.message);
        await checkLog(progress.error!.message);
      });
    });
  });
});
