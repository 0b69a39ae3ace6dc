import { expect, openApp, screenshot, test } from './fixtures';
import { bridge, nav } from './flows';

/**
 * Issue 13 attack N5: a key made with the key form's defaults (read, run) cannot sign a member in
 * to the app, which takes a key with every scope. The form says so next to the scopes (with a way
 * to tick all four), and the sign-in screen's refusal names exactly the scopes the key lacks.
 */
test('key form defaults: the form warns about app sign-in, the refusal names the missing scopes, all four sign in', async ({ page, server }) => {
  await bridge(server, 'users:add', { email: 'dave@example.com', name: 'Dave' });
  await openApp(page, server);
  await nav(page, 'Settings');
  const makeKey = async (label: string) => {
    await page.getByLabel('Label', { exact: true }).fill(label);
    await page.getByLabel('Member', { exact: true }).selectOption({ label: 'Dave' });
    await page.getByRole('button', { name: 'Create key' }).click();
    const created = page.getByRole('dialog', { name: 'API key created' });
    const key = await created.getByLabel('New API key').inputValue();
    await created.getByRole('button', { name: 'Done' }).click();
    return key;
  };
  const hint = page.getByText('To sign in to the app with this key (a browser tab of promptdesk serve), it needs every scope.');
  await expect(hint).toBeVisible();
  await hint.scrollIntoViewIfNeeded();
  await screenshot(page, 'key-form-sign-in-hint');
  const narrow = await makeKey('dave-defaults');

  const tab = await page.context().newPage();
  await tab.goto(server.url);
  const signIn = tab.getByRole('main', { name: 'Sign in to Promptdesk' });
  await signIn.getByLabel('API key').fill(narrow);
  await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(signIn.getByLabel('API key')).toHaveAttribute('aria-invalid', 'true');
  await expect(signIn.getByText('This key lacks the write and admin scopes; signing in to the app needs a key with every scope')).toBeVisible();
  await screenshot(tab, 'sign-in-key-lacks-scopes');

  await page.getByRole('button', { name: 'Tick all four' }).click();
  await expect(hint).toHaveCount(0);
  const full = await makeKey('dave-app');
  await signIn.getByLabel('API key').fill(full);
  await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(tab.getByRole('navigation', { name: 'Main' })).toContainText('Dave');
});
