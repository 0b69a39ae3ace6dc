import { afterEach, describe, expect, it, vi } from 'vitest';
import { desktop, type Desktop } from '../../../../helpers/sync-world';
import { startTestHost, type TestHost } from '../../../../helpers/host';
import { member } from '../../../../helpers/workspace';
import { memberTeamOf, TEAM_MEMBER_CREDENTIAL_REFUSED } from '../../../../../src/main/core/users/team-members';
import { createKey } from '../../../../../src/main/core/keys/keys-service';
import { createLoginLink } from '../../../../../src/main/core/sessions/sign-in';
import { createApiApp } from '../../../../../src/main/api/app';
import { listen } from '../../../../../src/main/api/server';
import { http } from '../../../../helpers/http';
import { dispatch } from '../../../../../src/main/core/handlers';
import { serviceHandlers } from '../../../../helpers/handlers';
import { main } from '../../../../../src/main/headless/cli';
import type { Ctx } from '../../../../../src/main/core/context';
import type { Workspace } from '../../../../../src/main/core/workspace';

let server: TestHost | undefined;
let d: Desktop | undefined;
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

type Outcome = { ok: boolean; code?: string; message?: string; field?: string; status?: number };

/** Each door that makes a credential for a member, as the folder's owner (an admin) of `ws`. */
const DOORS = ['channel keys:create', 'http POST /api/v1/keys', 'cli keys create', 'cli users login-link'] as const;

async function cli(args: string[]): Promise<Outcome> {
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    const code = await main(args);
    if (code === 0) return { ok: true };
    // "promptdesk: <message> (<field>)", cli.ts main
    const m = /^promptdesk: (.*) \((\w+)\)\n$/s.exec(err);
    return { ok: false, message: m?.[1] ?? err, field: m?.[2] };
  } finally {
    vi.restoreAllMocks();
  }
}

async function mint(door: (typeof DOORS)[number], ws: Workspace, admin: Ctx, email: string): Promise<Outcome> {
  if (door === 'channel keys:create') {
    const answer = await dispatch(serviceHandlers(), admin, 'keys:create', { userEmail: email, label: 'k' });
    return answer.ok ? { ok: true } : { ok: false, code: answer.error.code, message: answer.error.message, field: answer.error.field };
  }
  if (door === 'http POST /api/v1/keys') {
    const { key } = createKey(admin, { userEmail: admin.actor.email, label: `k-${Math.random()}` });
    const running = await listen(createApiApp({ workspace: ws, version: 'test' }), '127.0.0.1', 0);
    try {
      const res = await http(running.port, 'POST', '/api/v1/keys', {
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userEmail: email, label: 'k' }),
      });
      if (res.status < 300) return { ok: true, status: res.status };
      const problem = res.json() as { detail: string; code: string; field?: string };
      return { ok: false, status: res.status, code: problem.code, message: problem.detail, field: problem.field };
    } finally {
      await running.close();
    }
  }
  if (door === 'cli keys create') return cli(['keys', 'create', '--data-dir', ws.dataDir, '--user', email]);
  return cli(['users', 'login-link', '--data-dir', ws.dataDir, '--user', email, '--url', 'http://127.0.0.1:9']);
}

const credentialsOf = (ws: Workspace) => ({
  keys: ws.store.db.prepare('SELECT count(*) FROM api_keys').pluck().get() as number,
  links: ws.store.db.prepare('SELECT count(*) FROM login_links').pluck().get() as number,
});

// Attack 14c L3: a joined desktop minted API keys and sign-in links for replicated team members
// (a team admin included), so anyone at it could act locally as them.
describe('API keys and sign-in links for members on a joined desktop', () => {
  const TARGETS = ['the joined member (Ada)', 'another team member (Bob)', 'the team server\'s admin', 'the folder\'s own user', 'a local member (Dan)'] as const;

  async function world() {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    const bob = member(server.owner, 'bob@example.com');
    d = desktop(server, ada.actor.id);
    await d.engine.syncNow();
    const ws = d.workspace;
    const admin = ws.as(ws.owner.id);
    const dan = member(admin, 'dan@example.com');
    const emails: Record<(typeof TARGETS)[number], string> = {
      'the joined member (Ada)': ada.actor.email,
      'another team member (Bob)': bob.actor.email,
      // The server's owner as every replica holds it (its own email is the desktop owner's too: a team-only address replaces it).
      "the team server's admin": ws.store.users.get(server.owner.actor.id)!.email,
      "the folder's own user": ws.owner.email,
      'a local member (Dan)': dan.actor.email,
    };
    return { ws, admin, emails };
  }

  it.each(TARGETS)('for %s: refused exactly for team members other than the joined one, at every door', async (target) => {
    const { ws, admin, emails } = await world();
    const email = emails[target];
    const replicated = memberTeamOf(ws.store, ws.store.users.getByEmail(email)!.id) !== null;
    expect(replicated).toBe(!["the folder's own user", 'a local member (Dan)'].includes(target));
    // The member this desktop joined as is replicated too, but keeps keys for its local apps.
    const refused = replicated && target !== 'the joined member (Ada)';
    for (const door of DOORS) {
      const before = credentialsOf(ws);
      const answer = await mint(door, ws, admin, email);
      if (refused) {
        const field = door === 'cli users login-link' ? 'user' : 'userEmail';
        expect(answer, door).toMatchObject({ ok: false, message: TEAM_MEMBER_CREDENTIAL_REFUSED, field });
        if (door.startsWith('channel') || door.startsWith('http')) expect(answer.code, door).toBe('forbidden');
        if (door.startsWith('http')) expect(answer.status, door).toBe(403);
        // The HTTP door's own key for the owner is made before the call.
        const after = credentialsOf(ws);
        expect(after.links, door).toBe(before.links);
        expect(after.keys, door).toBe(before.keys + (door.startsWith('http') ? 1 : 0));
      } else {
        expect(answer, door).toMatchObject({ ok: true });
      }
    }
    expect(TEAM_MEMBER_CREDENTIAL_REFUSED).toMatch(/on the team server/);
  });

  it('the core calls refuse the same way; the team server itself mints keys for its members', async () => {
    const { ws, admin, emails } = await world();
    const bob = emails['another team member (Bob)'];
    expect(() => createKey(admin, { userEmail: bob })).toThrow(expect.objectContaining({ code: 'forbidden', message: TEAM_MEMBER_CREDENTIAL_REFUSED, field: 'userEmail' }));
    expect(() => createLoginLink(ws.store, ws.clock, bob)).toThrow(expect.objectContaining({ code: 'forbidden', message: TEAM_MEMBER_CREDENTIAL_REFUSED, field: 'user' }));
    expect(createKey(server!.owner, { userEmail: bob }).info.userId).toBe(server!.host.workspace.store.users.getByEmail(bob)!.id);
  });
});
