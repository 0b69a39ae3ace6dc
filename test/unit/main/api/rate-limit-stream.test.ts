/**
 * Issue 10 item 20: a provider's 429 with Retry-After reaches the caller whichever way the run
 * was asked for. Matrix: protocol (OpenAI-compatible, Anthropic) x Retry-After the provider sent
 * (seconds, none) x door (JSON answer, SSE `error` event, the chat/test panel's run progress).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { retryAfterSeconds } from '../../../../src/main/core/runs/run-errors';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { StartRunInput } from '../../../../src/shared/schemas/runs';
import { sseEvents } from '../../../helpers/http';

const KINDS = ['openai-compatible', 'anthropic'] as const;
/** What the provider sends as Retry-After, and the seconds the caller must be told. */
const WAITS: { header: string | null; seconds: number }[] = [
  { header: '7', seconds: 7 },
  { header: '120', seconds: 120 },
  { header: '2.5', seconds: 3 },
  { header: null, seconds: 1 },
  // Absurd waits are capped at a day: never `Retry-After: 1e+23`, nor a client timer overflowing to 0.
  { header: '99999999999999999999999', seconds: 86_400 },
  // Not a delay nor an HTTP-date (Date.parse read these as dates in 2001 and answered 0).
  { header: '-5', seconds: 1 },
];

let t: TestHost;
const providers: FakeProvider[] = [];
const integrationOf = (kind: string, wait: (typeof WAITS)[number]) => `rl-${kind === 'anthropic' ? 'a' : 'o'}-${wait.header === null ? 'none' : wait.header.replace('.', '_')}`;

beforeAll(async () => {
  t = await startTestHost();
  seedPrompt(t.owner, 'greet', 'Say hello to {{name}}', { api: true });
  for (const wait of WAITS) {
    const provider = await startFakeProvider({ retryAfter: wait.header });
    providers.push(provider);
    for (const kind of KINDS) {
      saveIntegration(t.owner, SaveIntegrationInput.parse({ name: integrationOf(kind, wait), kind, baseUrl: `${provider.url}/v1`, models: ['error-429'] }));
    }
  }
});
afterAll(async () => {
  await t.stop();
  await Promise.all(providers.map((p) => p.close()));
});

describe.each(KINDS)('a %s provider answering 429', (kind) => {
  describe.each(WAITS)('with Retry-After $header', (wait) => {
    const model = () => `${integrationOf(kind, wait)}:error-429`;

    it('answers a plain run 429 with the Retry-After header and retryAfter in the problem', async () => {
      const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'Ada' }, model: model() });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe(String(wait.seconds));
      expect(res.json()).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: wait.seconds });
    });

    it('ends a streamed run with an error event whose problem carries retryAfter', async () => {
      const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'Ada' }, model: model(), stream: true });
      expect(res.status).toBe(200);
      const list = sseEvents(res.text);
      expect(list[0]![0]).toBe('start');
      expect(list.at(-1)).toEqual(['error', expect.objectContaining({ status: 429, code: 'rate_limited', retryAfter: wait.seconds })]);
      expect(list.at(-1)![1].detail).toContain(`retry after ${wait.seconds} s`);
    });

    it('tells the chat and the test panel how long to wait', async () => {
      const started = startRun(t.owner, StartRunInput.parse({ name: 'greet', variables: { name: 'Ada' }, model: model(), source: 'chat' }));
      let progress = await watchRun(t.owner, { runId: started.runId, cursor: 0 });
      for (let i = 0; progress.status === 'running' && i < 10; i++) progress = await watchRun(t.owner, { runId: started.runId, cursor: progress.cursor });
      expect(progress.status).toBe('error');
      expect(progress.error).toMatchObject({ code: 'rate_limited', retryAfter: wait.seconds });
      expect(progress.error!.message).toContain(`retry after ${wait.seconds} s`);
    });
  });
});

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-11-30T10:00:00Z');
  it.each([
    [{ 'retry-after': '30' }, 30],
    [{ 'Retry-After': '0' }, 0],
    [{ 'retry-after': '1.2' }, 2],
    [{ 'retry-after': 'Mon, 30 Nov 2026 10:00:45 GMT' }, 45],
    [{ 'retry-after': 'Mon, 30 Nov 2026 09:00:00 GMT' }, 0],
    [{ 'retry-after-ms': '1500', 'retry-after': '9' }, 2],
    [{ 'retry-after': 'soon' }, 1],
    [{}, 1],
    [{ 'retry-after': '-5' }, 1],
    [{ 'retry-after': '7, 8' }, 1],
    [{ 'retry-after': '2026-12-01' }, 1],
    [{ 'retry-after': '1e3' }, 1],
    [{ 'retry-after': 'Mon, 31 Nov 2026 10:00:00 GMT' }, 1],
    [{ 'retry-after': 'mon, 30 nov 2026 10:00:45 gmt' }, 45],
    [{ 'retry-after': 'Monday, 30-Nov-26 10:01:00 GMT' }, 60],
    [{ 'retry-after': 'Mon Nov 30 10:00:45 2026' }, 45],
    [{ 'retry-after': '99999999999999999999999' }, 86_400],
    [{ 'retry-after': 'Mon, 30 Nov 2027 10:00:00 GMT' }, 86_400],
    [{ 'retry-after-ms': '99999999999999999999' }, 86_400],
  ])('%j means %i s', (headers, seconds) => {
    expect(retryAfterSeconds(headers, now)).toBe(seconds);
  });

  it("reads every HTTP-date form as UTC, whatever the server's time zone", () => {
    const before = process.env['TZ'];
    try {
      for (const zone of ['Pacific/Kiritimati', 'America/Adak', 'UTC']) {
        process.env['TZ'] = zone;
        for (const date of ['Mon, 30 Nov 2026 10:00:45 GMT', 'Monday, 30-Nov-26 10:00:45 GMT', 'Mon Nov 30 10:00:45 2026']) {
          expect(retryAfterSeconds({ 'retry-after': date }, now), `${date} in ${zone}`).toBe(45);
        }
      }
    } finally {
      if (before === undefined) delete process.env['TZ'];
      else process.env['TZ'] = before;
    }
  });
});
