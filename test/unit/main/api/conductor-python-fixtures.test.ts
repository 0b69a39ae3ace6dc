import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { getVersion } from '../../../../src/main/core/versions/versions-service';
import { createPrompt } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { addUser } from '../../../../src/main/core/users/users-service';
import { AddUserInput } from '../../../../src/shared/schemas/users';
import { TOKEN_LIFETIME_MS } from '../../../../src/main/core/keys/tokens';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { PROMPT_TEMPLATE_FIELDS, PY_TEMPLATE, PYTHON_FIXTURES, TAG_OBJECT_FIELDS, type PythonFixture } from '../../../fixtures/conductor-python';

/**
 * Conductor's Python SDK, replayed from fixtures transcribed from its sources
 * (test/fixtures/conductor-python.ts names each file and the commit), against /compat/conductor.
 */

const BASE = '/compat/conductor';
let t: TestHost;
let provider: FakeProvider;

beforeAll(async () => {
  t = await startTestHost();
  provider = await startFakeProvider();
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'fake', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
});
afterAll(async () => {
  await provider.close();
  await t.stop();
});

const keyId = () => t.key.slice(0, 15);

function send(fixture: PythonFixture, values: Record<string, string>): Promise<RawResponse> {
  const fill = (text: string) => text.replace(/\{(token|keyId|keySecret)\}/g, (_, name: string) => values[name] ?? '');
  const headers = Object.fromEntries(Object.entries(fixture.request.headers).map(([k, v]) => [k.toLowerCase(), fill(v)]));
  return http(t.port, fixture.request.method, BASE + fixture.request.path, { headers, body: fixture.request.body === undefined ? undefined : fill(fixture.request.body) });
}

/** What the SDK's deserializer needs of a PromptTemplate: every attribute it maps, with its type. */
function expectPromptTemplate(value: Record<string, unknown>) {
  for (const field of PROMPT_TEMPLATE_FIELDS) expect(value, field).toHaveProperty(field);
  expect(value).toMatchObject({ name: expect.any(String), description: expect.any(String), template: expect.any(String), createdBy: expect.any(String), updatedBy: expect.any(String) });
  expect(Number.isInteger(value['createTime']) && Number.isInteger(value['updateTime']) && Number.isInteger(value['version'])).toBe(true);
  expect(Array.isArray(value['variables']) && Array.isArray(value['integrations']) && Array.isArray(value['tags'])).toBe(true);
  for (const tag of value['tags'] as Record<string, unknown>[]) for (const field of TAG_OBJECT_FIELDS) expect(tag).toHaveProperty(field);
}

/** A token from the token fixture, as ApiClient.__get_new_token gets it. */
async function token(): Promise<string> {
  const res = await send(PYTHON_FIXTURES[0]!, { keyId: keyId(), keySecret: t.key });
  expect(res.status).toBe(200);
  return res.json().token as string;
}

describe('Python SDK fixtures replayed against /compat/conductor (conductor-oss/python-sdk 8ff5f88)', () => {
  it('every fixture in order answers the status and the fields its model reads', async () => {
    const values = { keyId: keyId(), keySecret: t.key, token: await token() };
    const answers = new Map<string, RawResponse>();
    for (const fixture of PYTHON_FIXTURES) {
      const res = await send(fixture, values);
      expect(res.status, fixture.call).toBe(fixture.response.status);
      answers.set(fixture.call, res);
      if (fixture.response.model === 'PromptTemplate') expectPromptTemplate(res.json());
      if (fixture.response.model === 'list[PromptTemplate]') for (const item of res.json()) expectPromptTemplate(item);
      if (fixture.response.model === 'Token') expect(res.json()).toEqual({ token: expect.stringMatching(/^pdt_/) });
      if (fixture.response.status >= 400) expect(res.json(), fixture.call).toMatchObject({ message: expect.any(String) });
    }
    const [, , got, , , list, , tags, , tested] = PYTHON_FIXTURES.map((f) => answers.get(f.call)!);
    // save_prompt's json.dumps(...).strip('"') body is stored as the text the user wrote.
    expect(got!.json()).toMatchObject({ name: 'py-greet', description: 'A greeting', template: PY_TEMPLATE, variables: ['question'], version: 1 });
    // autoIncrement=True saved version 2 with its model; version=1 then updated version 1 in place.
    expect(list!.json().find((p: { name: string }) => p.name === 'py-greet')).toMatchObject({ template: 'v2 ${question}', version: 2, integrations: ['fake:echo'], description: 'Second' });
    expect(tags!.json()).toEqual([
      { key: 'team', value: 'support', type: 'METADATA' },
      { key: 'tier', value: 'gold', type: 'METADATA' },
    ]);
    // response_type 'str': deserialize tries response.json() first, so a JSON string reads back as the text.
    expect(tested!.json()).toEqual(expect.stringContaining('Say hello'));
    expect(provider.requests.at(-1)!.body).toMatchObject({ model: 'echo', temperature: 0.1, top_p: 0.9, stop: ['END'] });
  });

  it('save_prompt(version=1) updates version 1 in place (fixture 5), read back by the native service', async () => {
    const values = { keyId: keyId(), keySecret: t.key, token: await token() };
    for (const fixture of PYTHON_FIXTURES.slice(1, 5)) expect((await send(fixture, values)).status).toBe(200);
    expect(getVersion(t.owner, 'py-greet', 1).template).toEqual({ kind: 'text', text: 'v1 again' });
    expect(getVersion(t.owner, 'py-greet', 2).template).toEqual({ kind: 'text', text: 'v2 {{question}}' });
  });
});

describe('the answers the Python SDK branches on', () => {
  const getPrompt = PYTHON_FIXTURES.find((f) => f.call.startsWith("prompt_client.get_prompt('py-greet')"))!;

  it('a wrong keySecret: 401 with a message, and no token error code (the SDK does not renew from its renewal)', async () => {
    const res = await send(PYTHON_FIXTURES[0]!, { keyId: keyId(), keySecret: `${t.key.slice(0, -1)}x` });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ message: 'Invalid keyId or keySecret', status: 401 });
    expect(res.json()).not.toHaveProperty('error');
    const wrongId = await send(PYTHON_FIXTURES[0]!, { keyId: 'pd_notthiskey0', keySecret: t.key });
    expect(wrongId.status).toBe(401);
  });

  it('an expired token: 401 EXPIRED_TOKEN (AuthorizationException.token_expired: renew and retry)', async () => {
    const tok = await token();
    const real = t.host.workspace.clock;
    t.host.workspace.clock = { now: () => new Date(real.now().getTime() + TOKEN_LIFETIME_MS + 1000) };
    try {
      const res = await send(getPrompt, { token: tok });
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ error: 'EXPIRED_TOKEN', message: expect.any(String) });
    } finally {
      t.host.workspace.clock = real;
    }
  });

  it('a forged or stale token and a missing one: 401 INVALID_TOKEN (token_invalid: renew and retry)', async () => {
    const tok = await token();
    const forged = `${tok.slice(0, -2)}${tok.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const value of [forged, 'pdt_abc.def', '']) {
      const res = await send(getPrompt, { token: value });
      expect(res.status, value).toBe(401);
      expect(res.json()).toMatchObject({ error: 'INVALID_TOKEN' });
    }
  });

  it("get_prompt of another member's private prompt is the same 404 as a missing one (None), naming nothing", async () => {
    const bob = addUser(t.owner, AddUserInput.parse({ email: 'bob@example.com', name: 'Bob' }));
    const bobCtx = t.host.workspace.as(bob.id);
    createPrompt(bobCtx, { name: 'py-bob-secret', title: 'Secret', description: '', tags: [], slashCommand: null });
    saveVersion(bobCtx, { name: 'py-bob-secret', template: { kind: 'text', text: 'hidden' }, variables: [], modelSettings: { models: [] }, commitMessage: '' });
    const tok = await token();
    const hidden = await http(t.port, 'GET', `${BASE}/api/prompts/py-bob-secret`, { headers: { 'x-authorization': tok } });
    const missing = await http(t.port, 'GET', `${BASE}/api/prompts/py-never-was`, { headers: { 'x-authorization': tok } });
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(missing.text);
    expect(hidden.text).not.toContain('py-bob-secret');
    for (const path of ['/tags', '']) {
      const del = await http(t.port, path ? 'PUT' : 'DELETE', `${BASE}/api/prompts/py-bob-secret${path}`, { headers: { 'x-authorization': tok, 'content-type': 'application/json' }, body: path ? '[{"key": "a", "value": "b"}]' : '{}' });
      expect(del.status).toBe(404);
      expect(del.text).not.toContain('py-bob-secret');
    }
  });

  it('an unknown path under the door answers Conductor-shaped JSON 404, key or not', async () => {
    for (const headers of [{}, { 'x-authorization': t.key }] as Record<string, string>[]) {
      const res = await http(t.port, 'GET', `${BASE}/api/workflow/nothing-here`, { headers });
      expect(res.status).toBe(404);
      expect(String(res.headers['content-type'])).toMatch(/json/);
      expect(res.json()).toMatchObject({ status: 404, message: expect.stringContaining('No route') });
    }
  });

  it('a plain API key in X-Authorization keeps working (seed 001)', async () => {
    const res = await http(t.port, 'GET', `${BASE}/api/prompts`, { headers: { 'x-authorization': t.key } });
    expect(res.status).toBe(200);
  });

  it('bad input is a 400 naming the field, in Conductor shape (message, validationErrors) over problem+json', async () => {
    const tok = await token();
    const both = await http(t.port, 'POST', `${BASE}/api/prompts/py-both?description=d&version=1&autoIncrement=True`, { headers: { 'x-authorization': tok, 'content-type': 'application/json' }, body: 'x' });
    expect(both.status).toBe(400);
    expect(both.json()).toMatchObject({ status: 400, field: 'autoIncrement', message: expect.any(String), validationErrors: [{ path: 'autoIncrement' }], type: 'urn:promptdesk:problem:invalid_input' });
    const flag = await http(t.port, 'POST', `${BASE}/api/prompts/py-flag?description=d&autoIncrement=yes`, { headers: { 'x-authorization': tok }, body: 'x' });
    expect(flag.json()).toMatchObject({ status: 400, field: 'autoIncrement' });
    const noPrompt = await http(t.port, 'POST', `${BASE}/api/prompts/test`, { headers: { 'x-authorization': tok, 'content-type': 'application/json' }, body: '{"llmProvider": "fake", "model": "echo"}' });
    expect(noPrompt.json()).toMatchObject({ status: 400, field: 'prompt' });
  });
});

describe('failed token exchanges count against the auth throttle', () => {
  it('after the budget, a wrong secret gets 429 with Retry-After; the right key still gets its token', async () => {
    const limited = await startTestHost({ limits: { perKeyPerSecond: 1000, perKeyBurst: 2000, failedAuthPerMinute: 3 } });
    try {
      const exchange = (keySecret: string) =>
        http(limited.port, 'POST', `${BASE}/api/token`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keyId: limited.key.slice(0, 15), keySecret }) });
      const wrong = `${limited.key.slice(0, -1)}${limited.key.endsWith('A') ? 'B' : 'A'}`;
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await exchange(wrong)).status);
      // The budget a wrong API key gets (failedAuthPerMinute: 3 failures, then 429).
      expect(statuses).toEqual([401, 401, 401, 429]);
      // One throttle: the same client's wrong key on the native API is now refused too.
      expect((await http(limited.port, 'GET', '/api/v1/prompts', { headers: { authorization: `Bearer ${wrong}x` } })).status).toBe(429);
      const refused = await exchange(wrong);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.json()).toMatchObject({ status: 429, retryable: true });
      expect((await exchange(limited.key)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

describe('scopes, tokens elsewhere, versions', () => {
  it("a key's scopes bind its tokens: a run-only key cannot test unsaved text or save; a read-only key cannot write tags", async () => {
    const runOnly = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'run-only', scopes: ['run'] });
    const readOnly = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'read-only', scopes: ['read'] });
    const tokenOf = async (k: { key: string; info: { prefix: string } }) =>
      (await http(t.port, 'POST', `${BASE}/api/token`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keyId: k.info.prefix, keySecret: k.key }) })).json().token as string;
    const run = await tokenOf(runOnly);
    const test = await http(t.port, 'POST', `${BASE}/api/prompts/test`, { headers: { 'x-authorization': run, 'content-type': 'application/json' }, body: '{"prompt": "Hi", "llmProvider": "fake", "model": "echo"}' });
    expect(test.status).toBe(403);
    expect(test.json()).toMatchObject({ status: 403, message: expect.stringContaining('"write" scope') });
    const save = await http(t.port, 'POST', `${BASE}/api/prompts/py-scoped?description=d`, { headers: { 'x-authorization': run, 'content-type': 'application/json' }, body: 'x' });
    expect(save.status).toBe(403);
    const read = await tokenOf(readOnly);
    expect((await http(t.port, 'POST', `${BASE}/api/prompts/py-scoped?description=d`, { headers: { 'x-authorization': t.key }, body: 'x' })).status).toBe(200);
    const tags = await http(t.port, 'PUT', `${BASE}/api/prompts/py-scoped/tags`, { headers: { 'x-authorization': read, 'content-type': 'application/json' }, body: '[{"key": "a", "value": "b"}]' });
    expect(tags.status).toBe(403);
    expect((await http(t.port, 'GET', `${BASE}/api/prompts/py-scoped/tags`, { headers: { 'x-authorization': read } })).status).toBe(200);
  });

  it('a token is accepted wherever a key is: the native API too', async () => {
    const res = await http(t.port, 'GET', '/api/v1/prompts', { headers: { authorization: `Bearer ${await token()}` } });
    expect(res.status).toBe(200);
  });

  it('GET ?version=N and /versions answer each saved version as a MessageTemplate', async () => {
    const tok = await token();
    const headers = { 'x-authorization': tok, 'content-type': 'application/json' };
    // autoIncrement on a new name creates it at version 1, then saves the next version each time.
    await http(t.port, 'POST', `${BASE}/api/prompts/py-versions?description=d&autoIncrement=true`, { headers, body: '"first ${a}"' });
    await http(t.port, 'POST', `${BASE}/api/prompts/py-versions?description=d&autoIncrement=true`, { headers, body: '"second ${b}"' });
    expect((await http(t.port, 'GET', `${BASE}/api/prompts/py-versions?version=1`, { headers })).json()).toMatchObject({ version: 1, template: 'first ${a}', variables: ['a'] });
    expect((await http(t.port, 'GET', `${BASE}/api/prompts/py-versions`, { headers })).json()).toMatchObject({ version: 2, template: 'second ${b}', variables: ['b'] });
    const all = (await http(t.port, 'GET', `${BASE}/api/prompts/py-versions/versions`, { headers })).json();
    expect(all.map((v: { version: number; template: string }) => [v.version, v.template])).toEqual([
      [1, 'first ${a}'],
      [2, 'second ${b}'],
    ]);
    expect((await http(t.port, 'GET', `${BASE}/api/prompts/py-versions?version=9`, { headers })).status).toBe(404);
  });

  it('a provider failure during a test answers its status in Conductor shape', async () => {
    saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'failing', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['error-500'] }));
    const res = await http(t.port, 'POST', `${BASE}/api/prompts/test`, { headers: { 'x-authorization': t.key, 'content-type': 'application/json' }, body: '{"prompt": "Hi", "llmProvider": "failing", "model": "error-500"}' });
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ status: 502, message: expect.any(String), code: 'provider_error' });
  });
});

/** A str body as the Python SDK sends it: json.dumps (ensure_ascii, so an emoji is two \u escapes) then .strip('"') (rest.py). */
const pyBody = (text: string) =>
  JSON.stringify(text)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/^"+|"+$/g, '');

describe('examples/prompt_journey.py chapter 3.5 and docs/PROMPT.md "Creating Versions" (python-sdk 8ff5f88)', () => {
  // save_prompt(prompt_name, description, prompt_template, version=?, models=?, auto_increment=?)
  // -> POST /api/prompts/{name}?description=&version=&models=&autoIncrement= (prompt_resource_api.py
  // save_message_template), the template as a str body. Texts abridged from the example, same variables.
  const save = async (name: string, description: string, template: string, query: string) => {
    const headers = { 'x-authorization': await token(), 'content-type': 'application/json', accept: 'application/json' };
    return http(t.port, 'POST', `${BASE}/api/prompts/${name}?description=${encodeURIComponent(description)}${query}`, { headers, body: pyBody(template) });
  };
  const read = async (path: string) => (await http(t.port, 'GET', `${BASE}${path}`, { headers: { 'x-authorization': await token() } })).json();

  it('version=1, 2, 3 create those versions, auto_increment=True makes 4; ${} variables are the variables', async () => {
    const v1 = "Answer the customer's frequently asked question.\n\nQuestion: ${question}\n\nProvide a clear, concise answer.";
    const v2 = 'You are a support agent answering FAQs.\n\nCategory: ${category}\nQuestion: ${question}\nCustomer Type: ${customer_type}';
    const v3 = `${v2}\nLanguage Preference: \${language}`;
    const v31 = `${v3}\nUrgency Level: \${urgency}`;
    for (const [template, query] of [[v1, '&version=1'], [v2, '&version=2'], [v3, '&version=3'], [v31, '&autoIncrement=True']] as const) {
      expect((await save('journey_faq', 'FAQ response generator', template, query)).status, query).toBe(200);
    }
    expect((await read('/api/prompts/journey_faq')).version).toBe(4);
    expect(await read('/api/prompts/journey_faq?version=1')).toMatchObject({ template: v1, variables: ['question'], version: 1 });
    expect(await read('/api/prompts/journey_faq?version=3')).toMatchObject({ template: v3, variables: ['category', 'question', 'customer_type', 'language'] });
    expect((await read('/api/prompts/journey_faq')).variables).toEqual(['category', 'question', 'customer_type', 'language', 'urgency']);
  });

  it('version=1 with models on new prompts (A/B greetings, an emoji sent as \\ud83d\\udc4b); the version tags are kept as key:value', async () => {
    saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'openai', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['gpt-4', 'gpt-4o'] }));
    const casual = 'Hey ${customer_name}! 👋\n\nAs a ${customer_tier} member, you get priority support.';
    expect((await save('journey_casual', 'Casual greeting', casual, '&version=1&models=openai%3Agpt-4o&models=openai%3Agpt-4')).status).toBe(200);
    expect(await read('/api/prompts/journey_casual')).toMatchObject({ template: casual, variables: ['customer_name', 'customer_tier'], integrations: ['openai:gpt-4o', 'openai:gpt-4'], version: 1 });
    const tags = [
      { key: 'version_status', value: 'active' },
      { key: 'tested_models', value: 'openai:gpt-4o' },
      { key: 'last_updated', value: '2024-12-24' },
    ];
    const put = await http(t.port, 'PUT', `${BASE}/api/prompts/journey_casual/tags`, { headers: { 'x-authorization': await token(), 'content-type': 'application/json' }, body: JSON.stringify(tags.map((tag) => ({ ...tag, type: 'METADATA' }))) });
    expect(put.status).toBe(200);
    expect(await read('/api/prompts/journey_casual/tags')).toEqual(tags.map((tag) => ({ ...tag, type: 'METADATA' })));
  });
});


describe('docs/PROMPT.md "With model associations" (python-sdk 8ff5f88): bare model names', () => {
  // prompt_client.save_prompt(prompt_name="complex_analysis", description="...",
  //   prompt_template="${analysis_prompt}", models=['gpt-4o', 'gpt-4']) ("Just model names, no prefix"),
  // on a workspace of its own: first without any integration listing those models.
  let g: TestHost;
  beforeAll(async () => {
    g = await startTestHost();
  });
  afterAll(() => g.stop());
  const guideSave = (name: string, key = g.key) =>
    http(g.port, 'POST', `${BASE}/api/prompts/${name}?description=Complex+analysis&models=gpt-4o&models=gpt-4`, { headers: { 'x-authorization': key, 'content-type': 'application/json', accept: 'application/json' }, body: pyBody('${analysis_prompt}') });
  const stored = (name: string) => getVersion(g.owner, name, 1).modelSettings.models;
  const read = async (name: string, key = g.key) => (await http(g.port, 'GET', `${BASE}/api/prompts/${name}`, { headers: { 'x-authorization': key } })).json();

  it('without an integration that lists them, the call works: kept as conductor:<model>, read back bare', async () => {
    const res = await guideSave('complex_analysis');
    expect(res.status, res.text).toBe(200);
    expect(stored('complex_analysis')).toEqual(['conductor:gpt-4o', 'conductor:gpt-4']);
    expect(await read('complex_analysis')).toMatchObject({ template: '${analysis_prompt}', variables: ['analysis_prompt'], integrations: ['gpt-4o', 'gpt-4'] });
  });

  it('a model exactly one usable integration lists resolves to it; several (or one the member may not use) stay bare', async () => {
    saveIntegration(g.owner, SaveIntegrationInput.parse({ name: 'openai', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['gpt-4', 'gpt-4o'] }));
    expect((await guideSave('with_openai')).status).toBe(200);
    expect(stored('with_openai')).toEqual(['openai:gpt-4o', 'openai:gpt-4']);
    expect((await read('with_openai')).integrations).toEqual(['openai:gpt-4o', 'openai:gpt-4']);
    saveIntegration(g.owner, SaveIntegrationInput.parse({ name: 'azure', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['gpt-4'], access: 'selected', memberIds: [] }));
    // The owner (an admin) may use both: gpt-4 is ambiguous, gpt-4o is openai's only.
    expect((await guideSave('two_listing')).status).toBe(200);
    expect(stored('two_listing')).toEqual(['openai:gpt-4o', 'conductor:gpt-4']);
    // A member may not use azure (selected, not them): for them gpt-4 is openai's only.
    const bob = addUser(g.owner, AddUserInput.parse({ email: 'guide-bob@example.com', name: 'Bob' }));
    const bobKey = createKey(g.owner, { userEmail: bob.email, label: 'bob' }).key;
    expect((await guideSave('bob_analysis', bobKey)).status).toBe(200);
    expect(stored('bob_analysis')).toEqual(['openai:gpt-4o', 'openai:gpt-4']);
  });
});
