import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
  seedPrompt(t.owner, 'greet', 'Hello {{name}}', { api: true });
});
afterAll(() => t.stop());

const render = async (query = '') =>
  (await t.call('POST', `/api/v1/prompts/greet/render${query}`, { variables: { name: 'Ada' } })).json().text as string;

describe('versions over HTTP', () => {
  it('creates, lists and gets versions', async () => {
    const created = await t.call('POST', '/api/v1/prompts/greet/versions', { template: { kind: 'text', text: 'Hi {{name}}' }, commitMessage: 'shorter' });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ number: 2, status: 'draft', commitMessage: 'shorter' });
    const list = (await t.call('GET', '/api/v1/prompts/greet/versions')).json();
    expect(list.items.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    expect((await t.call('GET', '/api/v1/prompts/greet/versions/1')).json()).toMatchObject({ template: { text: 'Hello {{name}}' } });
  });

  it('promotes with notes, serves the published version, and records history', async () => {
    const promoted = await t.call('POST', '/api/v1/prompts/greet/versions/1/promote', { notes: 'first launch' });
    expect(promoted.json()).toMatchObject({ version: 1, previousVersion: null, notes: 'first launch' });
    expect(await render()).toBe('Hello Ada');
    await t.call('POST', '/api/v1/prompts/greet/versions/2/promote', { notes: 'shorter' });
    expect(await render()).toBe('Hi Ada');
    expect(await render('?version=1')).toBe('Hello Ada');
    const history = (await t.call('GET', '/api/v1/prompts/greet/promotions')).json().items;
    expect(history.map((h: { version: number; previousVersion: number | null }) => [h.version, h.previousVersion])).toEqual([
      [2, 1],
      [1, null],
    ]);
    const filtered = (await t.call('GET', `/api/v1/prompts/greet/promotions?user=${t.owner.actor.id}&to=2000-01-01`)).json();
    expect(filtered.items).toEqual([]);
  });

  it('explains that an archived version must be unarchived before promotion, then rolls back', async () => {
    const refused = expectProblem(await t.call('POST', '/api/v1/prompts/greet/versions/1/promote', {}), 409, 'number');
    expect(refused.detail).toMatch(/unarchive/);
    expect((await t.call('POST', '/api/v1/prompts/greet/versions/1/unarchive')).json()).toMatchObject({ status: 'draft' });
    expect((await t.call('POST', '/api/v1/prompts/greet/versions/1/promote', { notes: 'rollback' })).json()).toMatchObject({ previousVersion: 2 });
    expect(await render()).toBe('Hello Ada');
  });

  it('refuses to edit a committed version with 409 and edits a draft in place', async () => {
    await t.call('POST', '/api/v1/prompts/greet/versions', { template: { kind: 'text', text: 'Draft {{name}}' } });
    const edited = await t.call('PATCH', '/api/v1/prompts/greet/versions/3', { template: { kind: 'text', text: 'Edited {{name}}' } });
    expect(edited.json()).toMatchObject({ number: 3, template: { text: 'Edited {{name}}' } });
    expect((await t.call('POST', '/api/v1/prompts/greet/versions/3/commit')).json()).toMatchObject({ committed: true });
    expectProblem(await t.call('PATCH', '/api/v1/prompts/greet/versions/3', { commitMessage: 'sneaky' }), 409);
  });

  it('pins the deployment so promotions do not change what the API serves', async () => {
    const pinned = await t.call('PUT', '/api/v1/prompts/greet/deployment', { pinnedVersion: 3 });
    expect(pinned.json()).toMatchObject({ mode: 'pinned', pinnedVersion: 3, servedVersion: 3 });
    await t.call('POST', '/api/v1/prompts/greet/versions/2/unarchive');
    await t.call('POST', '/api/v1/prompts/greet/versions/2/promote', {});
    expect(await render()).toBe('Edited Ada');
    expect((await t.call('GET', '/api/v1/prompts/greet', undefined)).json().version.number).toBe(3);
    await t.call('PUT', '/api/v1/prompts/greet/deployment', { pinnedVersion: null });
    expect(await render()).toBe('Hi Ada');
  });

  it('refuses to delete the published version', async () => {
    expectProblem(await t.call('DELETE', '/api/v1/prompts/greet/versions/2'), 409);
  });

  it('compares two versions', async () => {
    const comparison = (await t.call('GET', '/api/v1/prompts/greet/compare?from=1&to=3')).json();
    expect(comparison.granularity).toBe('words');
    expect(comparison.template).toContainEqual({ value: 'Edited', added: true });
    expectProblem(await t.call('GET', '/api/v1/prompts/greet/compare?from=1'), 400, 'to');
  });

  it('rejects bad version numbers and unknown versions', async () => {
    expectProblem(await t.call('GET', '/api/v1/prompts/greet/versions/zero'), 400, 'number');
    expectProblem(await t.call('GET', '/api/v1/prompts/greet/versions/0'), 400, 'number');
    expectProblem(await t.call('POST', '/api/v1/prompts/greet/versions/99/promote', {}), 404);
    expectProblem(await t.call('PUT', '/api/v1/prompts/greet/deployment', { pinnedVersion: 'three' }), 400, 'pinnedVersion');
  });
});
