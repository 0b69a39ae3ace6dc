import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cli, expect, screenshot, test } from './fixtures';

const ROOT = join(__dirname, '..', '..');
const PASSWORD = 'a long team passphrase';
const NEW_PASSWORD = 'another long passphrase';

/** A free loopback port (the team server's public URL must name its port before it starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `promptdesk serve --team` on loopback; resolves once it listens. */
async function startTeamServer(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'promptdesk.js'), 'serve', '--team', '--data-dir', dataDir, '--port', String(port), '--public-url', url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`team server did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Members sign in with email and password')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`team server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

test('team server: invite link -> set password -> signed in -> library; sign out; sign in; allow a desktop', async ({ page, context, dataDir }) => {
  const server = await startTeamServer(dataDir);
  try {
    const link = await cli(['users', 'invite', '--data-dir', dataDir, '--email', 'ada@example.com', '--name', 'Ada Lovelace', '--admin']);
    expect(link.startsWith(`${server.url}/#invite=`)).toBe(true);

    // The invite: who it is for, and the password rule shown at the field.
    await page.goto(link);
    const accept = page.getByRole('main', { name: /Join / });
    await expect(accept.getByText('ada@example.com')).toBeVisible();
    // The code left the address bar (and history) before the router read it.
    expect(page.url()).not.toContain('invite=');
    await accept.getByLabel('Password', { exact: true }).fill('short');
    await accept.getByLabel('Password again').fill('short');
    await accept.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(accept.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(accept.getByText('Use at least 12 characters')).toBeVisible();
    await screenshot(page, 'team-accept-invite');
    await accept.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await accept.getByLabel('Password again').fill(PASSWORD);
    await accept.getByRole('button', { name: 'Set password and sign in' }).click();

    // Signed in: the library, as Ada.
    await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Ada Lovelace');
    await expect(page.getByText('No prompts yet')).toBeVisible();
    await screenshot(page, 'team-library');
    // Chromium keeps the Secure, HttpOnly, SameSite=Strict cookie on http://127.0.0.1 (loopback counts as secure).
    const session = (await context.cookies(server.url)).find((c) => c.name === '__Host-promptdesk_session');
    expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });

    // Settings: signed in as Ada, no "Acting as"; sign out.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const account = page.getByRole('region', { name: 'Your account' });
    await expect(account).toContainText('Signed in as Ada Lovelace (ada@example.com)');
    await expect(page.getByRole('heading', { name: 'Acting as' })).toHaveCount(0);
    await expect(page.getByText('No desktop syncs as you yet')).toBeVisible();
    await account.scrollIntoViewIfNeeded();
    await screenshot(page, 'team-settings');
    // Change password: the current one is checked at its field, then the new one works (below).
    const passwordForm = account.getByRole('form', { name: 'Change password' });
    await passwordForm.getByLabel('Current password').fill('not the current one');
    await passwordForm.getByLabel('New password').fill(NEW_PASSWORD);
    await passwordForm.getByRole('button', { name: 'Change password' }).click();
    await expect(passwordForm.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
    await passwordForm.getByLabel('Current password').fill(PASSWORD);
    await passwordForm.getByRole('button', { name: 'Change password' }).click();
    await expect(passwordForm.getByRole('status')).toContainText('Password changed');
    await account.getByRole('button', { name: 'Sign out' }).click();

    // The sign-in screen: a wrong password is refused at the field, the right one signs in.
    const signIn = page.getByRole('main', { name: /Sign in to / });
    await expect(signIn).toBeVisible();
    await signIn.getByLabel('Email').fill('ada@example.com');
    await signIn.getByLabel('Password').fill('not the password');
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await expect(signIn.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await expect(signIn.getByText('Wrong email or password')).toBeVisible();
    await screenshot(page, 'team-sign-in');
    await signIn.getByLabel('Password').fill(NEW_PASSWORD);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Ada Lovelace');

    // A desktop joins (RFC 8252 + PKCE): "Allow …?", then the browser goes to its loopback address with a code.
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const callback = 'http://127.0.0.1:1/callback';
    let landed = '';
    await page.route(`${callback}**`, async (route) => {
      landed = route.request().url();
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Desktop</title><p>You can close this tab.</p>' });
    });
    await page.goto(`${server.url}/team/authorize?redirect_uri=${encodeURIComponent(callback)}&code_challenge=${challenge}&code_challenge_method=S256&device_name=Ada%20laptop&state=s1`);
    const allow = page.getByRole('main', { name: 'Allow Ada laptop to sync as you?' });
    await expect(allow).toBeVisible();
    await screenshot(page, 'team-authorize-device');
    await allow.getByRole('button', { name: 'Allow', exact: true }).click();
    await expect.poll(() => landed).toMatch(/^http:\/\/127\.0\.0\.1:1\/callback\?code=[A-Za-z0-9_-]{43}&state=s1$/);
    const code = new URL(landed).searchParams.get('code')!;
    const token = await fetch(`${server.url}/api/v1/team/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, code_verifier: verifier, redirect_uri: callback }),
    });
    expect(token.status).toBe(200);
    const { deviceToken } = (await token.json()) as { deviceToken: string };
    const whoami = () => fetch(`${server.url}/api/v1/team/device`, { headers: { authorization: `Bearer ${deviceToken}` } });
    expect((await whoami()).status).toBe(200);

    // An admin invites from Settings too: the link shows once; a bad address is refused at the field.
    await page.goto(`${server.url}/#/settings`);
    const inviteForm = page.getByRole('form', { name: 'Invite a member' });
    await inviteForm.getByLabel('Email').fill('not an email');
    await inviteForm.getByRole('button', { name: 'Create invite link' }).click();
    await expect(inviteForm.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    await inviteForm.getByLabel('Email').fill('bob@example.com');
    await inviteForm.getByRole('button', { name: 'Create invite link' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Send this link' })).toContainText(`${server.url}/#invite=`);
    await expect(page.getByRole('table', { name: 'Pending invites' })).toContainText('bob@example.com');
    await inviteForm.scrollIntoViewIfNeeded();
    await screenshot(page, 'team-settings-invite');

    // The device is listed in Settings, and revoking it refuses its token at once.
    await page.goto(`${server.url}/#/settings`);
    const devices = page.getByRole('table', { name: 'Your devices' });
    await expect(devices).toContainText('Ada laptop');
    await devices.scrollIntoViewIfNeeded();
    await screenshot(page, 'team-settings-devices');
    await devices.getByRole('button', { name: 'Revoke Ada laptop' }).click();
    await expect(page.getByText('No desktop syncs as you yet')).toBeVisible();
    expect((await whoami()).status).toBe(401);
  } finally {
    await server.stop();
  }
});
