import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { createPrompt, setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion, getVersion } from '../../../../src/main/core/versions/versions-service';
import { CreatePromptInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { RESPAN_PARAMS_MAX_CHARS } from '../../../../src/main/core/compat/respan-params';
import { CREATE_VERSION_BODY, MODELS, sdkHeaders } from '../../../fixtures/respan-sdk';
import { AddUserInput, type KeyScope } from '../../../../src/shared/schemas/users';
import { addUser } from '../../../../src/main/core/users/users-service';

/**
 * Issue 11, the tester's report on the Respan door (/tmp/reports/respan-attack.md, items 1-9 and
 * 12): each describe is one class of fault, and fails on the door as it was before the fix.
 */
let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.stop());

const BASE = '/compat/respan';
const store = () => t.owner.store;

function keyWith(scopes: KeyScope[]): string {
  return createKey(t.owner, { userEmail: t.owner.actor.email, label: scopes.join('+'), scopes }).key;
}

function callAs(key: string, method: string, path: string, body?: unknown): Promise<RawResponse> {
  return http(t.port, method, `${BASE}${path}`, { headers: sdkHeaders(key), body: body === undefined ? undefined : JSON.stringify(body) });
}

/** A prompt made through the door with `versions` chat versions `v<n> {{x}}`. */
async function promptWith(versions: number, title = 'Attack'): Promise<{ id: string; name: string }> {
  const id = (await t.call('POST', `${BASE}/api/prompts/`, { name: title })).json().id as string;
  for (let n = 1; n <= versions; n++) {
    const res = await t.call('POST', `${BASE}/api/prompts/${id}/versions/`, { messages: [{ role: 'user', content: `v${n} {{x}}` }] });
    expect(res.status, res.text).toBe(201);
  }
  return { id, name: store().prompts.getRowById(id)!.name };
}

describe('item 1: a write answered to a caller who may not read is one the SDK can parse', () => {
  it.each([
    ['PATCH a version (update_version)', 'PromptVersionRetrieveResponse', (id: string) => ['PATCH', `/api/prompts/${id}/versions/1`, { temperature: 0.5 }]],
    ['POST a version commit', 'PromptVersionRetrieveResponse', (id: string) => ['POST', `/api/prompts/${id}/versions/1/commit`]],
    ['PATCH the prompt (update)', 'PromptRetrieveResponse', (id: string) => ['PATCH', `/api/prompts/${id}`, { name: 'Renamed' }]],
  ] as const)('%s with a write-only key: 200, valid for the SDK model, no messages member, saved once', async (_op, model, request) => {
    const { id } = await promptWith(1, 'Write only');
    const [method, path, body] = request(id) as [string, string, unknown];
    const res = await callAs(keyWith(['write']), method, path, body);
    expect(res.status, res.text).toBe(200);
    const parsed = MODELS[model].safeParse(res.json());
    expect(parsed.success, parsed.error?.message).toBe(true);
    expect(res.text).not.toContain('v1 {{x}}');
    expect(res.text).not.toContain('"messages":null');
  });

  it("deploy (PATCH {deploy: true}) with a write+promote-capable key that may not read: live_version parses, no messages", async () => {
    const { id } = await promptWith(1, 'Deploy write only');
    await t.call('PATCH', `${BASE}/api/prompts/${id}/versions/1`, { readonly: true });
    const res = await callAs(keyWith(['write']), 'PATCH', `/api/prompts/${id}`, { deploy: true });
    expect(res.status, res.text).toBe(200);
    expect(MODELS.PromptRetrieveResponse.safeParse(res.json()).success).toBe(true);
    expect(res.json().live_version).toMatchObject({ version: 1, is_deployed: true });
    expect(res.json().live_version).not.toHaveProperty('messages');
  });
});

describe("item 2: kept settings are one row per version, bounded, deleted with it", () => {
  const toolOf = (chars: number) => [{ type: 'function', function: { name: 'f', description: 'x'.repeat(chars) } }];

  it('the bytes a version write adds to the WAL do not grow with the number of versions', async () => {
    const { id, name } = await promptWith(0, 'Many versions');
    const wal = () => statSync(`${store().path}-wal`).size;
    const grown: number[] = [];
    for (let n = 1; n <= 20; n++) {
      const before = wal();
      const res = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { messages: [{ role: 'user', content: `v${n}` }], tools: toolOf(20_000) });
      expect(res.status, res.text).toBe(201);
      grown.push(wal() - before);
    }
    // A checkpoint restarts the WAL (wal-seal.ts); it is never due at these sizes, so growth is per write.
    expect(grown.every((bytes) => bytes > 0)).toBe(true);
    // Write 20 touches what write 2 did (one settings row, the version, the prompt), not 19 earlier settings.
    expect(grown[19]!, `WAL bytes added by writes 1..20: ${grown.join(', ')}`).toBeLessThan(grown[1]! * 1.5);
    if (process.env.RESPAN_WAL_FIGURES) console.log(`WAL bytes per write: ${grown.join(", ")}`);
    // Rows: one per version, and nothing of them in the prompt's row.
    const row = store().prompts.getRowByName(name)!;
    expect(store().db.prepare('SELECT count(*) AS n FROM respan_version_params WHERE prompt_id = ?').get(row.id)).toEqual({ n: 20 });
    expect(row.extra.length).toBeLessThan(100);
  });

  it('deleting a version deletes its kept settings; deleting the prompt deletes them all', async () => {
    const { id, name } = await promptWith(0, 'Deleted settings');
    for (let n = 1; n <= 2; n++) await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { messages: [{ role: 'user', content: `v${n}` }], top_p: 0.5 });
    const count = () => (store().db.prepare('SELECT count(*) AS n FROM respan_version_params WHERE prompt_id = ?').get(id) as { n: number }).n;
    expect(count()).toBe(2);
    expect((await t.call('DELETE', `${BASE}/api/prompts/${id}/versions/1`)).status).toBe(204);
    expect(count()).toBe(1);
    expect(getVersion(t.owner, name, 2)).toBeTruthy();
    expect((await t.call('DELETE', `${BASE}/api/prompts/${id}`)).status).toBe(200);
    expect(count()).toBe(0);
  });

  it.each([
    ['create', 'POST', (id: string) => `/api/prompts/${id}/versions`, { messages: [{ role: 'user', content: 'a' }] }],
    ['update', 'PATCH', (id: string) => `/api/prompts/${id}/versions/1`, {}],
  ] as const)('%s with settings past %s characters: 400 naming the largest member, nothing saved', async (_op, method, path, body) => {
    const { id } = await promptWith(1, 'Too big');
    const res = await t.call(method, `${BASE}${path(id)}`, { ...body, top_p: 0.9, tools: toolOf(RESPAN_PARAMS_MAX_CHARS) });
    expect(res.status, res.text).toBe(400);
    expect(res.json()).toMatchObject({ field: 'tools', tools: [expect.stringContaining('100,000')] });
    expect(store().versions.list(id).length).toBe(1);
    expect(store().respanParams.get(id, store().versions.get(id, 1)!.id)).toBeUndefined();
  });
});

describe('item 3 and 12: a filter or member Promptdesk does not have is a 400 naming it, never ignored', () => {
  it.each(['readonly=true', 'model=gpt-4o', 'created_after=2024-01-01'])('GET versions?%s', async (query) => {
    const { id } = await promptWith(2, 'Filtered');
    const res = await t.call('GET', `${BASE}/api/prompts/${id}/versions?${query}`);
    expect(res.status, res.text).toBe(400);
    expect(res.json()).toMatchObject({ field: query.split('=')[0] });
  });

  it.each([
    ['list', { readonly: true }],
    ['list', { starred: true }],
    ['summary', { model: 'x' }],
  ] as const)('POST /%s with an unknown body member %o', async (path, body) => {
    const res = await t.call('POST', `${BASE}/api/prompts/${path}`, body);
    expect(res.status, res.text).toBe(400);
    expect(res.json()).toMatchObject({ field: Object.keys(body)[0] });
  });

  it("deleting the deployed version names the path's `version`, not Promptdesk's `number`", async () => {
    const { id } = await promptWith(1, 'Deployed delete');
    await t.call('PATCH', `${BASE}/api/prompts/${id}/versions/1`, { deploy: true });
    const res = await t.call('DELETE', `${BASE}/api/prompts/${id}/versions/1`);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ field: 'version', version: [expect.any(String)] });
    expect(res.json()).not.toHaveProperty('number');
  });
});

describe('item 4: a POST /list page link, followed with GET, reads the same list', () => {
  it('next and previous carry page_size, search and sort_by from the body', async () => {
    for (const n of [1, 2, 3, 4, 5]) await t.call('POST', `${BASE}/api/prompts`, { name: `Linked ${n}` });
    const first = await t.call('POST', `${BASE}/api/prompts/list`, { page: 1, page_size: 2, search: 'linked', sort_by: 'name' });
    expect(first.status, first.text).toBe(200);
    expect(first.json().results.map((p: { name: string }) => p.name)).toEqual(['Linked 1', 'Linked 2']);
    const next = new URL(first.json().next as string);
    expect(Object.fromEntries(next.searchParams)).toEqual({ page: '2', page_size: '2', search: 'linked', sort_by: 'name' });
    const second = (await t.call('GET', `${next.pathname}${next.search}`)).json();
    expect(second.results.map((p: { name: string }) => p.name)).toEqual(['Linked 3', 'Linked 4']);
    const previous = new URL(second.previous as string);
    expect((await t.call('GET', `${previous.pathname}${previous.search}`)).json().results).toEqual(first.json().results);
  });
});

describe('item 5: a version written back through the door keeps what Respan cannot carry', () => {
  /** A native prompt (API on) whose v1 has variable metadata, as text or chat. */
  function nativeWith(name: string, template: SaveVersionInput['template']): string {
    createPrompt(t.owner, CreatePromptInput.parse({ name, title: name }));
    setApiSettings(t.owner, { name, apiAccess: true });
    saveVersion(t.owner, SaveVersionInput.parse({ name, template, variables: [{ name: 'who', description: 'the person', default: 'Ada', example: 'Bob' }, { name: 'mood', description: 'how', default: 'calm' }] }));
    return store().prompts.getRowByName(name)!.id;
  }

  it.each<[string, SaveVersionInput['template']]>([
    ['text', { kind: 'text', text: 'Hi {{who}}, {{mood}}' }],
    ['chat', { kind: 'chat', messages: [{ role: 'system', content: 'Be {{mood}}' }, { role: 'user', content: 'Hi {{who}}' }] }],
  ])('get_version then create_version of a %s template: same kind, descriptions and defaults kept', async (kind, template) => {
    const name = `copied-${kind}`;
    const id = nativeWith(name, template);
    const read = (await t.call('GET', `${BASE}/api/prompts/${id}/versions/1`)).json();
    expect(read.variables).toEqual({ who: 'Bob', mood: 'calm' });
    const created = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, read);
    expect(created.status, created.text).toBe(201);
    const [v1, v2] = [getVersion(t.owner, name, 1), getVersion(t.owner, name, 2)];
    expect(v2.template).toEqual(v1.template);
    expect(v2.variables).toEqual(v1.variables);
    // Changing one example keeps the rest of that variable's metadata.
    const edited = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { ...read, variables: { ...read.variables, who: 'Cy' } });
    expect(edited.status, edited.text).toBe(201);
    expect(getVersion(t.owner, name, 3).variables).toContainEqual({ name: 'who', description: 'the person', default: 'Ada', example: 'Cy' });
  });

  it('update_version of a text draft with one user message keeps it text, with the metadata', async () => {
    const id = nativeWith('updated-text', { kind: 'text', text: 'Hi {{who}}, {{mood}}' });
    const res = await t.call('PATCH', `${BASE}/api/prompts/${id}/versions/1`, { messages: [{ role: 'user', content: 'Hello {{who}}, {{mood}}' }], variables: { who: 'Bob', mood: 'calm' } });
    expect(res.status, res.text).toBe(200);
    const v1 = getVersion(t.owner, 'updated-text', 1);
    expect(v1.template).toEqual({ kind: 'text', text: 'Hello {{who}}, {{mood}}' });
    expect(v1.variables).toContainEqual({ name: 'mood', description: 'how', default: 'calm' });
  });

  it('a copy whose new messages drop a variable may still echo that variable (its value unchanged); a changed value is a 400', async () => {
    const id = nativeWith('dropped-variable', { kind: 'text', text: 'Hi {{who}}, {{mood}}' });
    const read = (await t.call('GET', `${BASE}/api/prompts/${id}/versions/1`)).json();
    const messages = [{ role: 'user', content: 'Hi {{who}}' }];
    expect((await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { ...read, messages })).status).toBe(201);
    expect(getVersion(t.owner, 'dropped-variable', 2).variables).toEqual([{ name: 'who', description: 'the person', default: 'Ada', example: 'Bob' }]);
    const changed = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { ...read, messages, variables: { who: 'Bob', mood: 'angry' } });
    expect(changed.status).toBe(400);
    expect(changed.json()).toMatchObject({ field: 'variables.mood' });
  });

  it('a refused text kept as text names the body\'s messages.0.content, not template.text', async () => {
    const id = nativeWith('refused-text', { kind: 'text', text: 'Hi {{who}}, {{mood}}' });
    const res = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { messages: [{ role: 'user', content: 'Hi {{who' }] });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ field: 'messages.0.content' });
  });

  it('two messages over a text version make a chat version', async () => {
    const id = nativeWith('text-to-chat', { kind: 'text', text: 'Hi {{who}}, {{mood}}' });
    const messages = [{ role: 'system', content: 'Be {{mood}}' }, { role: 'user', content: 'Hi {{who}}' }];
    expect((await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { messages })).status).toBe(201);
    expect(getVersion(t.owner, 'text-to-chat', 2).template).toEqual({ kind: 'chat', messages });
  });
});

describe('item 6 and 7: variables and settings the SDK may send but Promptdesk cannot hold are 400s saying why', () => {
  it.each([
    [{ other: 'ex' }, 'variables.other', 'not a variable'],
    [{ x: { _type: 'json', value: { a: 1 } } }, 'variables.x', '"json" variable is not supported'],
    [{ x: { _type: 'image_url', value: 'http://127.0.0.1/a.png' } }, 'variables.x', '"image_url" variable is not supported'],
    [{ x: 3 }, 'variables.x', 'A variable is a string'],
  ])('create_version with variables %o: 400 naming %s', async (variables, field, text) => {
    const { id } = await promptWith(0, 'Variables');
    const res = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { messages: [{ role: 'user', content: 'Hi {{x}}' }], variables });
    expect(res.status, res.text).toBe(400);
    expect(res.json()).toMatchObject({ field, detail: expect.stringContaining(text) });
    expect(store().versions.list(id)).toEqual([]);
  });

  it('a text variable object is its value', async () => {
    const { id } = await promptWith(0, 'Text variable');
    const res = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { messages: [{ role: 'user', content: 'Hi {{x}}' }], variables: { x: { _type: 'text', value: 'Ada' } } });
    expect(res.status, res.text).toBe(201);
    expect(res.json().variables).toEqual({ x: 'Ada' });
  });

  it.each(['extreme', 'LOW', ''])('reasoning_effort %j (the SDK: Literal["low", "medium", "high"]) is a 400', async (effort) => {
    const { id } = await promptWith(0, 'Effort');
    const res = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { ...CREATE_VERSION_BODY, reasoning_effort: effort });
    expect(res.status, res.text).toBe(400);
    expect(res.json()).toMatchObject({ field: 'reasoning_effort' });
  });

  it.each(['low', 'medium', 'high', null])('reasoning_effort %j is kept', async (effort) => {
    const { id } = await promptWith(0, 'Effort ok');
    const res = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { ...CREATE_VERSION_BODY, reasoning_effort: effort });
    expect(res.status, res.text).toBe(201);
    expect(res.json().reasoning_effort).toBe(effort);
  });
});

describe('item 8: the fixed routes win over a prompt slug, for every method', () => {
  it.each(['list', 'summary', 'List', 'SUMMARY'])('a prompt created as %j never gets that slug', async (title) => {
    const created = (await t.call('POST', `${BASE}/api/prompts`, { name: title })).json();
    expect(created.prompt_slug.toLowerCase()).not.toBe(title.toLowerCase());
    expect(created.prompt_slug).toMatch(/^(list|summary)-\d+$/);
  });

  it.each([
    ['PATCH', '/api/prompts/summary', { name: 'x' }],
    ['DELETE', '/api/prompts/list', undefined],
    ['GET', '/api/prompts/summary/versions', undefined],
    ['POST', '/api/prompts/list/versions', { messages: [{ role: 'user', content: 'a' }] }],
    ['PATCH', '/api/prompts/Summary', { name: 'x' }],
  ] as const)('%s %s never reaches a prompt named so through another door', async (method, path, body) => {
    for (const name of ['list', 'summary']) {
      if (store().prompts.getRowByName(name)) continue;
      createPrompt(t.owner, CreatePromptInput.parse({ name, title: `Native ${name}` }));
      setApiSettings(t.owner, { name, apiAccess: true });
    }
    const before = ['list', 'summary'].map((name) => JSON.stringify(store().prompts.getRowByName(name)));
    const res = await t.call(method, `${BASE}${path}`, body);
    expect(res.status, res.text).toBe(404);
    expect(res.json()).toMatchObject({ detail: 'Not found.' });
    expect(['list', 'summary'].map((name) => JSON.stringify(store().prompts.getRowByName(name)))).toEqual(before);
    // ...while the prompt is still reachable by its id.
    const id = store().prompts.getRowByName('summary')!.id;
    expect((await t.call('GET', `${BASE}/api/prompts/${id}`)).json()).toMatchObject({ prompt_slug: 'summary' });
  });
});

describe("item 9: a version's updated_at is its last change", () => {
  it('an edit and a commit move updated_at past created_at', async () => {
    const { id } = await promptWith(1, 'Timestamps');
    const created = (await t.call('GET', `${BASE}/api/prompts/${id}/versions/1`)).json();
    expect(created.updated_at).toBe(created.created_at);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const edited = (await t.call('PATCH', `${BASE}/api/prompts/${id}/versions/1`, { temperature: 0.3 })).json();
    expect(Date.parse(edited.updated_at)).toBeGreaterThan(Date.parse(created.created_at));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const committed = (await t.call('POST', `${BASE}/api/prompts/${id}/versions/1/commit`)).json();
    expect(Date.parse(committed.updated_at)).toBeGreaterThan(Date.parse(edited.updated_at));
    expect(committed.created_at).toBe(created.created_at);
  });
});

describe('hidden = missing: the new refusals never tell a prompt the caller cannot see from one that never existed', () => {
  it.each([
    ['an unused variable', { messages: [{ role: 'user', content: 'Hi {{x}}' }], variables: { other: 'a' } }],
    ['a json variable', { messages: [{ role: 'user', content: 'Hi {{x}}' }], variables: { x: { _type: 'json', value: {} } } }],
    ['a copy of a version', { messages: [{ role: 'user', content: 'Hi {{x}}' }], version: 1, variables: { x: 'Bob' } }],
  ])('create_version with %s', async (_case, body) => {
    const { id } = await promptWith(1, 'Private of the owner');
    const email = `other-${Math.random().toString(36).slice(2, 8)}@example.com`;
    addUser(t.owner, AddUserInput.parse({ email, name: 'Other' }));
    const key = createKey(t.owner, { userEmail: email, label: 'other' }).key;
    const hidden = await callAs(key, 'POST', `/api/prompts/${id}/versions`, body);
    const missing = await callAs(key, 'POST', `/api/prompts/no-such-prompt/versions`, body);
    expect([hidden.status, hidden.text]).toEqual([missing.status, missing.text]);
    expect(store().versions.list(id).length).toBe(1);
  });
});
