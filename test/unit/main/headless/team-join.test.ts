import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTeamHost, type TeamBrowser, type TeamHost } from '../../../helpers/team-host';
import { testWorkspace } from '../../../helpers/workspace';
import { http } from '../../../helpers/http';
import { joinTeam, leaveTeam, teamLinkOf, TEAM_LINK_SETTING } from '../../../../src/main/core/team/join-team';

// Passwords are hashed with scrypt at OWASP's cost (128 MiB, ~0.3 s each): on a loaded 2-core machine a test doing several takes seconds.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const PASSWORD = 'a long enough passphrase';
let t: TeamHost;
let ada: TeamBrowser;
beforeAll(async () => {
  t = await startTeamHost();
  ada = await t.join('ada@example.com', PASSWORD);
});
afterAll(async () => {
  await t.stop();
});

/** What the member's browser does with the authorize address: the server's redirect, Ada allowing, then the loopback callback. */
async function browserAllows(authorizeUrl: string, as: TeamBrowser, tamper?: (redirect: URL) => void): Promise<void> {
  const url = new URL(authorizeUrl);
  const first = await t.call('GET', `${url.pathname}${url.search}`);
  expect(first.status).toBe(302);
  const request = new URLSearchParams(decodeURIComponent(String(first.headers.location).split('#authorize=')[1]!));
  const allowed = await t.call('POST', '/team/authorize', Object.fromEntries(request), as);
  const redirect = new URL(allowed.json().redirect);
  tamper?.(redirect);
  await http(Number(redirect.port), 'GET', `${redirect.pathname}${redirect.search}`);
}

describe('Join a team workspace (desktop side: loopback redirect + PKCE)', () => {
  it('gets a device token through the browser and keeps it sealed; the token syncs as the member', async () => {
    const desktop = testWorkspace();
    try {
      const link = await joinTeam(desktop.workspace.store, desktop.workspace.runtime.secrets, {
        serverUrl: `${t.origin}/`,
        deviceName: 'Ada desktop',
        openBrowser: (url) => void browserAllows(url, ada),
      });
      expect(link.member.email).toBe('ada@example.com');
      expect(link.team.publicUrl).toBe(t.origin);
      // Stored sealed: the token is not in the settings in clear.
      const stored = JSON.stringify(desktop.workspace.store.settings.get(TEAM_LINK_SETTING));
      expect(stored).not.toContain(link.token);
      expect(teamLinkOf(desktop.workspace.store, desktop.workspace.runtime.secrets)?.token).toBe(link.token);
      const who = await t.call('GET', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${link.token}` });
      expect(who.json().member.email).toBe('ada@example.com');
      leaveTeam(desktop.workspace.store);
      expect(teamLinkOf(desktop.workspace.store, desktop.workspace.runtime.secrets)).toBeNull();
    } finally {
      desktop.cleanup();
    }
  });

  it('a callback with another state is turned away; the real one still completes', async () => {
    const desktop = testWorkspace();
    try {
      const link = await joinTeam(desktop.workspace.store, desktop.workspace.runtime.secrets, {
        serverUrl: t.origin,
        deviceName: 'Ada desktop 2',
        openBrowser: async (url) => {
          const callback = new URL(new URL(url).searchParams.get('redirect_uri')!);
          const forged = await http(Number(callback.port), 'GET', '/callback?code=forged&state=wrong');
          expect(forged.status).toBe(400);
          await browserAllows(url, ada);
        },
      });
      expect(link.member.email).toBe('ada@example.com');
    } finally {
      desktop.cleanup();
    }
  });

  it('a server address that is not http(s) is refused naming serverUrl', async () => {
    const desktop = testWorkspace();
    try {
      await expect(joinTeam(desktop.workspace.store, desktop.workspace.runtime.secrets, { serverUrl: 'ftp://x', deviceName: 'd', openBrowser: () => undefined })).rejects.toMatchObject({ field: 'serverUrl' });
    } finally {
      desktop.cleanup();
    }
  });
});
