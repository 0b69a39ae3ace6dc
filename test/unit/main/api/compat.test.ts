import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { getPrompt, setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { getVersion, listVersions, saveVersion } from '../../../../src/main/core/versions/versions-service';
import { commitVersion, promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { seedPrompt } from '../../../helpers/workspace';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.stop());

describe('seed 001: PUT /compat/conductor/api/prompts/{name}', () => {
  it("runs the seed's own example: creates the prompt and answers 200 with no body", async () => {
    // curl -X 'PUT' '<URL>/api/prompts/population-prompt?description=A%20population%20prompt' -H 'accept: */*'
    //   -H 'X-Authorization: <TOKEN>' -H 'Content-Type: application/json' -d 'What is the population of China in 1994?'
    const res = await http(t.port, 'PUT', '/compat/conductor/api/prompts/population-prompt?description=A%20population%20prompt', {
      headers: { accept: '*/*', 'x-authorization': t.key, 'content-type': 'application/json' },
      body: 'What is the population of China in 1994?',
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const prompt = getPrompt(t.owner, 'population-prompt');
    expect(prompt).toMatchObject({ description: 'A population prompt', owner: { id: t.owner.actor.id }, apiAccess: true });
    expect(prompt.latest).toMatchObject({ number: 1, template: { kind: 'text', text: 'What is the population of China in 1994?' } });
  });

  it('updates the latest version and description, keeping createdBy and createTime; strips enclosing quotes', async () => {
    const before = getPrompt(t.owner, 'population-prompt');
    const res = await http(t.port, 'PUT', '/compat/conductor/api/prompts/population-prompt?description=Updated', {
      headers: { 'x-authorization': t.key, 'content-type': 'text/plain' },
      // Conductor's variable syntax, ${name}: stored as Promptdesk's {{name}} (conductor-syntax.ts).
      body: '"What is the population of ${country} in ${year}?"',
    });
    expect(res.status).toBe(200);
    const after = getPrompt(t.owner, 'population-prompt');
    expect(after).toMatchObject({ description: 'Updated', createdAt: before.createdAt, owner: before.owner, latestVersion: 1 });
    expect(after.latest!.template).toEqual({ kind: 'text', text: 'What is the population of {{country}} in {{year}}?' });
  });

  it('never changes a published version: the update becomes a new version', async () => {
    promoteVersion(t.owner, { name: 'population-prompt', number: 1, notes: '' });
    await http(t.port, 'PUT', '/compat/conductor/api/prompts/population-prompt?description=x&version=1', {
      headers: { 'x-authorization': t.key },
      body: 'Changed text',
    });
    expect(getVersion(t.owner, 'population-prompt', 1).template).toEqual({ kind: 'text', text: 'What is the population of {{country}} in {{year}}?' });
    expect(getVersion(t.owner, 'population-prompt', 2).template).toEqual({ kind: 'text', text: 'Changed text' });
  });

  it('answers 404 for a model whose integration does not exist, 400 without description, 401 without a key', async () => {
    expectProblem(await http(t.port, 'PUT', '/compat/conductor/api/prompts/with-model?description=d&models=openai:gpt-4o', { headers: { 'x-authorization': t.key }, body: 'x' }), 404);
    expectProblem(await http(t.port, 'PUT', '/compat/conductor/api/prompts/no-desc', { headers: { 'x-authorization': t.key }, body: 'x' }), 400, 'description');
    expectProblem(await http(t.port, 'PUT', '/compat/conductor/api/prompts/no-key?description=d', { body: 'x' }), 401);
    expect(listVersions(t.owner, 'population-prompt')).toHaveLength(2);
  });

  it('associates models of an integration that exists (seed 001 models=integration:model)', async () => {
    saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'openai', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', models: ['gpt-4o'] }));
    const res = await http(t.port, 'PUT', '/compat/conductor/api/prompts/with-model?description=d&models=openai:gpt-4o&models=openai:gpt-4o-mini', { headers: { 'x-authorization': t.key }, body: 'x' });
    expect(res.status).toBeLessThan(300);
    expect(getVersion(t.owner, 'with-model', 1).modelSettings.models).toEqual(['openai:gpt-4o', 'openai:gpt-4o-mini']);
  });

  it('answers 403 when the caller lacks UPDATE permission on an existing prompt', async () => {
    const bobKey = await memberKey('bob@example.com');
    const res = await http(t.port, 'PUT', '/compat/conductor/api/prompts/population-prompt?description=hijack', { headers: { 'x-authorization': bobKey }, body: 'hijacked' });
    expectProblem(res, 403);
    expect(getPrompt(t.owner, 'population-prompt').description).toBe('x');
  });
});

async function memberKey(email: string): Promise<string> {
  const created = await http(t.port, 'POST', '/api/v1/members', {
    headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: email.split('@')[0] }),
  });
  expect([201, 409]).toContain(created.status);
  const key = await http(t.port, 'POST', '/api/v1/keys', {
    headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userEmail: email, label: 'member' }),
  });
  return key.json().key as string;
}

describe('seed 003: POST /compat/openwebui/api/prompts/id/{id}/update', () => {
  const ID = '550e8400-e29b-41d4-a716-446655440000';
  beforeAll(() => {
    seedPrompt(t.owner, 'summarizer', 'Summarize: {{input}}', { title: 'Text Summarizer', slashCommand: 'summarize', api: true });
    // The seed's example names a fixed id; give the prompt that id.
    const db = t.host.workspace.store.db;
    db.transaction(() => {
      db.pragma('defer_foreign_keys = ON');
      const old = (db.prepare("SELECT id FROM prompts WHERE name = 'summarizer'").get() as { id: string }).id;
      for (const table of ['prompt_versions', 'prompt_tags', 'prompt_shares', 'promotions']) db.prepare(`UPDATE ${table} SET prompt_id = ? WHERE prompt_id = ?`).run(ID, old);
      db.prepare('UPDATE prompts SET id = ? WHERE id = ?').run(ID, old);
    })();
  });

  it("runs the seed's own example: new version, promoted, and the documented response shape", async () => {
    const res = await http(t.port, 'POST', `/compat/openwebui/api/prompts/id/${ID}/update`, {
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        command: 'summarize',
        name: 'Advanced Text Summarizer',
        content: 'Please provide a detailed summary of the following text: {{input}}',
        tags: ['productivity', 'writing', 'advanced'],
        commit_message: 'Enhanced summarization prompt with more detail',
        is_production: true,
      }),
    });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: ID,
      command: 'summarize',
      user_id: t.owner.actor.id,
      name: 'Advanced Text Summarizer',
      content: 'Please provide a detailed summary of the following text: {{input}}',
      data: {},
      meta: {},
      tags: ['productivity', 'writing', 'advanced'],
      is_active: true,
      access_grants: [],
    });
    expect(typeof body.created_at).toBe('number');
    expect(body.updated_at).toBeGreaterThanOrEqual(body.created_at);
    const version = getVersion(t.owner, 'summarizer', 2);
    expect(version).toMatchObject({ status: 'published', commitMessage: 'Enhanced summarization prompt with more detail' });
    expect(body.version_id).toBe(version.id);
  });

  it('with is_production false creates a draft and keeps production', async () => {
    const res = await http(t.port, 'POST', `/compat/openwebui/api/prompts/id/${ID}/update`, {
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ command: 'summarize', name: 'Advanced Text Summarizer', content: 'Draft {{input}}', is_production: false, data: { a: 1 } }),
    });
    // Open WebUI's update_prompt_by_id writes the form's content; only version_id stays on production.
    expect(res.json()).toMatchObject({ content: 'Draft {{input}}', version_id: getVersion(t.owner, 'summarizer', 2).id, data: { a: 1 } });
    expect(getVersion(t.owner, 'summarizer', 3).status).toBe('draft');
  });

  it('answers 400 for a command another prompt uses, 404 for an unknown id, 401 without write access', async () => {
    seedPrompt(t.owner, 'other', 'x', { slashCommand: 'taken', api: true });
    const post = (id: string, body: object, key = t.key) =>
      http(t.port, 'POST', `/compat/openwebui/api/prompts/id/${id}/update`, { headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expectProblem(await post(ID, { command: 'taken', name: 'n', content: 'c' }), 400, 'command');
    expectProblem(await post('00000000-0000-0000-0000-000000000000', { command: 'x', name: 'n', content: 'c' }), 404);
    const { setSharingLevel } = await import('../../../../src/main/core/sharing/sharing-service');
    setSharingLevel(t.owner, { name: 'summarizer', level: 'library_view' });
    expectProblem(await post(ID, { command: 'summarize', name: 'n', content: 'c' }, await memberKey('carol@example.com')), 401);
    expectProblem(await post(ID, { name: 'n', content: 'c' }), 400, 'command');
  });
});

describe('seed 004: /compat/respan', () => {
  beforeAll(() => {
    // The seed's example deploys version 3 of a prompt whose id is written "prompt_id".
    seedPrompt(t.owner, 'prompt_id', 'You are a helpful assistant. Context: {{context}}', { api: true });
    for (const text of ['two {{context}}', 'You are a helpful assistant. Context: {{context}}']) {
      saveVersion(t.owner, SaveVersionInput.parse({ name: 'prompt_id', template: { kind: 'chat', messages: [{ role: 'system', content: text }] }, commitMessage: 'Improved system prompt for better context handling' }));
    }
    commitVersion(t.owner, 'prompt_id', 3);
  });

  it("runs the seed's own deploy example and answers the documented version object", async () => {
    const res = await http(t.port, 'POST', '/compat/respan/api/prompts/prompt_id/deployments/', {
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 3 }),
    });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      version: 3,
      description: 'Improved system prompt for better context handling',
      messages: [{ role: 'system', content: 'You are a helpful assistant. Context: {{context}}' }],
      readonly: true,
      is_deployed: true,
      edited_by: { email: t.owner.actor.email },
    });
    expect(body.prompt_version_id).toBe(body.id);
    for (const key of ['model', 'created_at', 'updated_at']) expect(body).toHaveProperty(key);
    expect(getVersion(t.owner, 'prompt_id', 3).status).toBe('published');
  });

  it('refuses to deploy an uncommitted version (400), an unknown prompt (404), without a key (401)', async () => {
    const post = (path: string, body: object, headers: Record<string, string> = { authorization: `Bearer ${t.key}` }) =>
      http(t.port, 'POST', path, { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expectProblem(await post('/compat/respan/api/prompts/prompt_id/deployments/', { version: 2 }), 400, 'version');
    expectProblem(await post('/compat/respan/api/prompts/nope/deployments/', { version: 1 }), 404);
    expectProblem(await post('/compat/respan/api/prompts/prompt_id/deployments/', { version: 1 }, {}), 401);
    expectProblem(await post('/compat/respan/api/prompts/prompt_id/deployments/', {}), 400, 'version');
  });

  it('creates a prompt, adds, lists, updates, commits and deploys versions', async () => {
    const call = (method: string, path: string, body?: object) =>
      http(t.port, method, `/compat/respan${path}`, {
        headers: { authorization: `Bearer ${t.key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const created = (await call('POST', '/api/prompts/', { name: 'Support Bot', description: 'Answers tickets' })).json();
    expect(created).toMatchObject({ name: 'Support Bot', description: 'Answers tickets', current_version: null });
    const id = created.id as string;
    const v1 = (await call('POST', `/api/prompts/${id}/versions/`, { messages: [{ role: 'system', content: 'Be kind to {{user}}' }], model: 'gpt-4o' })).json();
    expect(v1).toMatchObject({ version: 1, model: 'gpt-4o', readonly: false, is_deployed: false });
    expect((await call('PATCH', `/api/prompts/${id}/versions/1/`, { description: 'kinder' })).json()).toMatchObject({ description: 'kinder' });
    expect((await call('GET', `/api/prompts/${id}/versions/`)).json()).toMatchObject({ count: 1 });
    expect((await call('POST', `/api/prompts/${id}/versions/1/commit/`)).json()).toMatchObject({ readonly: true });
    expectProblem(await call('PATCH', `/api/prompts/${id}/versions/1/`, { description: 'again' }), 400);
    expect((await call('POST', `/api/prompts/${id}/deployments/`, { version: 1 })).json()).toMatchObject({ is_deployed: true });
    // The SDK's Prompt model reads current_version and live_version as version objects (issue 11).
    expect((await call('GET', `/api/prompts/${id}/`)).json()).toMatchObject({ current_version: { version: 1 }, live_version: { version: 1 }, deployed_version: 1 });
    const list = (await call('POST', '/api/prompts/list/', { page: 1, page_size: 10 })).json();
    expect(list.results.map((p: { name: string }) => p.name)).toContain('Support Bot');
    expect((await call('GET', '/api/prompts/summary/')).json()).toMatchObject({ total_prompts: list.count });
    // 200 with a JSON body: the SDK's PromptAPI.delete parses the answer as JSON (issue 11).
    expect((await call('DELETE', `/api/prompts/${id}/`)).status).toBe(200);
    expectProblem(await call('GET', `/api/prompts/${id}/`), 404);
  });
});

describe('compat calls obey API exposure', () => {
  it('an app-made prompt with API access off is invisible to seed clients too', async () => {
    seedPrompt(t.owner, 'app-only', 'x');
    const res = await http(t.port, 'GET', '/compat/respan/api/prompts/app-only/', { headers: { authorization: `Bearer ${t.key}` } });
    expectProblem(res, 404);
    setApiSettings(t.owner, { name: 'app-only', apiAccess: true });
    expect((await http(t.port, 'GET', '/compat/respan/api/prompts/app-only/', { headers: { authorization: `Bearer ${t.key}` } })).status).toBe(200);
  });
});
