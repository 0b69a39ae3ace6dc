import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { saveVersion, getVersion } from '../../../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { CREATE_VERSION_BODY, EXAMPLE_V2_BODY, MODELS, PROMPT_ID, SDK_CALLS, SDK_COMMIT, sdkHeaders, type SdkCall } from '../../../fixtures/respan-sdk';

/**
 * Issue 11, Respan: every call of the Respan Python SDK's prompt client (transcribed in
 * test/fixtures/respan-sdk.ts from Keywords-AI/keywordsai at SDK_COMMIT), replayed over loopback
 * and each answer validated as the SDK's pydantic models would; then the behaviours those calls
 * rely on (flags that take effect or are refused, pages, errors, unknown paths).
 */
let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.stop());

const BASE = '/compat/respan';

/** One SDK request: its path (optionally with the reference's trailing slash), query, headers and body. */
function send(call: SdkCall, promptId: string, slash: boolean): Promise<RawResponse> {
  const path = call.request.path.replace(PROMPT_ID, promptId) + (slash ? '/' : '');
  const query = call.request.query ? `?${new URLSearchParams(call.request.query)}` : '';
  const body = call.request.body === undefined ? undefined : JSON.stringify(call.request.body);
  return http(t.port, call.request.method, `${BASE}${path}${query}`, { headers: sdkHeaders(t.key), body });
}

/** `expect` with the created prompt's id in place of PROMPT_ID. */
const withId = (value: Record<string, unknown>, id: string) => JSON.parse(JSON.stringify(value).replaceAll(PROMPT_ID, id));

const store = () => t.owner.store;

describe(`the Respan SDK's calls (Keywords-AI/keywordsai @ ${SDK_COMMIT.slice(0, 10)})`, () => {
  it('the fixtures name their source file and cover every PromptAPI method', () => {
    for (const call of SDK_CALLS) {
      expect(call.source).toMatch(/^python-sdks\/respan\/src\/respan\/prompts\/api\.py/);
      expect(call.commit).toMatch(/^[0-9a-f]{40}$/);
    }
    const methods = SDK_CALLS.map((c) => c.method.split(' ')[0]);
    expect(methods).toEqual(['PromptAPI.create', 'PromptAPI.update', 'PromptAPI.get', 'PromptAPI.list', 'PromptAPI.create_version', 'PromptAPI.list_versions', 'PromptAPI.get_version', 'PromptAPI.update_version', 'PromptAPI.deploy', 'PromptAPI.delete']);
  });

  for (const slash of [false, true]) {
    it(`replays every call ${slash ? "with the reference's trailing slashes" : 'as the SDK builds its paths (no trailing slash)'}: status, JSON, the SDK's models`, async () => {
      let id = '';
      for (const call of SDK_CALLS) {
        const res = await send(call, id, slash);
        expect(res.status, `${call.method}: ${res.text}`).toBe(call.response.status);
        expect(res.headers['content-type'], call.method).toMatch(/^application\/json/);
        const body = res.json();
        const parsed = MODELS[call.response.model].safeParse(body);
        expect(parsed.success, `${call.method} as ${call.response.model}: ${parsed.error?.message}`).toBe(true);
        if (call.method.startsWith('PromptAPI.create ')) id = body.id as string;
        if (call.expect) expect(body, call.method).toMatchObject(withId(call.expect, id));
      }
      // What the calls did, read back from the store: committed by readonly=true, deployed by deploy, then deleted.
      expect(store().prompts.getRowById(id)).toBeUndefined();
    });
  }

  it('create_version, update_version readonly=true and deploy act on the real version', async () => {
    const call = (method: string) => SDK_CALLS.find((c) => c.method.startsWith(`PromptAPI.${method} `))!;
    const [create, createVersion, updateVersion, deploy] = [call('create'), call('create_version'), call('update_version'), call('deploy')];
    const id = (await send(create, '', false)).json().id as string;
    await send(createVersion, id, false);
    const name = store().prompts.getRowById(id)!.name;
    expect(getVersion(t.owner, name, 1)).toMatchObject({ committed: false, status: 'draft', modelSettings: { models: ['respan:gpt-4o-mini'], temperature: 0.7, maxTokens: 2048 } });
    await send(updateVersion, id, false);
    expect(getVersion(t.owner, name, 1)).toMatchObject({ committed: true, status: 'draft', commitMessage: 'Updated version with better prompts', modelSettings: { temperature: 0.8, maxTokens: 3000 } });
    await send(deploy, id, false);
    expect(getVersion(t.owner, name, 1).status).toBe('published');
    // The native API serves what Respan calls live.
    expect((await t.call('GET', `/api/v1/prompts/${name}/deployment`)).json()).toMatchObject({ publishedVersion: 1, servedVersion: 1 });
  });

  it("runs the SDK's own workflow example (examples/prompt_workflow_example.py) end to end", async () => {
    const sdk = async (method: string, path: string, model: keyof typeof MODELS, body?: unknown, status = 200) => {
      const res = await http(t.port, method, `${BASE}${path}`, { headers: sdkHeaders(t.key), body: body === undefined ? undefined : JSON.stringify(body) });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
      const parsed = MODELS[model].safeParse(res.json());
      expect(parsed.success, `${method} ${path} as ${model}: ${parsed.error?.message}`).toBe(true);
      return res.json();
    };
    const prompt = await sdk('POST', '/api/prompts', 'PromptCreateResponse', undefined, 201);
    const id = prompt.prompt_id as string;
    const updated = await sdk('PATCH', `/api/prompts/${id}`, 'PromptRetrieveResponse', { name: 'Customer Support Assistant', description: 'AI assistant for handling customer support inquiries with professional tone', prompt_id: id });
    expect(updated).toMatchObject({ name: 'Customer Support Assistant', prompt_id: id });
    const listed = await sdk('GET', '/api/prompts/list?page_size=10', 'PromptListResponse');
    expect(listed.results.some((p: { prompt_id: string }) => p.prompt_id === id)).toBe(true);
    const v1 = await sdk('POST', `/api/prompts/${id}/versions`, 'PromptVersionCreateResponse', { ...CREATE_VERSION_BODY, variables: { customer_inquiry: "Customer's question or issue" }, messages: EXAMPLE_V2_BODY.messages }, 201);
    const v2 = await sdk('POST', `/api/prompts/${id}/versions`, 'PromptVersionCreateResponse', EXAMPLE_V2_BODY, 201);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect((await sdk('GET', `/api/prompts/${id}/versions`, 'PromptVersionListResponse')).count).toBe(2);
    const retrieved = await sdk('GET', `/api/prompts/${id}/versions/1`, 'PromptVersionRetrieveResponse');
    expect(retrieved.readonly).toBe(false);
    // Step 8 updates version 1 with a plain dict because it is not readonly.
    const v1b = await sdk('PATCH', `/api/prompts/${id}/versions/1`, 'PromptVersionRetrieveResponse', { description: 'Updated: Professional customer support with improved clarity', temperature: 0.6, max_tokens: 2500 });
    expect(v1b).toMatchObject({ temperature: 0.6, max_tokens: 2500 });
    // Step 9: nothing is committed yet, so deploy fails (the example catches it: "No readonly version is available").
    const deploy = await http(t.port, 'PATCH', `${BASE}/api/prompts/${id}`, { headers: sdkHeaders(t.key), body: JSON.stringify({ deploy: true }) });
    expect(deploy.status).toBe(400);
    // ...and succeeds once a version is committed, as its docstring says.
    await sdk('PATCH', `/api/prompts/${id}/versions/2`, 'PromptVersionRetrieveResponse', { readonly: true });
    expect((await sdk('PATCH', `/api/prompts/${id}`, 'PromptRetrieveResponse', { deploy: true })).live_version).toMatchObject({ version: 2 });
    expect((await sdk('GET', '/api/prompts/list?page_size=3', 'PromptListResponse')).results.length).toBeLessThanOrEqual(3);
    expect(await sdk('GET', `/api/prompts/${id}`, 'PromptRetrieveResponse')).toMatchObject({ commit_count: 2, starred: false, live_version: { version: 2 } });
  });

  it('a base URL ending in /api reaches the same paths (the SDK strips it)', async () => {
    // RespanClient: base_url.rstrip("/"), then a final "/api" removed; endpoints start with /api.
    const strip = (base: string) => base.replace(/\/$/, '').replace(/\/api$/, '');
    for (const base of [`${BASE}`, `${BASE}/`, `${BASE}/api`, `${BASE}/api/`]) {
      const res = await http(t.port, 'GET', `${strip(base)}/api/prompts/list`, { headers: sdkHeaders(t.key) });
      expect(res.status, base).toBe(200);
    }
  });
});

/** A prompt made through the door, with `versions` versions of its own. */
async function promptWith(versions: number, title = 'Paged'): Promise<{ id: string; name: string }> {
  const id = (await t.call('POST', `${BASE}/api/prompts/`, { name: title })).json().id as string;
  for (let n = 1; n <= versions; n++) {
    expect((await t.call('POST', `${BASE}/api/prompts/${id}/versions/`, { messages: [{ role: 'user', content: `v${n} {{x}}` }] })).status).toBe(201);
  }
  return { id, name: store().prompts.getRowById(id)!.name };
}

describe('Respan list pages (Django REST framework page-number pagination)', () => {
  it('pages versions with next/previous as URLs of the same request, then 404 "Invalid page."', async () => {
    const { id } = await promptWith(5);
    const get = (query: string) => t.call('GET', `${BASE}/api/prompts/${id}/versions?${query}`);
    const first = (await get('page=1&page_size=2')).json();
    expect(first).toMatchObject({ count: 5, previous: null });
    expect(first.results.map((v: { version: number }) => v.version)).toEqual([5, 4]);
    const next = new URL(first.next);
    expect(next.pathname).toBe(`${BASE}/api/prompts/${id}/versions`);
    expect(Object.fromEntries(next.searchParams)).toEqual({ page: '2', page_size: '2' });
    const second = (await get('page=2&page_size=2')).json();
    // Page 1's URL has no page parameter, as DRF writes it.
    expect(Object.fromEntries(new URL(second.previous).searchParams)).toEqual({ page_size: '2' });
    const last = (await get('page=last&page_size=2')).json();
    expect(last).toMatchObject({ next: null });
    expect(last.results.map((v: { version: number }) => v.version)).toEqual([1]);
    for (const page of ['4', '0', 'x', '1.5']) {
      const res = await get(`page=${page}&page_size=2`);
      expect(res.status, page).toBe(404);
      expect(res.json()).toMatchObject({ detail: 'Invalid page.' });
    }
  });

  it('caps page_size at 100 and falls back to 25 for a size it cannot read', async () => {
    const { id } = await promptWith(0, 'Sizes');
    for (const [size, expected] of [['500', 100], ['0', 25], ['abc', 25], ['7', 7]] as const) {
      const list = (await t.call('GET', `${BASE}/api/prompts/list?page_size=${size}`)).json();
      expect(list.results.length, size).toBe(Math.min(expected, list.count));
    }
    expect(id).toBeTruthy();
  });

  it('orders by sort_by=name (the title) and refuses a sort it does not have', async () => {
    for (const title of ['Sortable Zeta', 'Sortable Alpha', 'Sortable Mu']) await t.call('POST', `${BASE}/api/prompts`, { name: title });
    const list = (await t.call('GET', `${BASE}/api/prompts/list?search=sortable&sort_by=name`)).json();
    expect(list.results.map((p: { name: string }) => p.name)).toEqual(['Sortable Alpha', 'Sortable Mu', 'Sortable Zeta']);
    const refused = await t.call('GET', `${BASE}/api/prompts/list?sort_by=-starred`);
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'sort_by' });
  });

  it('refuses a filter it does not have instead of answering an unfiltered list', async () => {
    const res = await t.call('GET', `${BASE}/api/prompts/list?starred=true`);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ detail: expect.stringContaining('starred'), field: 'starred', starred: [expect.any(String)] });
    const filtered = await t.call('POST', `${BASE}/api/prompts/list/`, { filters: { name: { value: ['support'], operator: 'icontains' } }, operator: 'AND' });
    expect(filtered.status).toBe(400);
    expect(filtered.json()).toMatchObject({ field: 'filters' });
    expect((await t.call('POST', `${BASE}/api/prompts/list/`, { filters: {} })).status).toBe(200);
  });
});

describe('Respan version flags take effect or are refused, never a silent 200', () => {
  const patch = (id: string, n: number, body: object) => t.call('PATCH', `${BASE}/api/prompts/${id}/versions/${n}`, body);

  it('readonly=false on a committed version is a 400 and it stays committed', async () => {
    const { id, name } = await promptWith(1);
    expect((await patch(id, 1, { readonly: true })).json()).toMatchObject({ readonly: true });
    const res = await patch(id, 1, { readonly: false });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ field: 'readonly', detail: expect.any(String) });
    expect(getVersion(t.owner, name, 1).committed).toBe(true);
  });

  it('deploy=true on a draft commits and deploys it; deploy=false on the deployed version is a 400', async () => {
    const { id, name } = await promptWith(2);
    expect((await patch(id, 1, { deploy: true })).json()).toMatchObject({ readonly: true, is_deployed: true });
    expect(getVersion(t.owner, name, 1)).toMatchObject({ committed: true, status: 'published' });
    const refused = await patch(id, 1, { deploy: false });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'deploy' });
    expect(getVersion(t.owner, name, 1).status).toBe('published');
    // deploy=false on a version that is not deployed asks for nothing.
    expect((await patch(id, 2, { deploy: false })).status).toBe(200);
  });

  it("deploy=true with the SDK's default readonly=false on a draft deploys it (the draft's state, not a request)", async () => {
    const { id, name } = await promptWith(1);
    expect((await patch(id, 1, { deploy: true, readonly: false, description: 'x' })).json()).toMatchObject({ readonly: true, is_deployed: true, description: 'x' });
    expect(getVersion(t.owner, name, 1)).toMatchObject({ committed: true, status: 'published', commitMessage: 'x' });
  });

  it('a changed message on a committed version is a 400; the same object echoed back with readonly=true is a 200', async () => {
    const { id, name } = await promptWith(1);
    const committed = (await patch(id, 1, { readonly: true })).json();
    const changed = await patch(id, 1, { messages: [{ role: 'user', content: 'changed {{x}}' }] });
    expect(changed.status).toBe(400);
    expect(changed.json()).toMatchObject({ field: 'version' });
    // What update_version sends for a PromptVersion model read with get_version (exclude_unset: every member it read).
    const echo = await patch(id, 1, { ...committed, readonly: true });
    expect(echo.status, echo.text).toBe(200);
    expect(getVersion(t.owner, name, 1).template).toEqual({ kind: 'chat', messages: [{ role: 'user', content: 'v1 {{x}}' }] });
  });

  it('create_version with readonly=true or deploy=true commits or deploys the new version', async () => {
    const { id, name } = await promptWith(0);
    const create = (body: object) => t.call('POST', `${BASE}/api/prompts/${id}/versions`, { ...CREATE_VERSION_BODY, ...body });
    expect((await create({ readonly: true })).json()).toMatchObject({ version: 1, readonly: true, is_deployed: false });
    expect((await create({ deploy: true })).json()).toMatchObject({ version: 2, readonly: true, is_deployed: true });
    expect(getVersion(t.owner, name, 2).status).toBe('published');
  });

  it("keeps the settings Promptdesk has no field for (the SDK's workflow example sets top_p and penalties) and answers them back", async () => {
    const { id, name } = await promptWith(0);
    const created = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, EXAMPLE_V2_BODY);
    expect(created.status, created.text).toBe(201);
    const expected = { top_p: 0.95, frequency_penalty: 0.1, presence_penalty: 0.1, temperature: 0.9, max_tokens: 1500, variables: { customer_inquiry: "Customer's question or issue" } };
    expect(created.json()).toMatchObject(expected);
    const read = (await t.call('GET', `${BASE}/api/prompts/${id}/versions/1`)).json();
    expect(read).toMatchObject(expected);
    expect(MODELS.PromptVersionRetrieveResponse.safeParse(read).success).toBe(true);
    // Kept in the version's own row (migration 0140), not in the prompt's extra.
    const row = store().prompts.getRowByName(name)!;
    expect(JSON.parse(store().respanParams.get(row.id, read.id)!)).toMatchObject({ top_p: 0.95 });
    expect(JSON.parse(row.extra)).not.toHaveProperty('respan');
  });

  it.each([
    ['tools', [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }]],
    ['response_format', { type: 'json_object' }],
    ['reasoning_effort', 'high'],
    ['stream', true],
    ['tool_choice', 'auto'],
  ])('keeps %s, edits it on a draft, refuses to change it on a committed version', async (member, value) => {
    const { id } = await promptWith(0);
    const v = (await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { ...CREATE_VERSION_BODY, [member]: value })).json();
    expect(v[member]).toEqual(value);
    // Back to "not set" on the draft (stream is a bool in the SDK's model: false, not null).
    const unset = member === 'stream' ? false : null;
    const cleared = (await t.call('PATCH', `${BASE}/api/prompts/${id}/versions/1`, { [member]: unset })).json();
    expect(cleared[member]).toEqual(unset);
    await t.call('PATCH', `${BASE}/api/prompts/${id}/versions/1`, { [member]: value, readonly: true });
    const refused = await t.call('PATCH', `${BASE}/api/prompts/${id}/versions/1`, { [member]: unset });
    expect(refused.status).toBe(400);
    expect((await t.call('GET', `${BASE}/api/prompts/${id}/versions/1`)).json()[member]).toEqual(value);
  });

  it.each([
    ['top_p', 1.5],
    ['frequency_penalty', 3],
    ['stream', 'yes'],
    ['tools', 'none'],
  ])('create_version with an invalid %s is a 400 naming it, and saves nothing', async (member, value) => {
    const { id, name } = await promptWith(0);
    const res = await t.call('POST', `${BASE}/api/prompts/${id}/versions`, { ...CREATE_VERSION_BODY, [member]: value });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ field: member, [member]: [expect.any(String)] });
    expect(store().versions.list(store().prompts.getRowByName(name)!.id)).toEqual([]);
  });

  it('keeps fallback_models and variables: they come back as sent', async () => {
    const { id } = await promptWith(0);
    const body = { ...CREATE_VERSION_BODY, fallback_models: ['gpt-4o', 'openai:gpt-4.1'], variables: { company: 'Acme' } };
    const created = (await t.call('POST', `${BASE}/api/prompts/${id}/versions`, body)).json();
    expect(created).toMatchObject({ model: 'gpt-4o-mini', fallback_models: ['gpt-4o', 'openai:gpt-4.1'], variables: { company: 'Acme' } });
  });
});

describe('Respan prompt-level calls', () => {
  it("PromptAPI.deploy with no committed version is a 400, and deploys the newest committed one otherwise", async () => {
    const { id, name } = await promptWith(3);
    const deploy = () => t.call('PATCH', `${BASE}/api/prompts/${id}`, { deploy: true });
    const refused = await deploy();
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'deploy', detail: expect.any(String) });
    await t.call('POST', `${BASE}/api/prompts/${id}/versions/1/commit/`);
    await t.call('POST', `${BASE}/api/prompts/${id}/versions/2/commit/`);
    expect((await deploy()).json()).toMatchObject({ live_version: { version: 2 }, current_version: { version: 3 } });
    expect(getVersion(t.owner, name, 2).status).toBe('published');
  });

  it('POST /commits/ commits the draft (the newest version) with its description; nothing to commit is a 400', async () => {
    const { id, name } = await promptWith(2);
    const res = await t.call('POST', `${BASE}/api/prompts/${id}/commits/`, { description: 'ship it' });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ version: 2, readonly: true, description: 'ship it' });
    expect(getVersion(t.owner, name, 2)).toMatchObject({ committed: true, commitMessage: 'ship it' });
    expect((await t.call('POST', `${BASE}/api/prompts/${id}/commits`, {})).status).toBe(400);
  });

  it('create with a body uses it; tags round-trip as tag objects; starred=true is refused', async () => {
    const created = (await t.call('POST', `${BASE}/api/prompts`, { name: 'Named', description: 'Described' })).json();
    expect(created).toMatchObject({ name: 'Named', description: 'Described', tags: [], starred: false, commit_count: 0 });
    const tagged = (await t.call('PATCH', `${BASE}/api/prompts/${created.id}`, { tags: [{ name: 'support' }, 'billing'] })).json();
    expect(tagged.tags).toEqual([{ id: 'support', name: 'support' }, { id: 'billing', name: 'billing' }]);
    const badTag = await t.call('PATCH', `${BASE}/api/prompts/${created.id}`, { tags: ['no!tags?'] });
    expect(badTag.status).toBe(400);
    expect(badTag.json()).toMatchObject({ field: expect.stringMatching(/^tags/) });
    expect((await t.call('PATCH', `${BASE}/api/prompts/${created.id}`, { description: null })).json()).toMatchObject({ description: '' });
    const starred = await t.call('PATCH', `${BASE}/api/prompts/${created.id}`, { starred: true });
    expect(starred.status).toBe(400);
    expect(starred.json()).toMatchObject({ field: 'starred' });
  });

  it('deleting the deployed version is a 400 (Respan documents 400; Promptdesk calls it a conflict)', async () => {
    const { id, name } = await promptWith(1);
    await t.call('PATCH', `${BASE}/api/prompts/${id}/versions/1`, { deploy: true });
    const res = await t.call('DELETE', `${BASE}/api/prompts/${id}/versions/1`);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, detail: expect.stringContaining('in production') });
    expect(getVersion(t.owner, name, 1).status).toBe('published');
  });

  it('summary answers the product\'s total_count', async () => {
    const summary = (await t.call('GET', `${BASE}/api/prompts/summary`)).json();
    const list = (await t.call('GET', `${BASE}/api/prompts/list`)).json();
    expect(summary.total_count).toBe(list.count);
  });
});

describe('Respan errors and unknown paths', () => {
  it.each([
    ['GET', '/compat/respan/api/nope'],
    ['GET', '/compat/respan/api/prompts/x/y/z'],
    ['GET', '/compat/respan'],
  ])('%s %s answers a JSON 404 with detail, key or not', async (method, path) => {
    for (const headers of [sdkHeaders(t.key), {}]) {
      const res = await http(t.port, method, path, { headers });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/json/);
      expect(res.json()).toMatchObject({ detail: 'Not found.', status: 404 });
    }
  });

  it('a method the path does not have answers a JSON 404 (a path that exists asks for the key first)', async () => {
    const res = await http(t.port, 'PUT', `${BASE}/api/prompts/x`, { headers: sdkHeaders(t.key) });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ detail: 'Not found.' });
  });

  it('keeps the problem+json members beside detail', async () => {
    const res = await t.call('GET', `${BASE}/api/prompts/nope`);
    expect(res.json()).toMatchObject({ detail: 'Prompt not found', status: 404, type: 'urn:promptdesk:problem:not_found', code: 'not_found', title: 'Not found' });
  });

  it('a missing key is a 401 with detail', async () => {
    const res = await http(t.port, 'GET', `${BASE}/api/prompts/list`, { headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ detail: expect.any(String) });
  });
});

describe('a version saved in the app reads through Respan as the SDK expects', () => {
  it('a text template is one user message; unset settings answer the SDK defaults, never null', async () => {
    const { id, name } = await promptWith(0, 'From app');
    saveVersion(t.owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'Hello {{who}}' } }));
    const v = (await t.call('GET', `${BASE}/api/prompts/${id}/versions/1`)).json();
    expect(MODELS.PromptVersionRetrieveResponse.safeParse(v).success).toBe(true);
    expect(v).toMatchObject({ messages: [{ role: 'user', content: 'Hello {{who}}' }], model: '', temperature: 0.7, max_tokens: 4096, description: '', variables: { who: '' } });
  });
});
