import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, type LanguageModel, type ModelMessage, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeProvider } from '../../helpers/fake-provider';

const KEY = 'sk-fake-key';

interface Client {
  protocol: 'openai' | 'anthropic';
  model: (url: string, id: string, apiKey?: string) => LanguageModel;
  headers: (apiKey?: string) => Record<string, string>;
}

const clients: Client[] = [
  {
    protocol: 'openai',
    // includeUsage makes the client ask for stream_options.include_usage, as OpenAI needs for streamed usage.
    model: (url, id, apiKey) => createOpenAICompatible({ name: 'fake', baseURL: `${url}/v1`, apiKey, includeUsage: true })(id),
    headers: (apiKey): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  },
  {
    protocol: 'anthropic',
    // The Anthropic client refuses to run without a key, even against a server that needs none.
    model: (url, id, apiKey) => createAnthropic({ baseURL: `${url}/v1`, apiKey: apiKey ?? 'unused' })(id),
    headers: (apiKey) => ({ 'anthropic-version': '2023-06-01', ...(apiKey ? { 'x-api-key': apiKey } : {}) }),
  },
];

// 3 + 2 + 2 + 4 words in, "Echo: hello there fake model" (5 words) out.
const system = 'You are terse.';
const messages: ModelMessage[] = [
  { role: 'user', content: 'first question' },
  { role: 'assistant', content: 'an answer' },
  { role: 'user', content: 'hello there fake model' },
];
const REPLY = 'Echo: hello there fake model';

let open: FakeProvider;
let keyed: FakeProvider;
beforeAll(async () => {
  globalThis.AI_SDK_LOG_WARNINGS = false; // unknown model ids make the Anthropic client warn
  [open, keyed] = await Promise.all([startFakeProvider(), startFakeProvider({ apiKey: KEY })]);
});
afterAll(async () => {
  await Promise.all([open.close(), keyed.close()]);
});

async function callError(fn: () => Promise<unknown>): Promise<APICallError> {
  try {
    await fn();
  } catch (error) {
    if (APICallError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an APICallError');
}

describe.each(clients)('fake provider over $protocol', (client) => {
  const model = (id: string) => client.model(open.url, id);

  it('answers generateText with the echo and word-count usage', async () => {
    const result = await generateText({ model: model('echo'), system, messages, maxRetries: 0 });
    expect(result.text).toBe(REPLY);
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 11, outputTokens: 5, totalTokens: 16 });
    expect(open.requests.at(-1)).toMatchObject({ protocol: client.protocol, body: { model: 'echo' } });
  });

  it('streams the echo in small deltas with usage', async () => {
    const result = streamText({ model: model('echo'), system, messages, maxRetries: 0 });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join('')).toBe(REPLY);
    expect(deltas.length).toBeGreaterThan(2);
    expect(Math.max(...deltas.map((d) => d.length))).toBeLessThanOrEqual(8);
    expect(await result.usage).toMatchObject({ inputTokens: 11, outputTokens: 5 });
    expect(await result.finishReason).toBe('stop');
    expect(open.requests.at(-1)?.body).toMatchObject({ stream: true });
  });

  it('paces the slow model: a delay before the first delta, then several deltas', async () => {
    const started = Date.now();
    const result = streamText({ model: model('slow'), messages, maxRetries: 0 });
    const arrivals: number[] = [];
    for await (const _delta of result.textStream) arrivals.push(Date.now() - started);
    expect(arrivals.length).toBeGreaterThan(2);
    expect(arrivals[0]).toBeGreaterThanOrEqual(190);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(100);
  });

  it('demands the configured key and answers a wrong one with 401', async () => {
    const ok = await generateText({ model: client.model(keyed.url, 'echo', KEY), messages, maxRetries: 0 });
    expect(ok.text).toBe(REPLY);
    const error = await callError(() => generateText({ model: client.model(keyed.url, 'echo', 'sk-wrong'), messages, maxRetries: 0 }));
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/Fake provider/);
  });

  it('answers the error models in the provider error shape', async () => {
    for (const [id, status] of [
      ['error-401', 401],
      ['error-429', 429],
      ['error-500', 500],
    ] as const) {
      const error = await callError(() => generateText({ model: model(id), messages, maxRetries: 0 }));
      expect(error.statusCode).toBe(status);
      expect(error.message).toMatch(/^Fake provider: /);
      if (status === 429) expect(error.responseHeaders?.['retry-after']).toBe('1');
    }
    const missing = await callError(() => generateText({ model: model('no-such-model'), messages, maxRetries: 0 }));
    expect(missing.statusCode).toBe(404);
  });

  it('lists the models', async () => {
    const res = await fetch(`${keyed.url}/v1/models`, { headers: client.headers(KEY) });
    expect(res.status).toBe(200);
    const list = (await res.json()) as { data: { id: string }[] };
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(['echo', 'slow', 'stall', 'huge', 'error-401', 'error-429', 'error-500', 'redirect']);
    if (client.protocol === 'openai') {
      expect(list).toMatchObject({ object: 'list', data: expect.arrayContaining([{ id: 'echo', object: 'model', created: expect.any(Number), owned_by: 'fake' }]) });
    } else {
      expect(list).toMatchObject({ has_more: false, first_id: 'echo', last_id: 'redirect' });
      expect(list.data[0]).toMatchObject({ type: 'model', id: 'echo', display_name: expect.any(String), created_at: expect.any(String) });
    }
    expect((await fetch(`${keyed.url}/v1/models`, { headers: client.headers('sk-wrong') })).status).toBe(401);
  });

  it('lets a stalled stream be aborted after its first delta', async () => {
    const controller = new AbortController();
    const result = streamText({ model: model('stall'), messages, maxRetries: 0, abortSignal: controller.signal });
    const deltas: string[] = [];
    const started = Date.now();
    try {
      for await (const delta of result.textStream) {
        deltas.push(delta);
        controller.abort();
      }
    } catch (error) {
      expect(String(error)).toMatch(/abort/i);
    }
    expect(deltas).toEqual(['Echo: he']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('streams the huge reply in full', async () => {
    const result = streamText({ model: model('huge'), messages, maxRetries: 0 });
    let length = 0;
    for await (const delta of result.textStream) length += delta.length;
    expect(length).toBe(5 * 1024 * 1024);
    expect((await result.usage).outputTokens).toBe(655_360);
  });
});

describe('fake provider raw behaviour', () => {
  it('redirects the redirect model to another host', async () => {
    const res = await fetch(`${open.url}/v1/chat/completions`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'redirect', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.hostname).toBe('localhost');
    expect(location.port).not.toBe(new URL(open.url).port);
    expect(location.pathname).toBe('/v1/chat/completions');

    // A client that follows lands on the second listener, which records it under its own host.
    const followed = await fetch(`${open.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'redirect', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(followed.status).toBe(404); // 302 turns the POST into a GET
    expect(open.requests.at(-1)?.headers.host).toBe(location.host);
  });

  it('closes promptly while a stalled stream is still open', async () => {
    const provider = await startFakeProvider();
    const res = await fetch(`${provider.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stall', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^data: \{.*"chat\.completion\.chunk"/);

    const started = Date.now();
    await provider.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toThrow();
  });
});
