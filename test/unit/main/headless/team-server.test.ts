import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { browserOf, startTeamHost, type TeamBrowser, type TeamHost } from '../../../helpers/team-host';
import { expectProblem } from '../../../helpers/host';
import { CHANNELS } from '../../../../src/main/core/channel-map';
import { seedPrompt } from '../../../helpers/workspace';
import { SIGN_IN_REFUSED } from '../../../../src/main/core/team/password-sign-in';
import { FREE_FAILURES, FREE_FAILURES_PER_ADDRESS } from '../../../../src/main/core/team/sign-in-throttle';
import { setUserActive } from '../../../../src/main/core/users/users-service';

// Passwords are hashed with scrypt at OWASP's cost (128 MiB, ~0.3 s each): on a loaded 2-core machine a test doing several takes seconds.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const PASSWORD = 'a long enough passphrase';

let t: TeamHost;
let ada: TeamBrowser & { userId: string };
let bob: TeamBrowser & { userId: string };
beforeAll(async () => {
  t = await startTeamHost();
  ada = await t.join('ada@example.com', PASSWORD);
  bob = await t.join('bob@example.com', PASSWORD);
});
afterAll(async () => {
  await t.stop();
});

const bridge = (channel: string, body: unknown, as: TeamBrowser | null, headers?: Record<string, string>) => t.call('POST', `/bridge/${channel}`, body, as, headers);

describe('team server: invite, password, cookie session', () => {
  it('accepting an invite sets exactly the session cookie attributes, and the session is the member', async () => {
    const res = await t.call('POST', '/team/accept-invite', { code: t.invite('cara@example.com'), password: PASSWORD });
    expect(res.status).toBe(200);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const session = cookies.find((c) => c.startsWith('__Host-promptdesk_session='))!;
    const attributes = session.split(';').slice(1).map((a) => a.trim().toLowerCase().split('=')[0]);
    expect(new Set(attributes)).toEqual(new Set(['max-age', 'path', 'httponly', 'secure', 'samesite']));
    expect(session).toMatch(/; Path=\//);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).not.toMatch(/Domain=/i);
    const csrf = cookies.find((c) => c.startsWith('__Host-promptdesk_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toMatch(/; Secure.*SameSite=Strict|SameSite=Strict.*; Secure/);
    const browser = browserOf(res);
    const status = await t.call('GET', '/team/status', undefined, browser);
    expect(status.json().member.email).toBe('cara@example.com');
    expect((await bridge('app:info', {}, browser)).json().value.currentUser.email).toBe('cara@example.com');
    // Signing in with the password set gives a new session.
    const again = await t.signIn('CARA@example.com', PASSWORD);
    expect(again.cookie).not.toBe(browser.cookie);
  });

  it('a used invite and a too-short password are refused naming the field', async () => {
    const code = t.invite('dan@example.com');
    expectProblem(await t.call('POST', '/team/accept-invite', { code, password: 'short' }), 400, 'password');
    expectProblem(await t.call('POST', '/team/accept-invite', { code, password: '              ' }), 400, 'password');
    expect((await t.call('POST', '/team/accept-invite', { code: `${t.origin}/#invite=${code}`, password: PASSWORD })).status).toBe(200);
    expectProblem(await t.call('POST', '/team/accept-invite', { code, password: PASSWORD }), 401, 'code');
  });

  it('unknown email and wrong password answer identically', async () => {
    const strip = (r: { status: number; headers: Record<string, unknown>; text: string }) => ({ status: r.status, text: r.text, headers: { ...r.headers, date: undefined } });
    const unknown = await t.call('POST', '/team/sign-in', { email: 'nobody@example.com', password: 'wrong password 1' }, null, { 'user-agent': 'a' });
    const wrong = await t.call('POST', '/team/sign-in', { email: 'ada@example.com', password: 'wrong password 1' }, null, { 'user-agent': 'a' });
    expect(strip(unknown)).toEqual(strip(wrong));
    expect(expectProblem(wrong, 401, 'password').detail).toBe(SIGN_IN_REFUSED);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('brute force: after the free failures, 429 with Retry-After, even for the right password', async () => {
    await t.join('eve@example.com', PASSWORD);
    const statuses: number[] = [];
    let last = null as Awaited<ReturnType<TeamHost['call']>> | null;
    for (let i = 0; i < FREE_FAILURES + 1; i += 1) {
      last = await t.call('POST', '/team/sign-in', { email: 'eve@example.com', password: `guess number ${i}` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(FREE_FAILURES - 1).fill(401), 429, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    const right = await t.call('POST', '/team/sign-in', { email: 'eve@example.com', password: PASSWORD });
    expectProblem(right, 429);
    expect(right.headers['set-cookie']).toBeUndefined();
  });

  it('sign-out ends the session at once; a password change ends the other sessions', async () => {
    const one = await t.signIn('bob@example.com', PASSWORD);
    const two = await t.signIn('bob@example.com', PASSWORD);
    expect((await t.call('POST', '/team/sign-out', undefined, one)).status).toBe(204);
    expectProblem(await bridge('app:info', {}, one), 401);
    expectProblem(await t.call('POST', '/team/password', { currentPassword: 'not it at all', newPassword: 'another passphrase' }, two), 401, 'currentPassword');
    expectProblem(await t.call('POST', '/team/password', { currentPassword: PASSWORD, newPassword: 'short' }, two), 400, 'newPassword');
    expect((await t.call('POST', '/team/password', { currentPassword: PASSWORD, newPassword: 'another passphrase' }, two)).status).toBe(204);
    expect((await bridge('app:info', {}, two)).status).toBe(200);
    expectProblem(await bridge('app:info', {}, bob), 401);
    bob = { ...(await t.signIn('bob@example.com', 'another passphrase')), userId: bob.userId };
  });

  it('deactivating a member ends their sessions at once, and for good', async () => {
    const fay = await t.join('fay@example.com', PASSWORD);
    expect((await bridge('app:info', {}, fay)).status).toBe(200);
    setUserActive(t.owner, fay.userId, false);
    expectProblem(await bridge('app:info', {}, fay), 401);
    setUserActive(t.owner, fay.userId, true);
    expectProblem(await bridge('app:info', {}, fay), 401);
  });


  it('no "Acting as": the switch is refused, even for an admin; API-key sign-in too', async () => {
    const admin = await t.join('root@example.com', PASSWORD, 'admin');
    const res = await bridge('session:switch', { userId: ada.userId }, admin);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'forbidden', field: 'userId' } });
    expectProblem(await t.call('POST', '/bridge/sign-in', { key: 'pd_whatever' }), 403);
  });
});

describe('team server: invites from the web door (admins only)', () => {
  it('an admin invites, lists and revokes; a revoked invite cannot be accepted; a member may not invite', async () => {
    const admin = await t.join('lead@example.com', PASSWORD, 'admin');
    const made = await t.call('POST', '/team/invites', { email: 'hal@example.com', role: 'member' }, admin);
    expect(made.status).toBe(201);
    const { code, link, invite } = made.json();
    expect(link).toBe(`${t.origin}/#invite=${code}`);
    const listed = (await t.call('GET', '/team/invites', undefined, admin)).json().invites as { id: string; email: string }[];
    expect(listed.map((i) => i.email)).toContain('hal@example.com');
    expect(JSON.stringify(listed)).not.toContain(code);
    expect((await t.call('POST', '/team/invites/revoke', { inviteId: invite.id }, admin)).status).toBe(204);
    expectProblem(await t.call('POST', '/team/accept-invite', { code, password: PASSWORD }), 401, 'code');
    expectProblem(await t.call('POST', '/team/invites', { email: 'ivy@example.com' }, ada), 403);
    expectProblem(await t.call('GET', '/team/invites', undefined, ada), 403);
    expectProblem(await t.call('POST', '/team/invites', { email: 'not an email' }, admin), 400, 'email');
  });
});

describe('team server: hidden = missing across members', () => {
  it("a session of Ada cannot read Bob's private prompt: the same answer as a name that never existed", async () => {
    const bobCtx = t.host.workspace.as(bob.userId);
    seedPrompt(bobCtx, 'bobs-secret', 'Secret {{x}}');
    const hidden = await bridge('prompts:get', { name: 'bobs-secret' }, ada);
    const missing = await bridge('prompts:get', { name: 'never-existed' }, ada);
    expect(hidden.json()).toEqual(missing.json());
    expect(hidden.text).not.toContain('bobs-secret');
    expect((await bridge('prompts:get', { name: 'bobs-secret' }, bob)).json().ok).toBe(true);
  });
});

describe('team server: CSRF on every state-changing route', () => {
  const stateChanging = () => {
    const routes = t.app.routes.filter((r) => r.method === 'POST' && /^\/(bridge|team)\//.test(r.path));
    const paths = routes.flatMap((r) => (r.path === '/bridge/:channel' ? CHANNELS.map((c) => `/bridge/${c}`) : [r.path]));
    return [...new Set(paths)];
  };

  it('covers the bridge channels and the team routes', () => {
    const paths = stateChanging();
    expect(paths).toEqual(expect.arrayContaining(['/bridge/prompts:create', '/bridge/sign-out', '/team/sign-out', '/team/password', '/team/authorize', '/team/devices/revoke']));
    expect(paths.length).toBeGreaterThan(CHANNELS.length);
  });

  it('with a session cookie but without (or with a wrong) CSRF token: 403 on every one', async () => {
    for (const path of stateChanging()) {
      const without = await t.call('POST', path, {}, { cookie: ada.cookie, csrf: '' });
      expect(without.status, path).toBe(403);
      const wrong = await t.call('POST', path, {}, { cookie: ada.cookie, csrf: randomBytes(32).toString('base64url') });
      expect(wrong.status, path).toBe(403);
    }
    // Nothing happened: the session still works and nothing was created.
    expect((await bridge('prompts:get', { name: 'x' }, ada)).json().error.code).toBe('not_found');
  });

  it('a cross-site form post is refused on every one (Origin of another site, or none with a form body)', async () => {
    for (const path of stateChanging()) {
      const foreign = await t.call('POST', path, undefined, ada, { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' });
      expect(foreign.status, path).toBe(403);
      const noOrigin = await t.call('POST', path, undefined, ada, { origin: '', 'content-type': 'text/plain' });
      expect(noOrigin.status, path).toBe(403);
    }
  });

  it('a state change made with the token goes through (the check is not refusing everything)', async () => {
    const res = await bridge('prompts:create', { name: 'ada-csrf-ok', title: 'Ada' }, ada);
    expect(res.json().ok).toBe(true);
  });
});

describe('team server: devices (RFC 8252 loopback redirect + PKCE)', () => {
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = async (as: TeamBrowser, redirect = 'http://127.0.0.1:53682/callback') => {
    const res = await t.call('POST', '/team/authorize', { redirect_uri: redirect, code_challenge: challenge, device_name: 'Ada laptop', state: 'xyz' }, as);
    return res;
  };

  it('GET /team/authorize sends good requests to the web UI and never redirects to a non-loopback address', async () => {
    const good = await t.call('GET', `/team/authorize?redirect_uri=${encodeURIComponent('http://127.0.0.1:5000/cb')}&code_challenge=${challenge}&code_challenge_method=S256&device_name=Laptop`);
    expect(good.status).toBe(302);
    expect(good.headers.location).toMatch(/^\/#authorize=/);
    for (const bad of ['https://evil.example/cb', 'http://localhost:5000/cb', 'http://127.0.0.1/cb', 'http://evil.example:5000/']) {
      const res = await t.call('GET', `/team/authorize?redirect_uri=${encodeURIComponent(bad)}&code_challenge=${challenge}&device_name=Laptop`);
      expectProblem(res, 400, 'redirect_uri');
      expect(res.headers.location).toBeUndefined();
    }
    expectProblem(await t.call('GET', `/team/authorize?redirect_uri=${encodeURIComponent('http://127.0.0.1:5000/cb')}&code_challenge=${challenge}&code_challenge_method=plain&device_name=L`), 400, 'code_challenge_method');
    expectProblem(await authorize(ada, 'https://evil.example/cb'), 400, 'redirect_uri');
  });

  it('a code needs a signed-in member; exchanged with the right verifier it gives a device token, once', async () => {
    expectProblem(await t.call('POST', '/team/authorize', { redirect_uri: 'http://127.0.0.1:5000/cb', code_challenge: challenge, device_name: 'x' }), 401);
    const redirect = new URL((await authorize(ada)).json().redirect);
    expect(redirect.origin).toBe('http://127.0.0.1:53682');
    expect(redirect.searchParams.get('state')).toBe('xyz');
    const code = redirect.searchParams.get('code')!;
    const token = await t.call('POST', '/api/v1/team/token', { code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:53682/callback' }, null, { origin: '' });
    expect(token.status).toBe(200);
    const body = token.json();
    expect(body.member.email).toBe('ada@example.com');
    expect(body.team).toMatchObject({ id: expect.any(String), publicUrl: t.origin });
    const who = await t.call('GET', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${body.deviceToken}` });
    expect(who.json().member.id).toBe(ada.userId);
    expectProblem(await t.call('POST', '/api/v1/team/token', { code, code_verifier: verifier }, null, { origin: '' }), 401, 'code');
  });

  it('a wrong verifier is refused and burns the code', async () => {
    const code = new URL((await authorize(ada)).json().redirect).searchParams.get('code')!;
    expectProblem(await t.call('POST', '/api/v1/team/token', { code, code_verifier: randomBytes(48).toString('base64url') }, null, { origin: '' }), 401, 'code');
    expectProblem(await t.call('POST', '/api/v1/team/token', { code, code_verifier: verifier }, null, { origin: '' }), 401, 'code');
  });

  it('the member lists the device and revokes it; the token is refused at once; another member cannot revoke it', async () => {
    const code = new URL((await authorize(ada)).json().redirect).searchParams.get('code')!;
    const { deviceToken } = (await t.call('POST', '/api/v1/team/token', { code, code_verifier: verifier }, null, { origin: '' })).json();
    const whoami = () => t.call('GET', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${deviceToken}` });
    expect((await whoami()).status).toBe(200);
    const devices = (await t.call('GET', '/team/devices', undefined, ada)).json().devices as { id: string; name: string; lastSeenAt: string | null }[];
    const device = devices.find((d) => d.lastSeenAt !== null && d.name === 'Ada laptop')!;
    expect(device).toBeDefined();
    expect((await t.call('GET', '/team/devices', undefined, bob)).json().devices).toEqual([]);
    const ids = devices.map((d) => d.id);
    for (const id of ids) expectProblem(await t.call('POST', '/team/devices/revoke', { deviceId: id }, bob), 404, 'deviceId');
    expect((await whoami()).status).toBe(200);
    for (const id of ids) expect((await t.call('POST', '/team/devices/revoke', { deviceId: id }, ada)).status).toBe(200);
    expectProblem(await whoami(), 401);
    // A device token opens no other route: it is not an API key.
    expectProblem(await t.call('GET', '/api/v1/prompts', undefined, null, { authorization: `Bearer ${deviceToken}` }), 401);
  });
});

describe('team server: Host and Origin use the public URL', () => {
  it('refuses a foreign Host and Origin before anything runs', async () => {
    expectProblem(await t.call('GET', '/team/status', undefined, null, { host: 'evil.example' }), 403);
    expectProblem(await t.call('POST', '/team/sign-in', { email: 'a@b.c', password: 'x' }, null, { origin: 'https://evil.example' }), 403);
  });
});

describe('team server: the per-address limit', () => {
  it('without --trust-proxy, X-Forwarded-For is ignored: new accounts from "new" addresses still hit the address limit', async () => {
    const own = await startTeamHost();
    try {
      const statuses: number[] = [];
      for (let i = 0; i <= FREE_FAILURES_PER_ADDRESS; i += 1) {
        const res = await own.call('POST', '/team/sign-in', { email: `nobody${i}@example.com`, password: 'wrong password xx' }, null, { 'x-forwarded-for': `10.0.0.${i}` });
        statuses.push(res.status);
      }
      // Each account failed once only: the 429 can come from the (loopback) address alone.
      expect(statuses.slice(0, FREE_FAILURES_PER_ADDRESS - 1).every((s) => s === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await own.stop();
    }
    // 21 scrypt runs of 128 MiB each: seconds on a loaded 2-core machine.
  }, 120_000);
});
