import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { expectProblem, startBridgeHost, startTestHost, type BridgeHost, type TestHost } from '../../../helpers/host';
import { member, seedPrompt } from '../../../helpers/workspace';
import { http, sseEvents } from '../../../helpers/http';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { addShare, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { listVersions } from '../../../../src/main/core/versions/versions-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import type { RefineProgress, RefineResult } from '../../../../src/shared/schemas/refine';

let provider: FakeProvider;
let t: TestHost;

const ANSWER = 'Warmer, and it asks where from.\n<revision>\nSay a warm hello to {{name}} from {{city}}\n</revision>';
const ask = (content: string) => [{ role: 'user', content }];

beforeAll(async () => {
  provider = await startFakeProvider();
  t = await startTestHost({ providerLimits: { idleTimeoutMs: 300 } });
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo', 'error-500', 'stall'] }));
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'claude', kind: 'anthropic', baseUrl: `${provider.url}/v1`, apiKey: 'sk-ant-x', models: ['echo'] }));
  seedPrompt(t.owner, 'greet', 'Say hello to {{name}}', { api: true });
  seedPrompt(t.owner, 'hidden', 'Not on the API {{x}}');
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

const refine = (body: object, headers?: Record<string, string>, name = 'greet') => t.call('POST', `/api/v1/prompts/${name}/refine`, body, headers);
const keyFor = (email: string, scopes?: ('read' | 'run' | 'write')[]) => `Bearer ${createKey(t.owner, { userEmail: email, label: `k-${email}-${scopes?.join('') ?? 'all'}`, ...(scopes ? { scopes } : {}) }).key}`;

describe('POST /api/v1/prompts/{name}/refine', () => {
  it('answers { explanation, proposal, diff } as JSON, over both provider protocols, and saves nothing', async () => {
    for (const model of ['local:echo', 'claude:echo']) {
      const res = await refine({ messages: ask(ANSWER), model });
      expect(res.status).toBe(200);
      const body = res.json() as RefineResult;
      expect(body).toMatchObject({
        prompt: 'greet',
        version: 1,
        model,
        explanation: 'Echo: Warmer, and it asks where from.',
        proposal: { template: { kind: 'text', text: 'Say a warm hello to {{name}} from {{city}}' }, variables: [{ name: 'name' }, { name: 'city' }] },
        reason: null,
        diff: { granularity: 'words', variables: { added: ['city'], removed: [] } },
      });
      expect(body.diff!.template.some((p) => p.added && p.value.includes('warm'))).toBe(true);
    }
    expect(listVersions(t.owner, 'greet')).toHaveLength(1);
  });

  it('answers proposal null with a reason when the model gave no revision', async () => {
    const res = await refine({ messages: ask('Who reads this?'), model: 'local:echo', version: 1 });
    expect(res.json()).toMatchObject({ explanation: 'Echo: Who reads this?', proposal: null, diff: null, reason: expect.stringContaining('no proposed revision') });
  });

  it('streams as server-sent events: start, deltas, done with the same body', async () => {
    const res = await refine({ messages: ask(ANSWER), model: 'local:echo', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = sseEvents(res.text);
    expect(events[0]).toEqual(['start', { runId: expect.any(String), prompt: 'greet', version: 1, model: 'local:echo' }]);
    expect(events.filter(([e]) => e === 'delta').map(([, d]) => d.text as string).join('')).toBe(`Echo: ${ANSWER}`);
    expect(events.at(-1)).toEqual(['done', expect.objectContaining({ runId: events[0]![1].runId, proposal: expect.objectContaining({ template: { kind: 'text', text: 'Say a warm hello to {{name}} from {{city}}' } }) })]);
  });

  it('ends a stalled stream with an error event, and passes provider errors on as problem+json', async () => {
    const stalled = await refine({ messages: ask('x'), model: 'local:stall', stream: true });
    expect(sseEvents(stalled.text).at(-1)).toEqual(['error', expect.objectContaining({ status: 504, code: 'provider_timeout' })]);
    const problem = expectProblem(await refine({ messages: ask('x'), model: 'local:error-500' }), 502);
    expect(problem.detail).toMatch(/local answered 500/);
  });

  it('bad input is problem+json naming the field, before any model call', async () => {
    const before = provider.requests.length;
    expectProblem(await refine({}), 400, 'messages');
    expectProblem(await refine({ messages: [] }), 400, 'messages');
    expectProblem(await refine({ messages: [{ role: 'user', content: '   ' }] }), 400, 'messages.0.content');
    expectProblem(await refine({ messages: [{ role: 'robot', content: 'x' }] }), 400, 'messages.0.role');
    expectProblem(await refine({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }] }), 400, 'messages');
    expectProblem(await refine({ messages: [{ role: 'assistant', content: 'y', proposal: { kind: 'text' } }, ...ask('x')] }), 400, 'messages.0.proposal.text');
    expectProblem(await refine({ messages: ask('x'), model: 'no-colon' }), 400, 'model');
    expectProblem(await refine({ messages: ask('x'), model: 'nowhere:echo' }), 404, 'model');
    expectProblem(await refine({ messages: ask('x'), version: 0 }), 400, 'version');
    expectProblem(await refine({ messages: ask('x'), stream: 'yes' }), 400, 'stream');
    expectProblem(await refine({ messages: ask('x'), version: 7 }), 404);
    expect(provider.requests.length).toBe(before);
  });

  it('hidden = missing: a prompt without API access and one that never existed answer alike', async () => {
    const hidden = expectProblem(await refine({ messages: ask('x') }, undefined, 'hidden'), 404);
    const missing = expectProblem(await refine({ messages: ask('x') }, undefined, 'never-was'), 404);
    expect(hidden.detail).toBe(missing.detail);
    expect(hidden.detail).not.toContain('hidden');
  });

  it('needs read on the prompt (refining shows the template) and, for a key, the run scope', async () => {
    const runner = member(t.owner, 'runner@example.com');
    const viewer = member(t.owner, 'viewer@example.com');
    addShare(t.owner, { name: 'greet', email: runner.actor.email, permission: 'run' });
    addShare(t.owner, { name: 'greet', email: viewer.actor.email, permission: 'view' });
    const body = { messages: ask(ANSWER), model: 'local:echo' };

    // A run-only member may run the prompt but not see its text: refining is refused (403), as is a read-only key.
    expectProblem(await refine(body, { authorization: keyFor(runner.actor.email) }), 403);
    expect((await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'x' }, model: 'local:echo' }, { authorization: keyFor(runner.actor.email) })).status).toBe(200);
    expectProblem(await refine(body, { authorization: keyFor(t.owner.actor.email, ['read']) }), 403);
    expectProblem(await refine(body, { authorization: keyFor(t.owner.actor.email, ['run']) }), 403);

    // A view-only member may refine (and copy) but saving the proposal as a version is refused.
    const viewerKey = keyFor(viewer.actor.email);
    const res = await refine(body, { authorization: viewerKey });
    expect(res.status).toBe(200);
    const proposal = (res.json() as RefineResult).proposal!;
    expectProblem(await t.call('POST', '/api/v1/prompts/greet/versions', { template: proposal.template, commitMessage: 'Refine with AI' }, { authorization: viewerKey }), 403);
    expect(listVersions(t.owner, 'greet')).toHaveLength(1);
  });

  it('runs keyless from this machine on the same terms as /run', async () => {
    const body = JSON.stringify({ messages: ask(ANSWER), model: 'local:echo' });
    const keyless = () => http(t.port, 'POST', '/api/v1/prompts/greet/refine', { headers: { 'content-type': 'application/json' }, body });
    expectProblem(await keyless(), 401);
    setApiSettings(t.owner, { name: 'greet', keyRequired: false });
    expect((await keyless()).status).toBe(200);
    setApiSettings(t.owner, { name: 'greet', keyRequired: true });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json')).json() as { paths: Record<string, { post?: { requestBody?: unknown } }> };
    expect(doc.paths['/api/v1/prompts/{name}/refine']?.post?.requestBody).toBeDefined();
  });
});

describe('the bridge door (refine:* channels, as the app calls them)', () => {
  let b: BridgeHost;
  beforeAll(async () => {
    b = await startBridgeHost();
    const owner = b.host.workspace.as(b.host.workspace.owner.id);
    saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo', 'stall'] }));
    seedPrompt(owner, 'greet', 'Say hello to {{name}}');
    setSharingLevel(owner, { name: 'greet', level: 'private' });
  });
  afterAll(() => b.stop());

  const call = async <T>(channel: string, body: unknown): Promise<T> => {
    const res = await b.bridge(channel, body);
    const result = res.json() as { ok: boolean; value: T; error?: unknown };
    expect(result).toMatchObject({ ok: true });
    return result.value;
  };

  it('prepare, start, watch to the result, then save as a version', async () => {
    expect(await call('refine:prepare', { name: 'greet' })).toMatchObject({ prompt: 'greet', version: 1, models: ['local:echo', 'local:stall'], canSave: true });
    const started = await call<{ runId: string }>('refine:start', { name: 'greet', model: 'local:echo', messages: ask(ANSWER) });
    let progress = await call<RefineProgress>('refine:watch', { runId: started.runId, cursor: 0 });
    while (progress.status === 'running') progress = await call<RefineProgress>('refine:watch', { runId: started.runId, cursor: progress.cursor });
    expect(progress).toMatchObject({ status: 'success', result: { proposal: { template: { kind: 'text', text: 'Say a warm hello to {{name}} from {{city}}' } } } });
    const saved = await call('refine:save', { name: 'greet', version: 1, template: progress.result!.proposal!.template, note: 'from the panel' });
    expect(saved).toMatchObject({ number: 2, commitMessage: 'Refine with AI (from version 1): from the panel' });
  });

  it('Stop cancels a turn; bad input names the field', async () => {
    const started = await call<{ runId: string }>('refine:start', { name: 'greet', model: 'local:stall', messages: ask('x') });
    expect(await call('refine:cancel', { runId: started.runId })).toMatchObject({ status: 'cancelled', result: null });
    const bad = (await b.bridge('refine:start', { name: 'greet', messages: [] })).json() as { ok: boolean; error: { field?: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'messages' } });
  });
});
