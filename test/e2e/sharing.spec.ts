import { expect, openApp, screenshot, test } from './fixtures';
import { chooseSharingLevel, nav, switchTo } from './flows';
import { osUser } from '../../src/main/core/workspace';

const ADMIN = osUser().name;
import type { Page } from '@playwright/test';



async function setLevel(page: Page, level: 'Private' | 'Chat only' | 'Library View' | 'Library Edit'): Promise<void> {
  await nav(page, 'Library');
  await page.getByLabel('Search prompts').fill('');
  await page.getByRole('link', { name: 'Onboarding checklist' }).click();
  await page.getByRole('tablist').getByRole('tab', { name: 'Sharing' }).click();
  await chooseSharingLevel(page, level);
}

async function librarySearch(page: Page, query: string) {
  await nav(page, 'Library');
  await page.getByLabel('Search prompts').fill(query);
  return page.getByRole('link', { name: 'Onboarding checklist' });
}

async function saveAsCurrentMember(page: Page, text: string) {
  const editor = page.getByLabel('Template');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('dialog', { name: 'Save version' }).getByLabel('Commit message').fill('by bob');
  await page.keyboard.press('Enter');
}

test('sharing levels decide who finds, runs and edits a prompt', async ({ page, server, apiKey }) => {
  await openApp(page, server);

  // As the admin: a Private prompt and a new member.
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New prompt' });
  await dialog.getByLabel('Name').fill('onboarding');
  await dialog.getByLabel('Title').fill('Onboarding checklist');
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  await page.getByLabel('Template').click();
  await page.keyboard.insertText('Checklist for {{employee}} joining the marmalade team.');
  await page.keyboard.press('ControlOrMeta+s');
  await page.getByRole('dialog', { name: 'Save version' }).getByLabel('Commit message').fill('v1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Saved version 1' })).toBeVisible();

  await nav(page, 'Settings');
  await page.getByLabel('Name', { exact: true }).fill('Bob Member');
  await page.getByLabel('Email', { exact: true }).fill('not-an-email');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByText(/Enter an email address/)).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill('bob@example.com');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('cell', { name: 'bob@example.com' })).toBeVisible();
  await screenshot(page, 'settings-members');

  // Bob does not see a Private prompt, in the library or in search.
  await switchTo(page, 'Bob Member');
  await expect(await librarySearch(page, '')).toHaveCount(0);
  await expect(await librarySearch(page, 'marmalade')).toHaveCount(0);
  await screenshot(page, 'library-as-member');

  // Library View: Bob finds it and can run it, but cannot save.
  // Back to the admin: a member needs the admin's consent (their key).
  await switchTo(page, ADMIN, apiKey);
  await setLevel(page, 'Library View');
  await screenshot(page, 'sharing-tab');
  await switchTo(page, 'Bob Member');
  const found = await librarySearch(page, 'marmalade');
  await expect(found).toBeVisible();
  await found.click();
  // The editor is read-only for him, and says so: nothing to save.
  await expect(page.getByRole('note')).toContainText('View only');
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await nav(page, 'Chat');
  await expect(page.getByRole('list').getByText('Onboarding checklist')).toBeVisible();

  // Library Edit: Bob can save a new version.
  await switchTo(page, ADMIN, apiKey);
  await setLevel(page, 'Library Edit');
  await switchTo(page, 'Bob Member');
  await (await librarySearch(page, 'marmalade')).click();
  await saveAsCurrentMember(page, 'Bob improved it for {{employee}}');
  await expect(page.getByRole('status').filter({ hasText: 'Saved version 2' })).toBeVisible();

  // Chat only: absent from Bob's library, present in his chat launcher.
  await switchTo(page, ADMIN, apiKey);
  await setLevel(page, 'Chat only');
  await switchTo(page, 'Bob Member');
  await expect(await librarySearch(page, 'marmalade')).toHaveCount(0);
  await nav(page, 'Chat');
  await expect(page.getByRole('list').getByText('Onboarding checklist')).toBeVisible();
  await screenshot(page, 'chat-launcher-as-member');
});
