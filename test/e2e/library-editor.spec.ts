import { expect, openApp, screenshot, startServer, test } from './fixtures';
import type { Page } from '@playwright/test';

async function typeTemplate(page: Page, text: string): Promise<void> {
  const editor = page.getByLabel('Template');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function saveWithMessage(page: Page, message: string, via: 'button' | 'shortcut'): Promise<void> {
  if (via === 'shortcut') await page.keyboard.press('ControlOrMeta+s');
  else await page.getByRole('button', { name: 'Save', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Save version' });
  await dialog.getByLabel('Commit message').fill(message);
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
}

test('a new user creates a prompt, saves two versions, finds it by its template, and it survives a restart', async ({ page, dataDir, server }) => {
  await openApp(page, server);
  await expect(page.getByRole('heading', { name: 'Library' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /No prompts yet/ })).toBeVisible();
  await screenshot(page, 'library-empty');

  // Create the prompt; a bad name is explained next to the field and nothing is created.
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New prompt' });
  await dialog.getByLabel('Name').fill('welcome email');
  await dialog.getByLabel('Title').fill('Welcome email');
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  await expect(dialog.getByText(/letters, digits/)).toBeVisible();
  await dialog.getByLabel('Name').fill('welcome-email');
  await expect(dialog.getByText(/letters, digits, "\."/)).toBeHidden();
  await dialog.getByLabel('Description').fill('First email after signup');
  await dialog.getByLabel('Tags').fill('onboarding, email');
  await screenshot(page, 'new-prompt-dialog');
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  await expect(dialog).toBeHidden();

  // Version 1: two variables, detected live, with metadata.
  await expect(page.getByText('Not saved yet')).toBeVisible();
  await typeTemplate(page, 'Write a short welcome email to {{customer}} about {{product}}.');
  const variables = page.getByRole('complementary').filter({ has: page.getByRole('heading', { name: 'Variables' }) });
  await expect(variables.getByLabel('Description for customer')).toBeVisible();
  await expect(variables.getByLabel('Description for product')).toBeVisible();
  await variables.getByLabel('Description for customer').fill('Who signed up');
  await variables.getByLabel('Example for customer').fill('Ada');
  await screenshot(page, 'editor-v1');
  await saveWithMessage(page, 'first draft', 'shortcut');
  await expect(page.getByRole('status').filter({ hasText: 'Saved version 1' })).toBeVisible();

  // Version 2 through the Save button.
  await typeTemplate(page, 'Write a warm welcome email to {{customer}} about {{product}}; mention the lighthouse tour.');
  await saveWithMessage(page, 'warmer tone', 'button');
  await expect(page.getByRole('status').filter({ hasText: 'Saved version 2' })).toBeVisible();
  await expect(page.getByText('v2', { exact: true })).toBeVisible();
  await screenshot(page, 'editor-v2');

  // Search finds it by a word that is only in the template.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  await page.getByLabel('Search prompts').fill('lighthouse');
  const row = page.getByRole('link', { name: 'Welcome email' });
  await expect(row).toBeVisible();
  await expect(page.getByText('1 prompt', { exact: true })).toBeVisible();
  await screenshot(page, 'library-search');
  await page.getByLabel('Search prompts').fill('submarine');
  await expect(page.getByRole('heading', { name: 'No prompts match' })).toBeVisible();

  // A duplicate name is refused next to the Name field.
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const again = page.getByRole('dialog', { name: 'New prompt' });
  await again.getByLabel('Name').fill('welcome-email');
  await again.getByLabel('Title').fill('Another');
  await again.getByRole('button', { name: 'Create prompt' }).click();
  await expect(again.getByText(/already used by another prompt/)).toBeVisible();
  await again.getByRole('button', { name: 'Cancel' }).click();

  // Restart the server on the same data folder: everything is still there.
  await server.stop();
  const restarted = await startServer(dataDir);
  try {
    await openApp(page, restarted);
    await page.getByLabel('Search prompts').fill('lighthouse');
    await expect(page.getByRole('link', { name: 'Welcome email' })).toBeVisible();
    await page.getByRole('link', { name: 'Welcome email' }).click();
    await expect(page.getByText('v2', { exact: true })).toBeVisible();
    await expect(page.getByLabel('Template')).toContainText('lighthouse tour');
    await expect(page.getByLabel('Description for customer')).toHaveValue('Who signed up');
  } finally {
    await restarted.stop();
  }
});

test('leaving the editor with unsaved changes asks first', async ({ page, server }) => {
  await openApp(page, server);
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New prompt' });
  await dialog.getByLabel('Name').fill('guarded');
  await dialog.getByLabel('Title').fill('Guarded');
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  await typeTemplate(page, 'Draft {{x}}');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  const confirm = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page.getByLabel('Template')).toContainText('Draft {{x}}');

  // A malformed variable is shown with its position and refused on save.
  await typeTemplate(page, 'Hello {{first name}}');
  await expect(page.getByText(/Line 1, column 7/i).first()).toBeVisible();
  await screenshot(page, 'editor-malformed');
});

test('every screen renders, in light and dark themes', async ({ page, server }) => {
  await openApp(page, server);
  for (const screen of ['Chat', 'Logs', 'Settings'] as const) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
    await expect(page.locator('html[data-app-ready="true"]')).toBeAttached();
    await screenshot(page, `${screen.toLowerCase()}-light`);
  }
  await expect(page.getByRole('heading', { name: 'API server' })).toBeVisible();
  await expect(page.getByText(`127.0.0.1:${server.port}`).first()).toBeVisible();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'settings-dark');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  await screenshot(page, 'library-dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});
