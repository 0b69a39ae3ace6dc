import { afterEach, describe, expect, it } from 'vitest';
import { desktop, keepTeamLink, type Desktop } from '../../../../helpers/sync-world';
import { replicaOf } from '../../../../../src/main/core/sync/replica-apply';
import { leaveTeamWorkspace } from '../../../../../src/main/core/team/team-link-service';
import { startTestHost, type TestHost } from '../../../../helpers/host';
import { member } from '../../../../helpers/workspace';
import { listUsers, setUserActive } from '../../../../../src/main/core/users/users-service';
import { memberTeamOf, TEAM_MEMBER_CHANGE_REFUSED } from '../../../../../src/main/core/users/team-members';
import { createKey } from '../../../../../src/main/core/keys/keys-service';
import { createApiApp } from '../../../../../src/main/api/app';
import { listen } from '../../../../../src/main/api/server';
import { http } from '../../../../helpers/http';
import { dispatch } from '../../../../../src/main/core/handlers';
import { serviceHandlers } from '../../../../helpers/handlers';
import type { Ctx } from '../../../../../src/main/core/context';
import type { Workspace } from '../../../../../src/main/core/workspace';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

/**
 * Every member change users-service offers, through each door: the core call, the contract
 * channel (IPC and the browser bridge dispatch it) and the HTTP API. `start` is the member's state
 * the change applies to (a reactivation needs an inactive member).
 */
const OPERATIONS = [
  { op: 'deactivate', isActive: false },
  { op: 'activate', isActive: true },
] as const;
const DOORS = ['core', 'channel', 'http'] as const;

async function change(door: (typeof DOORS)[number], ws: Workspace, admin: Ctx, userId: string, isActive: boolean): Promise<{ ok: boolean; code?: string; message?: string; field?: string; status?: number }> {
  if (door === 'core') {
    try {
      setUserActive(admin, userId, isActive);
      return { ok: true };
    } catch (error) {
      const e = error as { code: string; message: string; field?: string };
      return { ok: false, code: e.code, message: e.message, field: e.field };
    }
  }
  if (door === 'channel') {
    const answer = await dispatch(serviceHandlers(), admin, 'users:set-active', { userId, isActive });
    return answer.ok ? { ok: true } : { ok: false, code: answer.error.code, message: answer.error.message, field: answer.error.field };
  }
  const { key } = createKey(admin, { userEmail: admin.actor.email, label: `k-${Math.random()}` });
  // Over a real socket on loopback: the body limit reads the request stream.
  const running = await listen(createApiApp({ workspace: ws, version: 'test' }), '127.0.0.1', 0);
  try {
    const res = await http(running.port, 'PATCH', `/api/v1/members/${userId}`, {
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ isActive }),
    });
    if (res.status < 300) return { ok: true, status: res.status };
    const problem = res.json() as { detail: string; code: string; field?: string };
    return { ok: false, status: res.status, code: problem.code, message: problem.detail, field: problem.field };
  } finally {
    await running.close();
  }
}

const usersOf = (ws: Workspace) => ws.store.db.prepare('SELECT id, email, name, role, is_active, team_id FROM users ORDER BY id').all();

/**
 * The world of one cell: a team server with a team member (Bob) and a local member of the server
 * (Carol, on the server that is also a team member, but never replicated to a desktop before the
 * change), and a desktop joined as Ada holding Bob as a replicated member plus its own local
 * member Dan. `where` picks the folder the change is made on.
 */
async function world(where: 'desktop' | 'team server', kind: 'replicated team member' | 'local member', isActive: boolean) {
  server = await startTestHost();
  const ada = member(server.owner, 'ada@example.com');
  const bob = member(server.owner, 'bob@example.com');
  d = desktop(server, ada.actor.id);
  await d.engine.syncNow();
  const ws = where === 'desktop' ? d.workspace : server.host.workspace;
  const admin = ws.as(ws.owner.id);
  let target: string;
  if (where === 'desktop' && kind === 'replicated team member') target = bob.actor.id;
  else if (where === 'desktop') target = member(admin, 'dan@example.com').actor.id;
  // On the team server Bob is its own member (nothing there is replicated); a second one is local too.
  else target = kind === 'replicated team member' ? bob.actor.id : member(admin, 'erin@example.com').actor.id;
  // A reactivation needs an inactive member: the server deactivates its own and sends it; the desktop's own is deactivated here.
  if (isActive) {
    if (where === 'desktop' && kind === 'replicated team member') {
      setUserActive(server.owner, bob.actor.id, false);
      await d.engine.syncNow();
    } else setUserActive(admin, target, false);
  }
  return { ws, admin, target };
}

// Attack 14b N3: a desktop accepted Deactivate for replicated team members; it stuck until the
// server changed them and locked the member out of their own replica meanwhile.
describe('member changes on a joined desktop vs the team server', () => {
  const CELLS = OPERATIONS.flatMap((o) =>
    (['replicated team member', 'local member'] as const).flatMap((kind) =>
      (['desktop', 'team server'] as const).map((where) => ({ ...o, kind, where, refused: where === 'desktop' && kind === 'replicated team member' })),
    ),
  );

  it.each(CELLS)('$op of a $kind on the $where: refused $refused', async ({ isActive, kind, where, refused }) => {
    const { ws, admin, target } = await world(where, kind, isActive);
    for (const door of DOORS) {
      const before = usersOf(ws);
      const answer = await change(door, ws, admin, target, isActive);
      if (refused) {
        expect(answer, door).toMatchObject({ ok: false, message: TEAM_MEMBER_CHANGE_REFUSED, field: 'userId' });
        expect(answer.code, door).toBe('forbidden');
        if (door === 'http') expect(answer.status).toBe(403);
        expect(usersOf(ws), door).toEqual(before);
      } else {
        expect(answer, door).toMatchObject({ ok: true });
        expect(ws.store.users.get(target)?.isActive, door).toBe(isActive);
        // Back to where the cell started, so the next door changes it again.
        setUserActive(admin, target, !isActive);
      }
    }
    if (where === 'desktop') {
      expect(memberTeamOf(ws.store, target) !== null).toBe(kind === 'replicated team member');
      expect(memberTeamOf(ws.store, ws.owner.id)).toBeNull();
    }
  });

  // Attack 14c L4: Settings → Members offered Deactivate on every replicated member, always refused.
  it('the member list marks managedByTeam exactly the members whose change is refused, on the desktop (channel and HTTP alike)', async () => {
    const { ws, admin } = await world('desktop', 'local member', false);
    const listed = listUsers(admin);
    expect(listed.length).toBeGreaterThan(3);
    for (const user of listed) {
      let refused = false;
      try {
        setUserActive(admin, user.id, user.isActive);
      } catch (error) {
        refused = (error as { message: string }).message === TEAM_MEMBER_CHANGE_REFUSED;
      }
      expect(user.managedByTeam === true, user.email).toBe(refused);
    }
    expect(listed.filter((u) => u.managedByTeam).map((u) => u.email)).toEqual(expect.arrayContaining(['ada@example.com', 'bob@example.com']));
    const answer = await dispatch(serviceHandlers(), admin, 'users:list', {});
    expect(answer.ok && answer.value).toEqual(listed);
    // The team server marks nobody: its members are its own.
    expect(listUsers(server!.owner).some((u) => u.managedByTeam)).toBe(false);
    expect(ws).toBe(d!.workspace);
  });

  it('the refusal is the same for a replicated team admin; Leave makes the members the folder\'s own again and clears the membership\'s notices', async () => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    d = desktop(server, ada.actor.id);
    await d.engine.syncNow();
    const admin = d.workspace.as(d.workspace.owner.id);
    // The server's owner is a team admin every replica holds (it authors and owns team prompts).
    const teamAdmin = server.owner.actor.id;
    expect(memberTeamOf(d.workspace.store, teamAdmin)).not.toBeNull();
    expect(() => setUserActive(admin, teamAdmin, false)).toThrow(expect.objectContaining({ code: 'forbidden', message: TEAM_MEMBER_CHANGE_REFUSED, field: 'userId' }));
    expect(() => setUserActive(admin, ada.actor.id, false)).toThrow(expect.objectContaining({ code: 'forbidden', field: 'userId' }));
    // A notice of this membership (a kept.personal from an earlier sync) must not greet the next join (attack 14b N6).
    replicaOf(d.workspace.store).addNotice({ id: 'n1', kind: 'kept.personal', prompt_id: null, message: 'Your unsent work on "x" …', detail: '{}', at: new Date().toISOString() });
    keepTeamLink(server, d.workspace, ada.actor);
    await leaveTeamWorkspace(admin, { openBrowser: null, startSync: () => undefined, stopSync: () => d?.engine.stop() });
    expect(d.workspace.store.db.prepare('SELECT count(*) FROM sync_notices').pluck().get()).toBe(0);
    expect(memberTeamOf(d.workspace.store, teamAdmin)).toBeNull();
    expect(setUserActive(admin, ada.actor.id, false).isActive).toBe(false);
  });
});
