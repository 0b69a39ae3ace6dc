import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { member, seedPrompt } from '../../../helpers/workspace';
import { http, sseEvents } from '../../../helpers/http';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';

let provider: FakeProvider;
let t: TestHost;

beforeAll(async () => {
  provider = await startFakeProvider();
  t = await startTestHost({ providerLimits: { idleTimeoutMs: 300 } });
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo', 'error-500', 'stall'] }));
  seedPrompt(t.owner, 'greet', 'Say hello to {{name}}', { api: true });
  seedPrompt(t.owner, 'hidden', 'Not on the API {{x}}');
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

describe('POST /api/v1/prompts/{name}/run', () => {
  it('renders the served version, runs it and answers with output, version, usage and run id', async () => {
    const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'Ada' }, model: 'local:echo' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      runId: expect.any(String),
      prompt: 'greet',
      version: 1,
      model: 'local:echo',
      output: 'Echo: Say hello to Ada',
      usage: { inputTokens: 4, outputTokens: 5 },
      latencyMs: expect.any(Number),
    });
  });

  it('streams as server-sent events: start, deltas, done', async () => {
    const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'streaming world' }, model: 'local:echo', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const list = sseEvents(res.text);
    expect(list[0]).toEqual(['start', expect.objectContaining({ prompt: 'greet', version: 1, model: 'local:echo' })]);
    const deltas = list.filter(([e]) => e === 'delta').map(([, d]) => d.text as string);
    expect(deltas.join('')).toBe('Echo: Say hello to streaming world');
    expect(list.at(-1)).toEqual(['done', expect.objectContaining({ output: 'Echo: Say hello to streaming world', runId: list[0]![1].runId })]);
  });

  it('ends a stream that stalls with an error event carrying the problem', async () => {
    const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'x' }, model: 'local:stall', stream: true });
    expect(sseEvents(res.text).at(-1)).toEqual(['error', expect.objectContaining({ status: 504, code: 'provider_timeout' })]);
  });

  it('passes on provider errors as problem+json', async () => {
    const problem = expectProblem(await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'x' }, model: 'local:error-500' }), 502);
    expect(problem.detail).toMatch(/local answered 500: Fake provider/);
  });

  it('names the field at fault before calling the model', async () => {
    const before = provider.requests.length;
    expectProblem(await t.call('POST', '/api/v1/prompts/greet/run', { variables: {} , model: 'local:echo' }), 400, 'variables.name');
    expectProblem(await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'x' }, model: 'nowhere:echo' }), 404, 'model');
    expectProblem(await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'x' }, model: 'no-colon' }), 400, 'model');
    expectProblem(await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'x' }, stream: 'yes' }), 400, 'stream');
    expectProblem(await t.call('POST', '/api/v1/prompts/hidden/run', { variables: { x: '1' } }), 404);
    expect(provider.requests.length).toBe(before);
  });

  it('needs the run scope', async () => {
    const { key } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'reader', scopes: ['read'] });
    const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'x' } }, { authorization: `Bearer ${key}` });
    expectProblem(res, 403);
  });

  it('runs keyless from this machine when the prompt does not require a key', async () => {
    setApiSettings(t.owner, { name: 'greet', keyRequired: false });
    const body = JSON.stringify({ variables: { name: 'local' }, model: 'local:echo' });
    const res = await http(t.port, 'POST', '/api/v1/prompts/greet/run', { headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    setApiSettings(t.owner, { name: 'greet', keyRequired: true });
    const refused = await http(t.port, 'POST', '/api/v1/prompts/greet/run', { headers: { 'content-type': 'application/json' }, body });
    expectProblem(refused, 401);
  });
});

describe('GET /api/v1/logs', () => {
  it('pages by cursor through every run, newest first, with no repeats', async () => {
    for (let i = 0; i < 5; i++) await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: `page${i}` }, model: 'local:echo' });
    const all = (await t.call('GET', '/api/v1/logs?limit=500')).json().items as { id: string; startedAt: string }[];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.call('GET', `/api/v1/logs?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((i) => i.id));
    expect([...all].sort((a, b) => b.startedAt.localeCompare(a.startedAt))).toEqual(all);
  });

  it('filters by source, status, prompt and text', async () => {
    const errors = (await t.call('GET', '/api/v1/logs?source=api&status=error')).json().items as { status: string; source: string }[];
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((e) => e.status === 'error' && e.source === 'api')).toBe(true);
    const both = (await t.call('GET', '/api/v1/logs?status=error&status=success')).json().items as unknown[];
    const total = (await t.call('GET', '/api/v1/logs?limit=500')).json().items as unknown[];
    expect(both.length).toBe(total.length);
    const found = (await t.call('GET', '/api/v1/logs?q=page3')).json().items as { outputPreview: string }[];
    expect(found.map((f) => f.outputPreview)).toEqual(['Echo: Say hello to page3']);
    expectProblem(await t.call('GET', '/api/v1/logs?status=exploded'), 400, 'status');
    expectProblem(await t.call('GET', '/api/v1/logs?cursor=bogus'), 400, 'cursor');
    expectProblem(await t.call('GET', '/api/v1/logs?prompt=nope'), 404, 'prompt');
  });

  it('shows a member only the logs of prompts they can read', async () => {
    const guest = member(t.owner, 'guest@example.com');
    const { key } = createKey(t.owner, { userEmail: 'guest@example.com', label: 'guest' });
    const res = await t.call('GET', '/api/v1/logs', undefined, { authorization: `Bearer ${key}` });
    expect(res.json().items).toEqual([]);
    expectProblem(await t.call('GET', '/api/v1/logs?prompt=greet', undefined, { authorization: `Bearer ${key}` }), 404);
    expect(guest.actor.role).toBe('member');
  });
});
