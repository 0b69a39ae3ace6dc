import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { createPrompt, getPrompt, setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { getVersion, listVersions, saveVersion } from '../../../../src/main/core/versions/versions-service';
import { deleteVersion } from '../../../../src/main/core/versions/lifecycle';
import { MAX_TAGS, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { addUser } from '../../../../src/main/core/users/users-service';
import { AddUserInput } from '../../../../src/shared/schemas/users';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { addShare, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';

/**
 * The tester's report on the Conductor door (issue 11), each item a class of behaviour over HTTP:
 * version=N creates version N (the Python SDK's docs/PROMPT.md "Creating Versions" flow),
 * Conductor's ${var} syntax, case-sensitive names, native limits, chat templates, a provider's
 * 429 on /prompts/test, names that cannot exist, body encodings, /api/token caching.
 */

const BASE = '/compat/conductor';
let t: TestHost;
let provider: FakeProvider;

beforeAll(async () => {
  t = await startTestHost();
  provider = await startFakeProvider({ retryAfter: '7' });
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'fake', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo', 'error-429'] }));
});
afterAll(async () => {
  await provider.close();
  await t.stop();
});

/** The Python SDK's str body: json.dumps (ensure_ascii) then .strip('"') (python-sdk src/conductor/client/http/rest.py). */
const pythonWire = (text: string) =>
  JSON.stringify(text)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/^"+|"+$/g, '');
const JSON_HEADERS = () => ({ 'x-authorization': t.key, 'content-type': 'application/json' });

const call = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = JSON_HEADERS()): Promise<RawResponse> =>
  http(t.port, method, `${BASE}${path}`, { headers, body });
/** prompt_client.save_prompt(name, description, template, version=?, auto_increment=?) as the Python SDK sends it. */
const pySave = (name: string, description: string, template: string, query = '') =>
  call('POST', `/api/prompts/${name}?description=${encodeURIComponent(description)}${query}`, pythonWire(template));
const get = (path: string) => call('GET', path);

function conductorError(res: RawResponse, status: number, field?: string) {
  expect(res.status).toBe(status);
  const body = res.json();
  expect(body).toMatchObject({ status, message: expect.any(String), retryable: expect.any(Boolean) });
  if (field) expect(body.validationErrors?.[0]?.path ?? body.field).toBe(field);
  return body;
}

describe('1. version=N creates version N above every number used (python-sdk docs/PROMPT.md "Creating Versions", examples/prompt_journey.py 3.5)', () => {
  it('version=1, version=2, then auto_increment=True becomes version 3', async () => {
    expect((await pySave('faq_response', 'FAQ response generator - v1', 'Answer: ${question}', '&version=1')).status).toBe(200);
    expect((await pySave('faq_response', 'FAQ response generator - v2 with category', 'Category: ${category}\nQuestion: ${question}\nAnswer:', '&version=2')).status).toBe(200);
    expect((await pySave('faq_response', 'FAQ response generator - v3 with urgency', 'Urgency: ${urgency}\nCategory: ${category}\nQuestion: ${question}', '&autoIncrement=True')).status).toBe(200);
    expect(listVersions(t.owner, 'faq_response').map((v) => v.number).sort()).toEqual([1, 2, 3]);
    expect((await get('/api/prompts/faq_response?version=2')).json()).toMatchObject({ version: 2, template: 'Category: ${category}\nQuestion: ${question}\nAnswer:', variables: ['category', 'question'] });
    expect((await get('/api/prompts/faq_response?version=1')).json()).toMatchObject({ version: 1, template: 'Answer: ${question}', variables: ['question'] });
    expect((await get('/api/prompts/faq_response')).json()).toMatchObject({ version: 3, variables: ['urgency', 'category', 'question'] });
  });

  it('PUT ?version=N above the high-water mark creates N; a deleted number stays 404 "was deleted"; a lower one updates it', async () => {
    expect((await call('PUT', '/api/prompts/faq_response?description=d&version=7', 'seven')).status).toBe(200);
    expect(getVersion(t.owner, 'faq_response', 7).template).toEqual({ kind: 'text', text: 'seven' });
    deleteVersion(t.owner, 'faq_response', 7);
    const gone = conductorError(await call('PUT', '/api/prompts/faq_response?description=d&version=7', 'again'), 404);
    expect(gone.message).toMatch(/was deleted/);
    // The numbers skipped (4-6) are below the high-water mark: never given afterwards either.
    // Round 2, item 4: the text names both causes (only the mark is kept, not which numbers were skipped).
    expect(conductorError(await call('PUT', '/api/prompts/faq_response?description=d&version=5', 'five'), 404).message).toMatch(/does not exist: it was deleted, or skipped when a higher number was saved explicitly/);
    expect(conductorError(await get('/api/prompts/faq_response?version=5'), 404).message).toMatch(/skipped when a higher number was saved explicitly/);
    expect((await pySave('faq_response', 'd', 'eight', '&autoIncrement=True')).status).toBe(200);
    expect(listVersions(t.owner, 'faq_response').map((v) => v.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 8]);
  });
});

describe("2. Conductor's ${var} syntax", () => {
  it('a saved ${name} is a variable; the test call renders it; literal {{ text is kept as sent', async () => {
    expect((await call('POST', '/api/prompts/greeting?description=g', JSON.stringify('Hello ${customer_name}, how can I help you?'))).status).toBe(200);
    expect((await get('/api/prompts/greeting')).json()).toMatchObject({ template: 'Hello ${customer_name}, how can I help you?', variables: ['customer_name'] });
    expect(getPrompt(t.owner, 'greeting').latest?.template).toEqual({ kind: 'text', text: 'Hello {{customer_name}}, how can I help you?' });
    const before = provider.requests.length;
    const tested = await call('POST', '/api/prompts/test', JSON.stringify({ prompt: 'Hello ${customer_name}', promptVariables: { customer_name: 'John' }, llmProvider: 'fake', model: 'echo' }));
    expect(tested.status).toBe(200);
    expect(tested.json()).toContain('Hello John');
    expect(provider.requests.length).toBe(before + 1);
    for (const text of ['{{a.b}}', '{{#if x}}y{{/if}}', '{{ a', 'C:\\{{x}} \\${y} ${a.b}']) {
      expect((await call('PUT', '/api/prompts/syn?description=x', JSON.stringify(text))).status, text).toBe(200);
      expect((await get('/api/prompts/syn')).json(), text).toMatchObject({ template: text });
    }
  });

  it('a native template reads through the door with ${x} for each {{x}}', async () => {
    createPrompt(t.owner, { name: 'native-vars', title: 'n', description: '', tags: [], slashCommand: null });
    setApiSettings(t.owner, { name: 'native-vars', apiAccess: true });
    saveVersion(t.owner, SaveVersionInput.parse({ name: 'native-vars', template: { kind: 'text', text: 'Hi {{ who }}, {{what}} \\{{lit}}' } }));
    expect((await get('/api/prompts/native-vars')).json()).toMatchObject({ template: 'Hi ${who}, ${what} {{lit}}', variables: ['who', 'what'] });
  });
});

describe('3. names are case-sensitive at this door', () => {
  it('a save under another case of a taken name is 409 naming name and changes nothing; reads in the other case are 404 like a missing name', async () => {
    expect((await call('PUT', '/api/prompts/CaseTest?description=upper', 'text A')).status).toBe(200);
    const refused = conductorError(await call('PUT', '/api/prompts/casetest?description=lower', 'text B'), 409, 'name');
    expect(refused.message).not.toMatch(/CaseTest/);
    conductorError(await pySave('casetest', 'lower', 'text B', '&autoIncrement=true'), 409, 'name');
    expect(getPrompt(t.owner, 'CaseTest')).toMatchObject({ description: 'upper', latestVersion: 1 });
    expect(getVersion(t.owner, 'CaseTest', 1).template).toEqual({ kind: 'text', text: 'text A' });
    const missing = await get('/api/prompts/never-existed');
    for (const path of ['/api/prompts/casetest', '/api/prompts/casetest/tags', '/api/prompts/casetest/versions']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.json(), path).toEqual(missing.json());
    }
    expect((await call('DELETE', '/api/prompts/casetest')).status).toBe(404);
    expect((await call('PUT', '/api/prompts/casetest/tags', '[{"key":"a","value":"b"}]')).status).toBe(404);
    expect(getPrompt(t.owner, 'CaseTest').tags).toEqual([]);
    expect((await get('/api/prompts/CaseTest')).json()).toMatchObject({ name: 'CaseTest', template: 'text A' });
  });
});

describe('4. native limits', () => {
  it('a template over 200,000 characters and a description over 2,000 are 400s naming the field; nothing saved', async () => {
    const over = conductorError(await call('POST', '/api/prompts/big?description=big', JSON.stringify('x'.repeat(200_001))), 400, 'body');
    // Round 2, item 5: the text names the field the caller sent (body), once; not the native `text`.
    expect(over.message).toMatch(/^body: The template is longer than 200,000 characters/);
    expect(over.validationErrors[0].message).toBe(over.message);
    conductorError(await call('PUT', '/api/prompts/big?description=big', 'y'.repeat(200_001), { 'x-authorization': t.key, 'content-type': 'text/plain' }), 400, 'body');
    conductorError(await call('PUT', `/api/prompts/big?description=${'d'.repeat(2001)}`, 'ok'), 400, 'description');
    expect((await get('/api/prompts/big')).status).toBe(404);
    expect((await call('PUT', '/api/prompts/big?description=big', 'z'.repeat(200_000), { 'x-authorization': t.key, 'content-type': 'text/plain' })).status).toBe(200);
  });
});

describe('5. chat templates', () => {
  it('read shows the messages as text; an update in place is 409 naming body (nothing changes); autoIncrement saves a new text version', async () => {
    createPrompt(t.owner, { name: 'chatty', title: 'c', description: '', tags: [], slashCommand: null });
    setApiSettings(t.owner, { name: 'chatty', apiAccess: true });
    const chat = { kind: 'chat' as const, messages: [{ role: 'system' as const, content: 'You are {{role}}' }, { role: 'user' as const, content: 'Q: {{q}}' }] };
    saveVersion(t.owner, SaveVersionInput.parse({ name: 'chatty', template: chat }));
    expect((await get('/api/prompts/chatty')).json()).toMatchObject({ template: 'You are ${role}\nQ: ${q}', variables: ['role', 'q'] });
    const refused = conductorError(await call('POST', '/api/prompts/chatty?description=d&models=fake:echo', JSON.stringify('You are ${role}\nQ: ${q} edited')), 409, 'body');
    expect(refused.message).toMatch(/chat template/);
    conductorError(await call('PUT', '/api/prompts/chatty?description=d&version=1', 'flat'), 409, 'body');
    expect(getVersion(t.owner, 'chatty', 1).template).toEqual(chat);
    expect(getPrompt(t.owner, 'chatty').description).toBe('');
    expect((await call('POST', '/api/prompts/chatty?description=d&autoIncrement=true', JSON.stringify('now text ${q}'))).status).toBe(200);
    expect(getVersion(t.owner, 'chatty', 1).template).toEqual(chat);
    expect(getVersion(t.owner, 'chatty', 2).template).toEqual({ kind: 'text', text: 'now text {{q}}' });
  });
});

describe('6. a provider rate limit on /prompts/test', () => {
  it('answers 502 retryable (not 429, which the JS SDK retries five times), the model asked once', async () => {
    const before = provider.requests.length;
    const res = await call('POST', '/api/prompts/test', JSON.stringify({ prompt: 'hi', llmProvider: 'fake', model: 'error-429' }));
    const body = conductorError(res, 502);
    expect(body.retryable).toBe(true);
    expect(provider.requests.length).toBe(before + 1);
  });

  it('null temperature and topP are "not set"', async () => {
    const res = await call('POST', '/api/prompts/test', JSON.stringify({ prompt: 'hi', llmProvider: 'fake', model: 'echo', temperature: null, topP: null }));
    expect(res.status).toBe(200);
  });
});

describe('7. a key made with a token', () => {
  it('expires no later than the token', async () => {
    const id = t.key.slice(0, 15);
    const tokenRes = await http(t.port, 'POST', `${BASE}/api/token`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keyId: id, keySecret: t.key }) });
    expect(tokenRes.headers['cache-control']).toBe('no-store');
    const token = tokenRes.json().token as string;
    const made = await http(t.port, 'POST', '/api/v1/keys', { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ label: 'minted-from-token' }) });
    expect(made.status).toBeLessThan(300);
    const expiresAt = made.json().info?.expiresAt ?? made.json().expiresAt;
    expect(expiresAt).not.toBeNull();
    expect(Date.parse(expiresAt)).toBeLessThanOrEqual(Date.now() + 60 * 60 * 1000 + 5_000);
  });
});

describe('11, 13, 14: field names', () => {
  it('validation texts name the field once; a models integration error names models.N', async () => {
    const res = await http(t.port, 'POST', `${BASE}/api/token`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keyId: '', keySecret: 'x' }) });
    expect(conductorError(res, 400, 'keyId').message).not.toMatch(/keyId: keyId/);
    conductorError(await call('PUT', '/api/prompts/m1?description=d&models=fake:echo&models=nope:x', 'x'), 404, 'models.1');
    const empty = conductorError(await call('POST', '/api/prompts/test', JSON.stringify({ prompt: '', llmProvider: 'fake', model: 'echo' })), 400, 'prompt');
    expect(empty.message).not.toMatch(/prompt: prompt/);
    conductorError(await call('PUT', '/api/prompts/my%20prompt?description=d', 'x'), 400, 'name');
  });

  it('a name no prompt can have answers 404 at reads, like a missing name', async () => {
    const missing = (await get('/api/prompts/never-existed')).json();
    for (const path of ['/api/prompts/my%20prompt', '/api/prompts/my%20prompt/tags', '/api/prompts/-x/versions']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.json(), path).toEqual(missing);
    }
  });
});

describe('15. body encodings', () => {
  it('a UTF-8 BOM is not part of the text; another charset and a Content-Encoding are 415 in Conductor shape, nothing saved', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('"bom text"')]);
    expect((await call('PUT', '/api/prompts/enc?description=d', bom)).status).toBe(200);
    expect((await get('/api/prompts/enc')).json()).toMatchObject({ template: 'bom text' });
    conductorError(await call('PUT', '/api/prompts/enc?description=d', Buffer.from('"caf\xe9"', 'latin1'), { 'x-authorization': t.key, 'content-type': 'application/json; charset=iso-8859-1' }), 415);
    conductorError(await call('PUT', '/api/prompts/enc?description=d', gzipSync('"zipped"'), { ...JSON_HEADERS(), 'content-encoding': 'gzip' }), 415, 'body');
    expect((await get('/api/prompts/enc')).json()).toMatchObject({ template: 'bom text', version: 1 });
  });
});

/** The whole answer to raw bytes the server closes after (Node's parser refusals): status and body. */
function rawExchange(port: number, payload: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    let data = '';
    socket.on('data', (c) => (data += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
  });
}

describe("10. every error under /compat/conductor in Conductor's shape", () => {
  it('the Host/Origin guard, a malformed path or query, an oversized request line, a missing key at /api/token', async () => {
    conductorError(await http(t.port, 'GET', `${BASE}/api/prompts`, { headers: { 'x-authorization': t.key, host: 'evil.example:80' } }), 403);
    conductorError(await http(t.port, 'GET', `${BASE}/api/prompts`, { headers: { 'x-authorization': t.key, origin: 'http://evil.example' } }), 403);
    conductorError(await get('/api/prompts/%ZZ'), 400, 'path');
    conductorError(await get('/api/prompts?x=%ZZ'), 400, 'query');
    const big = await rawExchange(t.port, `GET ${BASE}/api/prompts/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\n\r\n`);
    expect(big.status).toBe(431);
    expect(JSON.parse(big.body)).toMatchObject({ status: 431, message: expect.any(String), retryable: false });
    const noKey = conductorError(await http(t.port, 'GET', `${BASE}/api/token`), 401);
    expect(noKey.error).toBe('INVALID_TOKEN');
    // Round 2, item 6: the text names the header Conductor's clients send, not Authorization: Bearer.
    expect([noKey.message, noKey.detail]).toEqual([expect.stringContaining('X-Authorization'), expect.stringContaining('X-Authorization')]);
    expect(noKey.message).not.toMatch(/Bearer/);
    // Outside the doors, problem+json as before.
    const native = await http(t.port, 'GET', '/api/v1/prompts', { headers: { authorization: `Bearer ${t.key}`, origin: 'http://evil.example' } });
    expect(native.status).toBe(403);
    expect(native.json()).not.toHaveProperty('retryable');
  });
});

describe('12. updatedBy is whoever made the last update', () => {
  it("another member's edit in place of a draft: updatedBy is that member, createdBy the owner; a new version is its author's", async () => {
    expect((await call('PUT', '/api/prompts/shared-draft?description=d', 'first')).status).toBe(200);
    setSharingLevel(t.owner, { name: 'shared-draft', level: 'library_edit' });
    addUser(t.owner, AddUserInput.parse({ email: 'bob@example.com', name: 'Bob' }));
    const bobKey = createKey(t.owner, { userEmail: 'bob@example.com', label: 'bob' }).key;
    expect((await call('PUT', '/api/prompts/shared-draft?description=d', 'edited by bob', { 'x-authorization': bobKey, 'content-type': 'text/plain' })).status).toBe(200);
    expect(listVersions(t.owner, 'shared-draft')).toHaveLength(1);
    expect((await get('/api/prompts/shared-draft')).json()).toMatchObject({ createdBy: t.owner.actor.email, updatedBy: 'bob@example.com', template: 'edited by bob' });
    expect((await get('/api/prompts/shared-draft?version=1')).json()).toMatchObject({ updatedBy: 'bob@example.com' });
  });
});


describe('tags are bounded by the one tag limit (MAX_TAGS)', () => {
  const tags = (from: number, count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => ({ key: `t${from + i}`, value: '' })));

  it('a body of more tags than a prompt holds is a 400 naming the first extra; adding past the limit is a 400 naming [0].key; nothing changes', async () => {
    expect((await call('PUT', '/api/prompts/many-tags?description=d', 'x')).status).toBe(200);
    conductorError(await call('PUT', '/api/prompts/many-tags/tags', tags(0, MAX_TAGS + 1)), 400, `[${MAX_TAGS}]`);
    expect((await call('PUT', '/api/prompts/many-tags/tags', tags(0, MAX_TAGS))).status).toBe(200);
    expect((await get('/api/prompts/many-tags/tags')).json()).toHaveLength(MAX_TAGS);
    conductorError(await call('PUT', '/api/prompts/many-tags/tags', tags(MAX_TAGS, 1)), 400, '[0].key');
    expect((await get('/api/prompts/many-tags/tags')).json()).toHaveLength(MAX_TAGS);
    // Tags already there count once: sending them again adds nothing and is accepted.
    expect((await call('PUT', '/api/prompts/many-tags/tags', tags(0, 3))).status).toBe(200);
  });

  it("a tag body is held to every door's JSON rules: no __proto__ key, no nesting past the depth bound; nothing changes", async () => {
    expect((await call('PUT', '/api/prompts/json-tags?description=d', 'x')).status).toBe(200);
    conductorError(await call('PUT', '/api/prompts/json-tags/tags', '[{"key":"a","value":"b","__proto__":{"x":1}}]'), 400, '0.__proto__');
    const deep = `[{"key":"a","value":${'['.repeat(40)}${']'.repeat(40)}}]`;
    conductorError(await call('PUT', '/api/prompts/json-tags/tags', deep), 400);
    expect((await get('/api/prompts/json-tags/tags')).json()).toEqual([]);
  });
});

describe('every read of a prompt answers a run-only member alike (docs/compat.md: 403)', () => {
  it('GET the prompt, its versions and its tags: 403 in Conductor\'s shape, naming nothing', async () => {
    expect((await call('PUT', '/api/prompts/run-only?description=d', 'x')).status).toBe(200);
    addUser(t.owner, AddUserInput.parse({ email: 'runner@example.com', name: 'Runner' }));
    addShare(t.owner, { name: 'run-only', email: 'runner@example.com', permission: 'run' });
    const runnerKey = createKey(t.owner, { userEmail: 'runner@example.com', label: 'runner' }).key;
    for (const path of ['/api/prompts/run-only', '/api/prompts/run-only/versions', '/api/prompts/run-only/tags']) {
      conductorError(await call('GET', path, undefined, { 'x-authorization': runnerKey }), 403);
    }
  });
});
