import { expect, screenshot, test } from './fixtures';
import { bridge } from './flows';

/**
 * Issue 13 attack N1: a member's session ends under a dirty draft (an admin revokes the key they
 * signed in with). The tab says so at once (its change stream was refused), without a click, and
 * says the unsaved changes are kept; signing in again as the same member brings the draft back,
 * still unsaved. A tab signed in as another member never sees it.
 */
test('session ended by a key revocation: the sign-in says so at once, and the draft comes back after signing in again', async ({ page, server }) => {
  await bridge(server, 'prompts:create', { name: 'ui-shared', title: 'ui-shared' });
  await bridge(server, 'versions:save', { name: 'ui-shared', template: { kind: 'text', text: 'Saved text {{who}}' }, commitMessage: 'v1' });
  await bridge(server, 'sharing:set-level', { name: 'ui-shared', level: 'library_edit' });
  await bridge(server, 'users:add', { email: 'dave@example.com', name: 'Dave' });
  await bridge(server, 'users:add', { email: 'carol@example.com', name: 'Carol' });
  const first = await bridge<{ key: string; info: { id: string } }>(server, 'keys:create', { userEmail: 'dave@example.com', label: 'first' });
  const second = await bridge<{ key: string }>(server, 'keys:create', { userEmail: 'dave@example.com', label: 'second' });
  const carolKey = await bridge<{ key: string }>(server, 'keys:create', { userEmail: 'carol@example.com', label: 'carol' });

  const signIn = page.getByRole('main', { name: 'Sign in to Promptdesk' });
  const signInWith = async (key: string) => {
    await signIn.getByLabel('API key').fill(key);
    await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  await page.goto(`${server.url}/#/prompts/ui-shared`);
  await signInWith(first.key);
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Dave');
  await page.getByLabel('Template').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('DAVE WORK IN PROGRESS {{who}}');

  await bridge(server, 'keys:revoke', { keyId: first.info.id });
  // No click, no key press: the refused change stream brings the sign-in screen.
  await expect(signIn.getByText('sign in again; your unsaved changes are kept')).toBeVisible();
  // Meanwhile the owner saves v2: the kept draft must not overwrite it unseen.
  await bridge(server, 'versions:save', { name: 'ui-shared', template: { kind: 'text', text: 'Owner v2 {{who}}' }, commitMessage: 'v2', baseVersion: 1 });
  await screenshot(page, 'session-ended-draft-kept');

  // Another member signing in to this tab does not get Dave's draft.
  await signInWith(carolKey.key);
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Carol');
  await expect(page.getByLabel('Template')).toContainText('Owner v2');
  await expect(page.getByText('DAVE WORK IN PROGRESS')).toHaveCount(0);
  await page.evaluate(`fetch('/bridge/sign-out', { method: 'POST', headers: { 'X-Promptdesk-Session': sessionStorage.getItem('promptdesk.session') ?? '' } })`);
  await page.reload();

  await signInWith(second.key);
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Dave');
  await expect(page.getByLabel('Template')).toContainText('DAVE WORK IN PROGRESS');
  await expect(page.getByText('Unsaved changes').first()).toBeVisible();
  // Still based on v1: the header says v2 was saved, and saving meets the conflict check.
  await expect(page.getByText('A newer version was saved (v2)')).toBeVisible();
  await screenshot(page, 'session-ended-draft-restored');
  await page.keyboard.press('ControlOrMeta+s');
  await page.getByRole('dialog', { name: 'Save version' }).getByLabel('Commit message').fill('mine');
  await page.keyboard.press('Enter');
  await expect(page.getByText(/Version 2 was saved after you started editing version 1/)).toBeVisible();
  const latest = await bridge<{ latest: { number: number; template: { text: string } } }>(server, 'prompts:get', { name: 'ui-shared' });
  expect([latest.latest.number, latest.latest.template.text]).toEqual([2, 'Owner v2 {{who}}']);
});

test('hidden while signed out: the kept draft shows on the lost-draft page after signing in, and returns to the editor when shared again', async ({ page, server }) => {
  await bridge(server, 'prompts:create', { name: 'hide-me', title: 'hide-me' });
  await bridge(server, 'versions:save', { name: 'hide-me', template: { kind: 'text', text: 'Saved text' }, commitMessage: 'v1' });
  await bridge(server, 'sharing:set-level', { name: 'hide-me', level: 'library_edit' });
  await bridge(server, 'users:add', { email: 'dave@example.com', name: 'Dave' });
  const first = await bridge<{ key: string; info: { id: string } }>(server, 'keys:create', { userEmail: 'dave@example.com', label: 'first' });
  const second = await bridge<{ key: string }>(server, 'keys:create', { userEmail: 'dave@example.com', label: 'second' });
  const signIn = page.getByRole('main', { name: 'Sign in to Promptdesk' });
  const signInWith = async (key: string) => {
    await signIn.getByLabel('API key').fill(key);
    await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  await page.goto(`${server.url}/#/prompts/hide-me`);
  await signInWith(first.key);
  await page.getByLabel('Template').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText('HIDDEN DRAFT');
  await bridge(server, 'keys:revoke', { keyId: first.info.id });
  await expect(signIn.getByText('your unsaved changes are kept')).toBeVisible();
  await bridge(server, 'sharing:set-level', { name: 'hide-me', level: 'private' });

  await signInWith(second.key);
  await expect(page.getByRole('heading', { name: 'This prompt is no longer available to you' })).toBeVisible();
  await expect(page.getByLabel('Your unsaved draft')).toHaveValue('HIDDEN DRAFT');
  await bridge(server, 'sharing:set-level', { name: 'hide-me', level: 'library_edit' });
  await expect(page.getByLabel('Template')).toContainText('HIDDEN DRAFT');
  await expect(page.getByText('Unsaved changes').first()).toBeVisible();
});
