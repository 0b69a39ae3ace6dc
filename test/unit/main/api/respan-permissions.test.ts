import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { SHARING_LEVELS, type Action } from '../../../../src/shared/schemas/sharing';
import { ACTORS, HTTP_STATUS, expected, type Actor } from '../../../fixtures/permission-matrix';
import { buildMatrixWorld, deactivate, promptFor } from '../../../helpers/matrix-world';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { sdkHeaders } from '../../../fixtures/respan-sdk';

/**
 * Issue 11, Respan: the permission matrix (test/fixtures/permission-matrix.ts, the native API's
 * own expectations) through the calls the Respan SDK makes, with each member's key. Respan has no
 * run or share call, so those columns are not asked. Every matrix prompt has v1 and v2, both
 * uncommitted drafts.
 */
const ACTIONS: Partial<Record<Action, (id: string) => [method: string, path: string, body?: unknown]>> = {
  read: (id) => ['GET', `/compat/respan/api/prompts/${id}`],
  edit: (id) => ['PATCH', `/compat/respan/api/prompts/${id}/versions/2`, { description: 'edited' }],
  // update_version with deploy: commits (edit) and deploys (promote) version 2.
  promote: (id) => ['PATCH', `/compat/respan/api/prompts/${id}/versions/2`, { deploy: true }],
  delete: (id) => ['DELETE', `/compat/respan/api/prompts/${id}`],
};
const ASKED = Object.keys(ACTIONS) as Action[];

let t: TestHost;
const keys = {} as Record<Actor, string>;
beforeAll(async () => {
  t = await startTestHost();
  const users = buildMatrixWorld(t.owner);
  for (const actor of ACTORS) keys[actor] = createKey(t.owner, { userEmail: users[actor].email, label: actor }).key;
  deactivate(t.owner, users);
});
afterAll(() => t.stop());

const idOf = (name: string) => t.owner.store.prompts.getRowByName(name)!.id;
const outcome = (status: number) => (status < 300 ? 'Y' : (Object.entries(HTTP_STATUS).find(([, s]) => s === status)?.[0] ?? String(status)));

describe("permission matrix through the Respan SDK's calls, with each member's key", () => {
  for (const level of SHARING_LEVELS) {
    for (const actor of ACTORS) {
      it(`${level} x ${actor}`, async () => {
        const actual: string[] = [];
        for (const action of ASKED) {
          const name = promptFor(level, actor, action);
          const before = t.owner.store.versions.get(idOf(name), 2)!;
          const [method, path, body] = ACTIONS[action]!(idOf(name));
          const res = await http(t.port, method, path, { headers: sdkHeaders(keys[actor]), body: body === undefined ? undefined : JSON.stringify(body) });
          actual.push(outcome(res.status));
          // A refusal is JSON with detail (DRF's shape) and changes nothing.
          if (res.status >= 300) {
            expect(res.json()).toMatchObject({ detail: expect.any(String) });
            expect(t.owner.store.versions.get(idOf(name), 2)).toEqual(before);
          }
        }
        expect(actual.join('')).toBe(ASKED.map((a) => expected(level, actor, a)).join(''));
      });
    }
  }
});

describe('hidden = missing through the Respan door', () => {
  const hiddenName = () => promptFor('private', 'otherMember', 'read');

  it.each([
    ['GET prompt', (id: string) => ['GET', `/compat/respan/api/prompts/${id}`]],
    ['PATCH prompt', (id: string) => ['PATCH', `/compat/respan/api/prompts/${id}`, { name: 'x' }]],
    ['PATCH prompt deploy', (id: string) => ['PATCH', `/compat/respan/api/prompts/${id}`, { deploy: true }]],
    ['DELETE prompt', (id: string) => ['DELETE', `/compat/respan/api/prompts/${id}`]],
    ['GET versions', (id: string) => ['GET', `/compat/respan/api/prompts/${id}/versions?page=1&page_size=5`]],
    ['GET version', (id: string) => ['GET', `/compat/respan/api/prompts/${id}/versions/1`]],
    ['POST version', (id: string) => ['POST', `/compat/respan/api/prompts/${id}/versions`, { messages: [{ role: 'user', content: 'x' }] }]],
    ['POST version with a bad model', (id: string) => ['POST', `/compat/respan/api/prompts/${id}/versions`, { messages: [{ role: 'user', content: 'x' }], model: 'a b' }]],
    ['PATCH version with a bad model', (id: string) => ['PATCH', `/compat/respan/api/prompts/${id}/versions/1`, { model: 'a b' }]],
    ['GET versions past the last page', (id: string) => ['GET', `/compat/respan/api/prompts/${id}/versions?page=9`]],
    ['PATCH version readonly', (id: string) => ['PATCH', `/compat/respan/api/prompts/${id}/versions/1`, { readonly: true }]],
    ['POST commits', (id: string) => ['POST', `/compat/respan/api/prompts/${id}/commits`, {}]],
    ['POST deployments', (id: string) => ['POST', `/compat/respan/api/prompts/${id}/deployments`, { version: 1 }]],
  ] as const)("%s of another member's private prompt answers exactly as an id that never existed", async (label, request) => {
    const id = idOf(hiddenName());
    const ask = async (target: string) => {
      const [method, path, body] = request(target) as [string, string, unknown?];
      const res = await http(t.port, method, path, { headers: sdkHeaders(keys.otherMember), body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: res.text.replaceAll(target, '<id>') };
    };
    const hidden = await ask(id);
    expect(hidden).toEqual(await ask('00000000-0000-4000-8000-000000000000'));
    // Refused input that needs no prompt (a bad model name) is refused alike; anything else is the 404.
    expect(hidden.status).toBe(label.includes('bad model') && label.startsWith('POST') ? 400 : 404);
    expect(hidden.body).not.toContain(hiddenName());
  });

  it("keeps another member's private prompts out of their list and summary", async () => {
    const headers = sdkHeaders(keys.otherMember);
    const list = (await http(t.port, 'GET', '/compat/respan/api/prompts/list?page_size=100&search=private%20othermember', { headers })).json();
    expect(list).toMatchObject({ count: 0, results: [] });
    const asAdmin = (await http(t.port, 'GET', '/compat/respan/api/prompts/list?page_size=100&search=private%20othermember', { headers: sdkHeaders(keys.admin) })).json();
    expect(asAdmin.count).toBe(6);
    const summary = (await http(t.port, 'POST', '/compat/respan/api/prompts/summary', { headers, body: JSON.stringify({ search: 'private othermember' }) })).json();
    expect(summary).toMatchObject({ total_count: 0 });
  });

  it('a view-only member reads versions but cannot create, edit, commit or deploy one', async () => {
    const id = idOf(promptFor('private', 'viewShare', 'read'));
    const headers = sdkHeaders(keys.viewShare);
    const call = (method: string, path: string, body?: unknown) =>
      http(t.port, method, `/compat/respan/api/prompts/${id}${path}`, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await call('GET', '/versions')).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/versions', { messages: [{ role: 'user', content: 'mine' }] }],
      ['PATCH', '/versions/1', { description: 'mine' }],
      ['PATCH', '/versions/1', { readonly: true }],
      ['POST', '/versions/1/commit'],
      ['POST', '/commits', {}],
      ['POST', '/deployments', { version: 1 }],
      ['PATCH', '', { name: 'mine' }],
    ] as const) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    const versions = t.owner.store.versions.list(id);
    expect(versions.map((v) => [v.number, v.committed])).toEqual([[2, false], [1, false]]);
  });
});
