import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import type { Workspace } from '../../../../src/main/core/workspace';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { beginApiRun, cancelRun, startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { getLog, listLogs } from '../../../../src/main/core/logs/logs-service';
import { setDataLogging } from '../../../../src/main/core/prompts/prompts-service';
import { AppError } from '../../../../src/main/core/errors';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { StartRunInput, RunApiBody, type RunProgress } from '../../../../src/shared/schemas/runs';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';
import { DB_FILE } from '../../../../src/main/core/workspace';

const PROVIDER_KEY = 'sk-provider-secret-5521';
let provider: FakeProvider;

beforeAll(async () => {
  provider = await startFakeProvider({ apiKey: PROVIDER_KEY });
});
afterAll(() => provider.close());

let t: ReturnType<typeof testWorkspace>;
let owner: Ctx;
let workspace: Workspace;

beforeEach(() => {
  t = testWorkspace({ limits: { responseTimeoutMs: 2000, idleTimeoutMs: 300, maxResponseBytes: 256 * 1024 } });
  ({ owner, workspace } = t);
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, apiKey: PROVIDER_KEY, models: ['echo'] }));
  seedPrompt(owner, 'greet', 'Say hello to {{name}}');
});
afterEach(() => t.cleanup());

async function finish(ctx: Ctx, runId: string): Promise<RunProgress> {
  let cursor = 0;
  let text = '';
  for (;;) {
    const progress = await watchRun(ctx, { runId, cursor });
    text += progress.text;
    cursor = progress.cursor;
    if (progress.status !== 'running') return { ...progress, text };
  }
}

const chat = (ctx: Ctx, input: object) => startRun(ctx, StartRunInput.parse(input));
const apiRun = (ctx: Ctx, name: string, body: object) => beginApiRun(ctx, name, RunApiBody.parse(body)).finished;
const logs = (ctx: Ctx, filter: object = {}) => listLogs(ctx, ListLogsInput.parse(filter)).items;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the run to fail');
}

describe('running a prompt', () => {
  it('streams the answer, then logs it with tokens, latency and the version used', async () => {
    const started = chat(owner, { name: 'greet', variables: { name: 'Ada' }, model: 'local:echo' });
    expect(started.displayText).toBe('Say hello to Ada');
    const end = await finish(owner, started.runId);
    expect(end).toMatchObject({ status: 'success', text: 'Echo: Say hello to Ada', usage: { inputTokens: 4, outputTokens: 5 } });
    expect(end.ttftMs).not.toBeNull();
    const [entry] = logs(owner);
    expect(entry).toMatchObject({ id: started.runId, prompt: 'greet', version: 1, source: 'chat', status: 'success', model: 'local:echo', inputTokens: 4, outputTokens: 5 });
    expect(getLog(owner, started.runId)).toMatchObject({ variables: { name: 'Ada' }, output: 'Echo: Say hello to Ada' });
  });

  it('continues a chat with the earlier turns sent back to the model', async () => {
    const first = chat(owner, { name: 'greet', variables: { name: 'Ada' }, model: 'local:echo' });
    await finish(owner, first.runId);
    const reply = chat(owner, { conversationId: first.conversationId, message: 'And to Grace' });
    expect((await finish(owner, reply.runId)).text).toBe('Echo: And to Grace');
    const sent = provider.requests.at(-1)!.body as { messages: { role: string; content: unknown }[] };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(logs(owner).map((l) => l.status)).toEqual(['success', 'success']);
  });

  it('uses the prompt\'s own model when none is asked for, and refuses when there is none', async () => {
    const started = chat(owner, { name: 'greet', variables: { name: 'Ada' } });
    expect(started.model).toBe('local:echo');
    const outsider = member(owner, 'outsider@example.com');
    saveIntegration(owner, { ...SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'], access: 'selected' }), id: workspace.store.integrations.getByName('local')!.id });
    seedPrompt(outsider, 'mine', 'Hi {{x}}');
    expect(() => chat(outsider, { name: 'mine', variables: { x: '1' } })).toThrow(/No model/);
    expect(() => chat(outsider, { name: 'mine', variables: { x: '1' }, model: 'local:echo' })).toThrow(/may not use the integration/);
    await finish(owner, started.runId);
  });

  it('runs the unsaved draft with its unsaved variable defaults and models (test panel)', async () => {
    saveIntegration(owner, SaveIntegrationInput.parse({ name: 'other', kind: 'anthropic', baseUrl: `${provider.url}/v1`, apiKey: PROVIDER_KEY, models: ['echo'] }));
    const started = chat(owner, {
      name: 'greet',
      source: 'test',
      draft: { template: { kind: 'text', text: 'Draft to {{who}}' }, variables: [{ name: 'who', default: 'Bea' }], modelSettings: { models: ['other:echo'] } },
    });
    expect(started).toMatchObject({ version: null, model: 'other:echo' });
    expect((await finish(owner, started.runId)).text).toBe('Echo: Draft to Bea');
    expect(logs(owner, { source: 'test' })[0]).toMatchObject({ version: null, source: 'test' });
    const viewer = member(owner, 'viewer@example.com');
    expect(() => chat(viewer, { name: 'greet', draft: { template: { kind: 'text', text: 'x' } } })).toThrow();
  });

  it('refuses a run with a missing variable before calling the model, naming the field', () => {
    const before = provider.requests.length;
    expect(() => chat(owner, { name: 'greet', variables: {}, model: 'local:echo' })).toThrow(expect.objectContaining({ field: 'variables.name' }));
    expect(provider.requests.length).toBe(before);
  });

  it('answers API callers with output, version, usage and run id once the log is written', async () => {
    const result = await apiRun(owner, 'greet', { variables: { name: 'Lin' }, model: 'local:echo' });
    expect(result).toMatchObject({ prompt: 'greet', version: 1, model: 'local:echo', output: 'Echo: Say hello to Lin', usage: { inputTokens: 4, outputTokens: 5 } });
    expect(logs(owner, { source: 'api' }).map((l) => l.id)).toEqual([result.runId]);
  });

  it('cancels a running answer; the partial answer is logged as cancelled', async () => {
    saveIntegration(owner, SaveIntegrationInput.parse({ name: 'slowpoke', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, apiKey: PROVIDER_KEY, models: ['slow'] }));
    const started = chat(owner, { name: 'greet', variables: { name: 'a rather long name to stream' }, model: 'slowpoke:slow' });
    const first = await watchRun(owner, { runId: started.runId, cursor: 0 });
    expect(first.status).toBe('running');
    const end = await cancelRun(owner, started.runId);
    expect(end.status).toBe('cancelled');
    expect(end.text.length).toBeLessThan('Echo: Say hello to a rather long name to stream'.length);
    expect(logs(owner, { status: 'cancelled' })).toHaveLength(1);
  });
});

describe('provider failures end the run with a clear error, never a hang', () => {
  const withModel = (model: string, apiKey = PROVIDER_KEY) =>
    saveIntegration(owner, SaveIntegrationInput.parse({ name: `p-${model}`, kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, apiKey, models: [model] }));

  it('times out a stalled stream', async () => {
    withModel('stall');
    const error = await failure(apiRun(owner, 'greet', { variables: { name: 'x' }, model: 'p-stall:stall' }));
    expect(error.code).toBe('provider_timeout');
    expect(logs(owner, { status: 'error' })[0]).toMatchObject({ error: expect.stringContaining('stopped sending') });
  });

  it('passes on the provider\'s message for 500 and 401, and rate limits for 429 with Retry-After', async () => {
    withModel('error-500');
    withModel('error-429');
    withModel('echo', 'sk-wrong');
    const e500 = await failure(apiRun(owner, 'greet', { variables: { name: 'x' }, model: 'p-error-500:error-500' }));
    expect(e500).toMatchObject({ code: 'provider_error', message: expect.stringContaining('500') });
    const e429 = await failure(apiRun(owner, 'greet', { variables: { name: 'x' }, model: 'p-error-429:error-429' }));
    expect(e429).toMatchObject({ code: 'rate_limited', retryAfter: 1 });
    const e401 = await failure(apiRun(owner, 'greet', { variables: { name: 'x' }, model: 'p-echo:echo' }));
    expect(e401).toMatchObject({ code: 'provider_error', message: expect.stringContaining('401') });
    expect(logs(owner, { status: 'error' })).toHaveLength(3);
  });

  it('stops a huge answer at the size cap', async () => {
    withModel('huge');
    const error = await failure(apiRun(owner, 'greet', { variables: { name: 'x' }, model: 'p-huge:huge' }));
    expect(error).toMatchObject({ code: 'provider_error', message: expect.stringContaining('exceeded') });
  });

  it('refuses a redirect to another host, so the key goes nowhere else', async () => {
    withModel('redirect');
    const error = await failure(apiRun(owner, 'greet', { variables: { name: 'x' }, model: 'p-redirect:redirect' }));
    expect(error.message).toMatch(/redirected to another host/);
    expect(provider.requests.filter((r) => String(r.headers.host).startsWith('localhost'))).toHaveLength(0);
  });

  it('reports an unreachable provider', async () => {
    saveIntegration(owner, SaveIntegrationInput.parse({ name: 'gone', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['m'] }));
    const error = await failure(apiRun(owner, 'greet', { variables: { name: 'x' }, model: 'gone:m' }));
    expect(error).toMatchObject({ code: 'provider_error', message: expect.stringContaining('could not be reached') });
  });
});

describe('data logging levels', () => {
  // Flushes the WAL into the main file so the bytes on disk are what a reader would find.
  function bytesOnDisk(): string {
    workspace.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = [DB_FILE, `${DB_FILE}-wal`].map((f) => join(t.dir, f)).filter(existsSync);
    return files.map((f) => readFileSync(f).toString('latin1')).join('');
  }

  it('full keeps variables, messages and output', async () => {
    await apiRun(owner, 'greet', { variables: { name: 'Zephyrine' }, model: 'local:echo' });
    const [entry] = logs(owner);
    expect(getLog(owner, entry!.id)).toMatchObject({ variables: { name: 'Zephyrine' }, output: 'Echo: Say hello to Zephyrine', messages: [{ role: 'user', content: 'Say hello to Zephyrine' }] });
    expect(logs(owner, { q: 'Zephyrine' })).toHaveLength(1);
    expect(bytesOnDisk()).toContain('Zephyrine');
  });

  it('metadata keeps variable names and sizes, no values or output', async () => {
    setDataLogging(owner, 'greet', 'metadata');
    const result = await apiRun(owner, 'greet', { variables: { name: 'Quillon' }, model: 'local:echo' });
    expect(getLog(owner, result.runId)).toMatchObject({ variables: null, variableNames: ['name'], output: null, messages: null, outputChars: result.output.length, dataLogging: 'metadata' });
    expect(bytesOnDisk()).not.toContain('Quillon');
  });

  it('none leaves no variable or output text in the database file at all', async () => {
    setDataLogging(owner, 'greet', 'none');
    const marker = 'Xyloquartz';
    const result = await apiRun(owner, 'greet', { variables: { name: marker }, model: 'local:echo' });
    const started = chat(owner, { name: 'greet', variables: { name: marker }, model: 'local:echo' });
    await finish(owner, started.runId);
    const reply = chat(owner, { conversationId: started.conversationId, message: `more ${marker}` });
    await finish(owner, reply.runId);
    expect(getLog(owner, result.runId)).toMatchObject({ status: 'success', variables: null, variableNames: null, output: null, messages: null, inputTokens: 4 });
    expect(logs(owner)).toHaveLength(3);
    expect(bytesOnDisk()).not.toContain(marker);
  });
});

describe('provider keys', () => {
  it('are stored encrypted and never returned', () => {
    const listed = workspace.store.integrations.getByName('local')!;
    expect(listed.apiKeyHint).toBe('sk-…5521');
    workspace.store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(t.dir, DB_FILE)).toString('latin1')).not.toContain(PROVIDER_KEY);
  });
});
