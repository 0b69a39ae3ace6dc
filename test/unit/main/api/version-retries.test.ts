import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { seedPrompt } from '../../../helpers/workspace';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { commitVersion, deleteVersion, pinDeployment, promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { templateText } from '../../../../src/shared/template/template';
import { http } from '../../../helpers/http';
import type { Ctx } from '../../../../src/main/core/context';

/**
 * Issue 10 items 2, 3 and 18 from outside: a version asked for is the one answered on every door
 * (run honours `?version=N` as render does; an unknown number is a 404 on both, even on a prompt
 * with none saved), and retrying a compat write that committed saves no second copy of it.
 */
let t: TestHost;
let provider: FakeProvider;
let app: Ctx;
let writeOnly: string;

const save = (name: string, text: string) => saveVersion(app, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
const store = () => t.host.workspace.store;
const texts = (name: string) => {
  const id = store().prompts.getRowByName(name)!.id;
  return store()
    .versions.list(id)
    .map((v) => `v${v.number} ${v.status} ${templateText(store().versions.get(id, v.number)!.template)}`);
};

beforeAll(async () => {
  provider = await startFakeProvider();
  t = await startTestHost();
  app = t.owner;
  saveIntegration(app, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  writeOnly = createKey(app, { userEmail: app.actor.email, label: 'write only', scopes: ['write'] }).key;
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

describe('run asks for a version the way render does (items 2 and 18)', () => {
  beforeAll(() => {
    seedPrompt(app, 'asked', 'one {{x}}', { api: true });
    save('asked', 'two {{x}}');
    save('asked', 'three {{x}}');
    deleteVersion(app, 'asked', 2);
    promoteVersion(app, { name: 'asked', number: 1, notes: '' });
  });
  const run = (query: string, body: object = {}) => t.call('POST', `/api/v1/prompts/asked/run${query}`, { variables: { x: 'a' }, model: 'local:echo', ...body });
  const render = (query: string, body: object = {}) => t.call('POST', `/api/v1/prompts/asked/render${query}`, { variables: { x: 'a' }, ...body });

  it('run ?version=N runs version N, as render ?version=N renders it', async () => {
    expect((await render('?version=3')).json()).toMatchObject({ version: 3, text: 'three a' });
    expect((await run('?version=3')).json()).toMatchObject({ version: 3, output: 'Echo: three a' });
    expect((await run('?version=3', { stream: true })).text).toMatch(/event: start\ndata: \{[^\n]*"version":3/);
  });

  it('run ?version= a deleted number is the 404 of every door, never the served version', async () => {
    for (const res of [await run('?version=2'), await run('?version=2', { stream: true }), await render('?version=2')]) {
      expect(expectProblem(res, 404).detail).toMatch(/Version 2 .*deleted/);
    }
  });

  it('a query and a body naming different versions are refused naming version, on render and run alike', async () => {
    for (const res of [await run('?version=3', { version: 1 }), await render('?version=3', { version: 1 })]) expectProblem(res, 400, 'version');
    expect((await run('?version=3', { version: 3 })).json()).toMatchObject({ version: 3 });
  });

  it('asking a prompt with no saved version for version 1 is a 404 on render and run alike; without one, both say 409', async () => {
    expect((await t.call('POST', '/api/v1/prompts', { name: 'asked-blank', title: 'Blank' })).status).toBe(201);
    const doors = [
      () => t.call('POST', '/api/v1/prompts/asked-blank/render?version=1', { variables: {} }),
      () => t.call('POST', '/api/v1/prompts/asked-blank/run?version=1', { variables: {}, model: 'local:echo' }),
      () => t.call('POST', '/api/v1/prompts/asked-blank/run', { version: 1, variables: {}, model: 'local:echo' }),
      () => t.call('POST', '/api/v1/prompts/asked-blank/run', { version: 1, variables: {}, model: 'local:echo', stream: true }),
    ];
    for (const door of doors) expect(expectProblem(await door(), 404).detail).toBe('Version 1 of prompt "asked-blank" not found');
    expect(expectProblem(await t.call('POST', '/api/v1/prompts/asked-blank/run', { variables: {}, model: 'local:echo' }), 409).detail).toMatch(/no saved version yet/);
  });
});

describe('a retried compat write saves no second copy (item 3)', () => {
  // The text in Promptdesk's syntax, sent in Conductor's (${x}; a literal {{ would be kept as text).
  const conductor = (name: string, query: string, text: string) =>
    http(t.port, 'PUT', `/compat/conductor/api/prompts/${name}?description=d${query}`, {
      headers: { 'x-authorization': writeOnly, 'content-type': 'application/json' },
      body: JSON.stringify(text.replace(/\{\{(\w+)\}\}/g, '$${$1}')),
    });

  // Every kind of version a Conductor PUT may not change in place, so the update becomes a new one.
  const IMMUTABLE: [string, (name: string) => void][] = [
    ['published', (name) => promoteVersion(app, { name, number: 1, notes: '' })],
    ['archived', (name) => {
      promoteVersion(app, { name, number: 1, notes: '' });
      promoteVersion(app, { name, number: save(name, 'later {{x}}').number, notes: '' });
    }],
    ['committed', (name) => commitVersion(app, name, 1)],
    ['pinned', (name) => pinDeployment(app, name, 1)],
  ];

  it.each(IMMUTABLE)('Conductor PUT ?version=1 on a %s v1, sent three times: one new version, 200 each time', async (kind, make) => {
    const name = `cond-${kind}`;
    seedPrompt(app, name, 'one {{x}}', { api: true });
    make(name);
    const before = texts(name);
    for (let i = 0; i < 3; i++) expect((await conductor(name, '&version=1', 'new {{x}}')).status).toBe(200);
    const after = texts(name);
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toMatch(/^v\d+ draft new \{\{x\}\}$/);
  });

  it('a Conductor PUT of the text and models the version already has saves nothing', async () => {
    seedPrompt(app, 'cond-same', 'same {{x}}', { api: true });
    promoteVersion(app, { name: 'cond-same', number: 1, notes: '' });
    for (const query of ['', '&version=1']) expect((await conductor('cond-same', query, 'same {{x}}')).status).toBe(200);
    expect(texts('cond-same')).toEqual(['v1 published same {{x}}']);
  });

  it('a Conductor PUT ?version=0 on an existing prompt is the 400 every door gives for a version that is no number, not a new version', async () => {
    seedPrompt(app, 'cond-zero', 'zero {{x}}', { api: true });
    expect(expectProblem(await conductor('cond-zero', '&version=0', 'other {{x}}'), 400, 'version').detail).toBe('version: must be a whole number from 1, not "0"');
    expect(texts('cond-zero')).toEqual(['v1 draft zero {{x}}']);
  });

  it('a Conductor PUT still edits the targeted mutable draft in place, even when the newest holds that text', async () => {
    seedPrompt(app, 'cond-drafts', 'first {{x}}', { api: true });
    save('cond-drafts', 'second {{x}}');
    expect((await conductor('cond-drafts', '&version=1', 'second {{x}}')).status).toBe(200);
    expect(texts('cond-drafts')).toEqual(['v2 draft second {{x}}', 'v1 draft second {{x}}']);
  });

  it('an Open WebUI draft update (is_production false), sent three times: one draft, production unchanged', async () => {
    seedPrompt(app, 'ow-retry', 'live {{x}}', { api: true, slashCommand: 'owretry' });
    promoteVersion(app, { name: 'ow-retry', number: 1, notes: '' });
    const id = store().prompts.getRowByName('ow-retry')!.id;
    const update = (isProduction: boolean) =>
      http(t.port, 'POST', `/compat/openwebui/api/prompts/id/${id}/update`, {
        headers: { authorization: `Bearer ${writeOnly}`, 'content-type': 'application/json' },
        body: JSON.stringify({ command: 'owretry', name: 'ow-retry', content: 'draft {{x}}', is_production: isProduction }),
      });
    for (let i = 0; i < 3; i++) expect((await update(false)).status).toBe(200);
    expect(texts('ow-retry')).toEqual(['v2 draft draft {{x}}', 'v1 published live {{x}}']);
    // Publishing that same content promotes the draft already saved, no copy of it.
    for (let i = 0; i < 2; i++) expect((await update(true)).status).toBe(200);
    expect(texts('ow-retry')).toEqual(['v2 published draft {{x}}', 'v1 archived live {{x}}']);
  });
});

describe('a 404 says what is missing in one sentence', () => {
  it('removing a share that is not there', async () => {
    seedPrompt(app, 'unshared', 'x', { api: true });
    const removed = await t.call('DELETE', `/api/v1/prompts/unshared/shares/${app.actor.id}x`);
    expect(expectProblem(removed, 404, 'userId').detail).toBe('That member has no share on this prompt');
  });
});

describe('the Respan summary counts versions, never reads the newest number as a count', () => {
  const summary = async (search: string) => (await t.call('POST', '/compat/respan/api/prompts/summary/', { search })).json();

  it('deleted versions leave gaps in the numbers, not in the count', async () => {
    seedPrompt(app, 'sumgap', 'one {{x}}', { api: true });
    save('sumgap', 'two {{x}}');
    save('sumgap', 'three {{x}}');
    deleteVersion(app, 'sumgap', 2);
    expect(await summary('sumgap')).toEqual({ total_count: 1, total_prompts: 1, deployed_prompts: 0, total_versions: 2 });
  });

  it('covers every matching prompt, past the first page of 200', async () => {
    // One transaction: 205 commits would each wait for the disk.
    store().tx(() => {
      for (let i = 0; i < 205; i++) {
        seedPrompt(app, `sumbulk-${i}`, 'bulk {{x}}', { api: true });
        promoteVersion(app, { name: `sumbulk-${i}`, number: 1, notes: '' });
      }
    });
    expect(await summary('sumbulk')).toEqual({ total_count: 205, total_prompts: 205, deployed_prompts: 205, total_versions: 205 });
  });
});

describe('a save based on a version deleted since (item 2)', () => {
  it('saves as the next number: nothing newer than its base exists to be overwritten; a base older than the newest is still refused', async () => {
    seedPrompt(app, 'based-gone', 'one', { api: true });
    save('based-gone', 'two');
    save('based-gone', 'three');
    deleteVersion(app, 'based-gone', 3);
    const post = (baseVersion: number) => t.call('POST', '/api/v1/prompts/based-gone/versions', { template: { kind: 'text', text: `mine on v${baseVersion}` }, baseVersion });
    const saved = await post(3);
    expect(saved.status).toBe(201);
    expect(saved.json()).toMatchObject({ number: 4 });
    expect(expectProblem(await post(2), 409, 'baseVersion').detail).toBe('Version 4 was saved after you started editing version 2; reload to see it before saving');
  });
});
