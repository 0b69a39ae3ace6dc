import { cli, expect, openApp, screenshot, test } from './fixtures';

test('a browser tab signs in as one member, with a key or a one-time link; errors show at the field', async ({ page, context, server, dataDir }) => {
  await cli(['users', 'add', '--data-dir', dataDir, '--email', 'bob@example.com', '--name', 'Bob Member']);
  await cli(['users', 'add', '--data-dir', dataDir, '--email', 'carol@example.com', '--name', 'Carol Member']);
  const bobKey = await cli(['keys', 'create', '--data-dir', dataDir, '--user', 'bob@example.com']);

  // No session: the sign-in screen, and a wrong key is refused next to the field.
  await page.goto(server.url);
  const signIn = page.getByRole('main', { name: 'Sign in to Promptdesk' });
  await expect(signIn).toBeVisible();
  await signIn.getByLabel('API key').fill('pd_AAAAAAAAAAAA_' + 'x'.repeat(43));
  await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(signIn.getByLabel('API key')).toHaveAttribute('aria-invalid', 'true');
  await expect(signIn.getByText('This API key is not valid')).toBeVisible();
  await screenshot(page, 'sign-in-error');

  await signIn.getByLabel('API key').fill(bobKey);
  await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Bob Member');

  // Another tab, opened from a one-time link, acts as Carol; the link does not work twice.
  const link = await cli(['users', 'login-link', '--data-dir', dataDir, '--user', 'carol@example.com']);
  expect(link.startsWith(`${server.url}/#login=`)).toBe(true);
  const carolTab = await context.newPage();
  // Nothing is asked before the link's sign-in finishes: no 401 on the network or the console.
  const refused: string[] = [];
  carolTab.on('response', (response) => {
    if (response.status() === 401) refused.push(response.url());
  });
  carolTab.on('console', (message) => {
    if (message.type() === 'error' && /401|not known/.test(message.text())) refused.push(message.text());
  });
  await carolTab.goto(link);
  await expect(carolTab.getByRole('navigation', { name: 'Main' })).toContainText('Carol Member');
  // The library the link lands on was loaded as Carol, not before the sign-in finished (it said
  // "Could not load prompts: Sign in again: this browser session is not known").
  await expect(carolTab.getByText('No prompts yet')).toBeVisible();
  await expect(carolTab.getByText(/Could not load prompts/)).toHaveCount(0);
  expect(refused).toEqual([]);
  await screenshot(carolTab, 'sign-in-link-library');
  // Two tabs, two members: reloading keeps each tab's own session.
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Bob Member');
  await carolTab.reload();
  await expect(carolTab.getByRole('navigation', { name: 'Main' })).toContainText('Carol Member');

  const thirdTab = await context.newPage();
  await thirdTab.goto(link);
  const again = thirdTab.getByRole('main', { name: 'Sign in to Promptdesk' });
  await expect(again.getByLabel('Sign-in link')).toHaveAttribute('aria-invalid', 'true');
  await expect(again.getByText(/has been used or has expired/)).toBeVisible();
  await screenshot(thirdTab, 'sign-in-link-used');
});

test('a member switches only with the other member\'s key; the error is at the key field', async ({ page, server, dataDir }) => {
  await cli(['users', 'add', '--data-dir', dataDir, '--email', 'bob@example.com', '--name', 'Bob Member']);
  await cli(['users', 'add', '--data-dir', dataDir, '--email', 'carol@example.com', '--name', 'Carol Member']);
  const bobKey = await cli(['keys', 'create', '--data-dir', dataDir, '--user', 'bob@example.com']);
  const carolKey = await cli(['keys', 'create', '--data-dir', dataDir, '--user', 'carol@example.com']);
  await page.goto(server.url);
  await page.getByLabel('API key').fill(bobKey);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toContainText('Bob Member');
  await nav.getByRole('link', { name: 'Settings' }).click();

  const acting = page.getByRole('region', { name: 'Acting as' });
  await acting.getByLabel('Switch member').selectOption({ label: 'Carol Member' });
  await acting.getByRole('button', { name: 'Switch', exact: true }).click();
  await expect(acting.getByLabel('Their API key')).toHaveAttribute('aria-invalid', 'true');
  await expect(acting.getByText(/Enter Carol Member's API key/)).toBeVisible();
  await acting.scrollIntoViewIfNeeded();
  await screenshot(page, 'acting-as-needs-key');
  await expect(nav).toContainText('Bob Member');

  await acting.getByLabel('Their API key').fill(carolKey);
  await acting.getByRole('button', { name: 'Switch', exact: true }).click();
  await expect(nav).toContainText('Carol Member');

  // The session ends on the server (here: signed out from elsewhere): the next call brings back sign-in.
  // (A string: the Node-side type check has no DOM library.)
  await page.evaluate(`fetch('/bridge/sign-out', { method: 'POST', headers: { 'X-Promptdesk-Session': sessionStorage.getItem('promptdesk.session') ?? '' } })`);
  await page.getByRole('searchbox').or(page.getByPlaceholder(/Search title/)).first().fill('anything');
  const signIn = page.getByRole('main', { name: 'Sign in to Promptdesk' });
  await expect(signIn.getByText(/Your session has ended/)).toBeVisible();
  await signIn.getByLabel('API key').fill(bobKey);
  await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Bob Member');

  // Sign out: this tab forgets its session.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('region', { name: 'Acting as' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('main', { name: 'Sign in to Promptdesk' })).toBeVisible();
});

test('a look-alike member email is refused next to the Email field, and nothing is added', async ({ page, server }) => {
  await openApp(page, server);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const members = page.getByRole('region', { name: 'Members' });
  await members.getByLabel('Name', { exact: true }).fill('Not PayPal');
  // A Cyrillic "а" among Latin letters.
  await members.getByLabel('Email', { exact: true }).fill('p\u0430ypal@example.com');
  await members.getByRole('button', { name: 'Add member' }).click();
  await expect(members.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(members.getByText(/mixes alphabets/)).toBeVisible();
  await members.scrollIntoViewIfNeeded();
  await screenshot(page, 'members-look-alike-email');
  await expect(members.getByRole('row')).toHaveCount(2);
});
