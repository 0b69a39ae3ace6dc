import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { startTeamHost, type TeamBrowser, type TeamHost } from '../../../../helpers/team-host';
import { member, testWorkspace } from '../../../../helpers/workspace';
import { http } from '../../../../helpers/http';
import { joinTeam, TEAM_LINK_SETTING, teamServerOrigin, teamLinkOf } from '../../../../../src/main/core/team/join-team';
import { leaveTeamWorkspace, startTeamJoin, teamLinkStatus, type TeamHostHooks } from '../../../../../src/main/core/team/team-link-service';
import { startTeamSync, stopTeamSync } from '../../../../../src/main/core/sync/sync-service';
import { createPrompt } from '../../../../../src/main/core/prompts/prompts-service';
import { CreatePromptInput } from '../../../../../src/shared/schemas/prompts';
import type { Workspace } from '../../../../../src/main/core/workspace';

// Passwords are hashed with scrypt at OWASP's cost: a sign-in takes about a second on this machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const PASSWORD = 'a long enough passphrase';
let t: TeamHost;
let ada: TeamBrowser & { userId: string };
let notTeam: Server;
let notTeamOrigin: string;
let closedOrigin: string;
beforeAll(async () => {
  t = await startTeamHost();
  ada = await t.join('ada@example.com', PASSWORD);
  // A web server that is not Promptdesk (HTML everywhere), and a loopback port nobody listens on.
  notTeam = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>'));
  await new Promise<void>((resolve) => notTeam.listen(0, '127.0.0.1', resolve));
  notTeamOrigin = `http://127.0.0.1:${(notTeam.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedOrigin = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  notTeam.close();
  await t.stop();
});

/** The member's browser: the server's authorize redirect, Ada allowing the device, then the loopback callback. */
async function browserAllows(authorizeUrl: string): Promise<void> {
  const url = new URL(authorizeUrl);
  const first = await t.call('GET', `${url.pathname}${url.search}`);
  const request = new URLSearchParams(decodeURIComponent(String(first.headers.location).split('#authorize=')[1]!));
  const allowed = await t.call('POST', '/team/authorize', Object.fromEntries(request), ada);
  const redirect = new URL(allowed.json().redirect);
  await http(Number(redirect.port), 'GET', `${redirect.pathname}${redirect.search}`);
}

/** Hooks as a headless host lends them (the renderer opens the page), the sync real; `synced` resolves once it started. */
function hooksFor(workspace: Workspace): TeamHostHooks & { started: Promise<void> } {
  let started: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (started = resolve));
  return {
    openBrowser: null,
    startSync: () => {
      startTeamSync(workspace);
      started();
    },
    stopSync: () => stopTeamSync(workspace),
    started: promise,
  };
}

describe('team server address (the one rule of the CLI and Settings → Team)', () => {
  const accepted: [string, string][] = [
    ['https://prompts.example.com', 'https://prompts.example.com'],
    [' https://prompts.example.com/some/path?x=1 ', 'https://prompts.example.com'],
    ['https://prompts.example.com:8443/', 'https://prompts.example.com:8443'],
    ['http://127.0.0.1:4411', 'http://127.0.0.1:4411'],
    ['http://127.8.9.10:1', 'http://127.8.9.10:1'],
    ['http://[::1]:4411/', 'http://[::1]:4411'],
    ['http://localhost:4411', 'http://localhost:4411'],
  ];
  it.each(accepted)('%s is %s', (raw, origin) => expect(teamServerOrigin(raw)).toBe(origin));

  const refused = ['http://prompts.example.com', 'http://10.0.0.5:4411', 'http://127.0.0.1.example.com', 'http://[::2]:80', 'ftp://prompts.example.com', 'prompts.example.com', '', 'https://ada:secret@prompts.example.com', 'javascript:alert(1)', 'file:///etc/passwd'];
  it.each(refused)('%j is refused at the field serverUrl', (raw) => {
    expect(() => teamServerOrigin(raw)).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'serverUrl' }));
  });

  it('property: any https URL gives its origin; plain http to any non-loopback domain is refused at the field', () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['https'], withQueryParameters: true, withFragments: true }), (url) => {
        expect(teamServerOrigin(url)).toBe(new URL(url).origin);
      }),
    );
    fc.assert(
      fc.property(fc.domain().filter((d) => d !== 'localhost'), fc.integer({ min: 1, max: 65535 }), (domain, port) => {
        expect(() => teamServerOrigin(`http://${domain}:${port}/`)).toThrow(expect.objectContaining({ field: 'serverUrl' }));
      }),
    );
  });
});

describe('Join a team workspace and leave it (core/team/team-link-service.ts, real team server on loopback)', () => {
  it('an unreachable address and a server that is not a Promptdesk team server are refused at the field; nothing is stored', async () => {
    const desktop = testWorkspace();
    try {
      const ctx = desktop.workspace.as(desktop.workspace.owner.id);
      const hooks = hooksFor(desktop.workspace);
      await expect(startTeamJoin(ctx, { serverUrl: closedOrigin, deviceName: 'd' }, hooks)).rejects.toMatchObject({ field: 'serverUrl', message: expect.stringContaining('Cannot reach') });
      await expect(startTeamJoin(ctx, { serverUrl: notTeamOrigin, deviceName: 'd' }, hooks)).rejects.toMatchObject({ field: 'serverUrl', message: expect.stringContaining('not a Promptdesk team server') });
      // A plain (non-team) Promptdesk host answers /team/status with no team either.
      await expect(startTeamJoin(ctx, { serverUrl: 'http://prompts.example.com', deviceName: 'd' }, hooks)).rejects.toMatchObject({ field: 'serverUrl' });
      expect(teamLinkStatus(ctx)).toMatchObject({ joined: null, joining: null, isTeamServer: false });
    } finally {
      desktop.cleanup();
    }
  });

  it('only an admin of the folder joins; a team server joins nothing', async () => {
    const desktop = testWorkspace();
    try {
      await expect(startTeamJoin(member(desktop.owner, 'bob@example.com'), { serverUrl: t.origin, deviceName: 'd' }, hooksFor(desktop.workspace))).rejects.toMatchObject({ code: 'forbidden' });
      await expect(startTeamJoin(t.owner, { serverUrl: t.origin, deviceName: 'd' }, hooksFor(t.host.workspace))).rejects.toMatchObject({ field: 'serverUrl' });
    } finally {
      desktop.cleanup();
    }
  });

  it('joins through the browser (joining -> joined with device name), syncs the team prompts, then leaves: token revoked on the server, replica removed, personal prompts kept', async () => {
    const desktop = testWorkspace();
    try {
      const ctx = desktop.workspace.as(desktop.workspace.owner.id);
      createPrompt(t.host.workspace.as(ada.userId), CreatePromptInput.parse({ name: 'team-greet', title: 'Team greet' }));
      createPrompt(ctx, CreatePromptInput.parse({ name: 'mine', title: 'Mine' }));
      const hooks = hooksFor(desktop.workspace);
      const { authorizeUrl, openedByHost } = await startTeamJoin(ctx, { serverUrl: `${t.origin}/`, deviceName: 'Ada’s laptop' }, hooks);
      expect(openedByHost).toBe(false);
      expect(new URL(authorizeUrl).pathname).toBe('/team/authorize');
      expect(teamLinkStatus(ctx)).toMatchObject({ joined: null, joining: { serverUrl: t.origin, authorizeUrl } });

      await browserAllows(authorizeUrl);
      await hooks.started;
      const joined = teamLinkStatus(ctx);
      expect(joined.joining).toBeNull();
      expect(joined.joined).toMatchObject({ team: { publicUrl: t.origin }, member: { email: 'ada@example.com' }, serverUrl: t.origin, deviceName: 'Ada’s laptop' });
      const devices = (await t.call('GET', '/team/devices', undefined, ada)).json().devices as { name: string }[];
      expect(devices.map((d) => d.name)).toContain('Ada’s laptop');
      // A second join while joined is refused at the field.
      await expect(startTeamJoin(ctx, { serverUrl: t.origin, deviceName: 'again' }, hooks)).rejects.toMatchObject({ field: 'serverUrl' });

      const { syncEngineOf } = await import('../../../../../src/main/core/sync/sync-service');
      await syncEngineOf(desktop.workspace.store)!.syncNow();
      expect(desktop.workspace.store.prompts.getRowByName('team-greet')).toBeTruthy();
      expect(teamLinkStatus(ctx).joined?.teamPrompts).toBe(1);

      const token = teamLinkOf(desktop.workspace.store, desktop.workspace.runtime.secrets)!.token;
      const left = await leaveTeamWorkspace(ctx, hooks);
      expect(left).toEqual({ revokedOnServer: true, removedPrompts: 1, keptAsPersonal: [] });
      expect((await t.call('GET', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${token}` })).status).toBe(401);
      expect(teamLinkStatus(ctx)).toMatchObject({ joined: null, joining: null });
      expect(syncEngineOf(desktop.workspace.store)).toBeUndefined();
      expect(desktop.workspace.store.prompts.getRowByName('team-greet')).toBeFalsy();
      expect(desktop.workspace.store.prompts.getRowByName('mine')).toBeTruthy();
      await expect(leaveTeamWorkspace(ctx, hooks)).rejects.toMatchObject({ code: 'invalid_input' });
    } finally {
      stopTeamSync(desktop.workspace);
      desktop.cleanup();
    }
  });

  it('leaving while the server is unreachable still leaves here and says the token was not revoked there', async () => {
    const desktop = testWorkspace();
    try {
      const ctx = desktop.workspace.as(desktop.workspace.owner.id);
      const hooks = hooksFor(desktop.workspace);
      const { authorizeUrl } = await startTeamJoin(ctx, { serverUrl: t.origin, deviceName: 'offline laptop' }, hooks);
      await browserAllows(authorizeUrl);
      await hooks.started;
      const refused = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
      expect(await leaveTeamWorkspace(ctx, hooks, refused)).toEqual({ revokedOnServer: false, removedPrompts: expect.any(Number), keptAsPersonal: [] });
      expect(teamLinkStatus(ctx).joined).toBeNull();
    } finally {
      stopTeamSync(desktop.workspace);
      desktop.cleanup();
    }
  });
});

// Attack 14 F4: `promptdesk team join` went around the app's "already joined" refusal and put
// another member's link over this folder's replica. One rule (assertMayJoin) for both doors.
describe('a folder that already joined refuses a second join, whichever door', () => {
  const doors = {
    'Settings → Team (startTeamJoin)': (w: Workspace) => startTeamJoin(w.as(w.owner.id), { serverUrl: t.origin, deviceName: 'again' }, hooksFor(w)).then(() => undefined),
    'promptdesk team join (joinTeam)': (w: Workspace) =>
      joinTeam(w.store, w.runtime.secrets, { serverUrl: t.origin, deviceName: 'again', openBrowser: (url) => void browserAllows(url), timeoutMs: 10_000 }).then(() => undefined),
  };
  it.each(Object.entries(doors))('%s: refused at serverUrl with the app\'s words; the link, its member and its token stay', async (_door, join) => {
    const desktop = testWorkspace();
    try {
      const first = await joinTeam(desktop.workspace.store, desktop.workspace.runtime.secrets, { serverUrl: t.origin, deviceName: 'first', openBrowser: (url) => void browserAllows(url) });
      const stored = JSON.stringify(desktop.workspace.store.settings.get(TEAM_LINK_SETTING));
      await expect(join(desktop.workspace)).rejects.toMatchObject({ code: 'invalid_input', field: 'serverUrl', message: 'This workspace already joined a team: leave it first' });
      expect(JSON.stringify(desktop.workspace.store.settings.get(TEAM_LINK_SETTING))).toBe(stored);
      expect(teamLinkOf(desktop.workspace.store, desktop.workspace.runtime.secrets)?.token).toBe(first.token);
    } finally {
      desktop.cleanup();
    }
  });

  it('a join that was waiting for the browser while another door joined is refused before its code becomes a token', async () => {
    const desktop = testWorkspace();
    try {
      let other: Promise<unknown> = Promise.resolve();
      const late = joinTeam(desktop.workspace.store, desktop.workspace.runtime.secrets, {
        serverUrl: t.origin,
        deviceName: 'late',
        openBrowser: async (url) => {
          // The app joins first, then the member allows the CLI's request.
          other = joinTeam(desktop.workspace.store, desktop.workspace.runtime.secrets, { serverUrl: t.origin, deviceName: 'app', openBrowser: (u) => void browserAllows(u) });
          await other;
          await browserAllows(url);
        },
      });
      await expect(late).rejects.toMatchObject({ field: 'serverUrl', message: 'This workspace already joined a team: leave it first' });
      expect(teamLinkOf(desktop.workspace.store, desktop.workspace.runtime.secrets)?.deviceName).toBe('app');
      const devices = (await t.call('GET', '/team/devices', undefined, ada)).json().devices as { name: string }[];
      expect(devices.map((d) => d.name)).not.toContain('late');
    } finally {
      desktop.cleanup();
    }
  });
});
