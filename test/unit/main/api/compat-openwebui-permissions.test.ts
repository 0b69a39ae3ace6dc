import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { SHARING_LEVELS, type Action } from '../../../../src/shared/schemas/sharing';
import { ACTORS, expected, type Actor, type Outcome } from '../../../fixtures/permission-matrix';
import { buildMatrixWorld, deactivate, promptFor } from '../../../helpers/matrix-world';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { frontend, frontendHeaders, type FrontendCall } from '../../../fixtures/openwebui-frontend';

/**
 * The permission matrix (test/fixtures/permission-matrix.ts, written from the sharing rules)
 * through the Open WebUI door with each member's key: the same rules as every door, in Open
 * WebUI's codes. Refused (F) and a deactivated member (U) are Open WebUI's 401, not found (N)
 * its 404, the same body for a hidden prompt as for a missing one. `run` has no Open WebUI call.
 */
const BASE = '/compat/openwebui/api/v1';
const ACTIONS: Exclude<Action, 'run'>[] = ['read', 'edit', 'promote', 'share', 'delete'];

let t: TestHost;
const keys = {} as Record<Actor, string>;
const idOf = (name: string) => t.owner.store.prompts.getRowByName(name)!.id;
const versionIdOf = (name: string, number: number) => t.owner.store.versions.get(idOf(name), number)!.id;

/** The frontend call that needs each action, on the matrix prompt `name` (cell `i` for unique commands). */
const CALL: Record<Exclude<Action, 'run'>, (name: string, i: number) => FrontendCall> = {
  read: (name) => frontend.getPromptById(idOf(name)),
  edit: (name, i) => frontend.updatePromptById({ id: idOf(name), command: `perm-${i}`, name: 'Edited', content: 'Edited {{who}}' }),
  promote: (name) => frontend.setProductionPromptVersion(idOf(name), versionIdOf(name, 1)),
  share: (name) => frontend.updatePromptAccessGrants(idOf(name), [{ principal_type: 'user', principal_id: '*', permission: 'read' }]),
  delete: (name) => frontend.deletePromptById(idOf(name)),
};

const OPEN_WEBUI_STATUS: Record<Outcome, string> = { Y: 'Y', F: '401', U: '401', N: '404' };

beforeAll(async () => {
  t = await startTestHost();
  const users = buildMatrixWorld(t.owner);
  for (const actor of ACTORS) keys[actor] = createKey(t.owner, { userEmail: users[actor].email, label: actor }).key;
  deactivate(t.owner, users);
});
afterAll(() => t.stop());

describe('the permission matrix through the Open WebUI door', () => {
  let cell = 0;
  for (const level of SHARING_LEVELS) {
    for (const actor of ACTORS) {
      it(`${level} x ${actor}`, async () => {
        const actual: string[] = [];
        const details: string[] = [];
        for (const action of ACTIONS) {
          const name = promptFor(level, actor, action);
          const before = t.owner.store.prompts.getRowByName(name)!;
          const call = CALL[action](name, cell++);
          const res = await http(t.port, call.method, `${BASE}${call.path}`, { headers: frontendHeaders(keys[actor], call.fn), body: call.body === undefined ? undefined : JSON.stringify(call.body) });
          actual.push(res.status < 300 ? 'Y' : String(res.status));
          if (res.status >= 300) {
            details.push(res.json().detail);
            // A refused write changed nothing.
            expect(t.owner.store.prompts.getRowByName(name)).toEqual(before);
          }
        }
        expect(actual.join(',')).toBe(ACTIONS.map((a) => OPEN_WEBUI_STATUS[expected(level, actor, a)]).join(','));
        for (const detail of details) {
          expect([
            'You do not have permission to access this resource. Please contact your administrator for assistance.',
            "We could not find what you're looking for :/",
            'Your session has expired or the token is invalid. Please sign in again.',
          ]).toContain(detail);
        }
      });
    }
  }

  it('a member who may read but not write sees write_access false, and lists only what it may read', async () => {
    const name = promptFor('library_view', 'otherMember', 'read');
    const res = await http(t.port, 'GET', `${BASE}/prompts/id/${idOf(name)}`, { headers: frontendHeaders(keys.otherMember) });
    expect(res.json()).toMatchObject({ write_access: false });
    const all = (await http(t.port, 'GET', `${BASE}/prompts/`, { headers: frontendHeaders(keys.otherMember) })).json();
    const names = new Set(all.map((p: { id: string }) => p.id));
    // Private prompts of another owner (not shared with them) never appear; Library ones do.
    expect(names.has(idOf(promptFor('private', 'otherMember', 'read')))).toBe(false);
    expect(names.has(idOf(promptFor('chat_only', 'otherMember', 'read')))).toBe(false);
    expect(names.has(idOf(name))).toBe(true);
    // `/list` pages them by 30 and counts them all.
    const list = (await http(t.port, 'GET', `${BASE}/prompts/list?page=1`, { headers: frontendHeaders(keys.otherMember) })).json();
    expect(list.total).toBe(all.length);
    expect(list.items).toHaveLength(Math.min(30, all.length));
  });
});
