import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { SHARING_LEVELS, type Action } from '../../../../src/shared/schemas/sharing';
import { ACTORS, HTTP_STATUS, MATRIX_ACTIONS, expected, type Actor } from '../../../fixtures/permission-matrix';
import { buildMatrixWorld, deactivate, promptFor } from '../../../helpers/matrix-world';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';

const REQUEST: Record<Action, (name: string) => [method: string, path: string, body?: unknown]> = {
  read: (name) => ['GET', `/api/v1/prompts/${name}`],
  run: (name) => ['POST', `/api/v1/prompts/${name}/run`, { variables: { who: 'x' }, model: 'local:echo' }],
  edit: (name) => ['POST', `/api/v1/prompts/${name}/versions`, { template: { kind: 'text', text: 'edited' } }],
  promote: (name) => ['POST', `/api/v1/prompts/${name}/versions/2/promote`, { notes: '' }],
  share: (name) => ['PUT', `/api/v1/prompts/${name}/sharing`, { level: 'library_edit' }],
  delete: (name) => ['DELETE', `/api/v1/prompts/${name}`],
};

let t: TestHost;
let provider: FakeProvider;
const keys = {} as Record<Actor, string>;
beforeAll(async () => {
  provider = await startFakeProvider();
  t = await startTestHost();
  // Everyone may use it, so a refused run is about the prompt, never the model.
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  const users = buildMatrixWorld(t.owner);
  for (const actor of ACTORS) keys[actor] = createKey(t.owner, { userEmail: users[actor].email, label: actor }).key;
  deactivate(t.owner, users);
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

describe('permission matrix through the HTTP API, with each member\'s key', () => {
  for (const level of SHARING_LEVELS) {
    for (const actor of ACTORS) {
      it(`${level} x ${actor}`, async () => {
        const actual: string[] = [];
        for (const action of MATRIX_ACTIONS) {
          const [method, path, body] = REQUEST[action](promptFor(level, actor, action));
          const res = await http(t.port, method, path, {
            headers: { authorization: `Bearer ${keys[actor]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          });
          actual.push(res.status < 300 ? 'Y' : (Object.entries(HTTP_STATUS).find(([, s]) => s === res.status)?.[0] ?? String(res.status)));
        }
        expect(actual.join('')).toBe(MATRIX_ACTIONS.map((a) => expected(level, actor, a)).join(''));
      });
    }
  }

  it('answers an unknown prompt and an unreadable one identically', async () => {
    const headers = { authorization: `Bearer ${keys.otherMember}` };
    const hidden = await http(t.port, 'GET', `/api/v1/prompts/${promptFor('private', 'otherMember', 'read')}`, { headers });
    const missing = await http(t.port, 'GET', '/api/v1/prompts/does-not-exist', { headers });
    expect(hidden.status).toBe(404);
    expect(hidden.json().detail.replace(/"[^"]+"/, '""')).toBe(missing.json().detail.replace(/"[^"]+"/, '""'));
  });

  it('keeps private prompts out of another member\'s list, search and counts', async () => {
    const headers = { authorization: `Bearer ${keys.otherMember}` };
    const list = (await http(t.port, 'GET', '/api/v1/prompts?query=private%20othermember&limit=200', { headers })).json();
    // Their own cells changed nothing (every action was refused), so these are all still Private.
    expect(list.total).toBe(0);
    const asAdmin = (await http(t.port, 'GET', '/api/v1/prompts?query=private%20othermember&limit=200', { headers: { authorization: `Bearer ${keys.admin}` } })).json();
    expect(asAdmin.total).toBe(6);
    const all = (await http(t.port, 'GET', '/api/v1/prompts?limit=200', { headers })).json();
    expect(all.items.every((p: { sharingLevel: string }) => p.sharingLevel === 'library_view' || p.sharingLevel === 'library_edit')).toBe(true);
    expect(all.total).toBe(all.items.length);
  });
});
