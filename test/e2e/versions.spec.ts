import { expect, openApp, screenshot, test } from './fixtures';
import type { Page } from '@playwright/test';

async function createPrompt(page: Page, name: string, title: string): Promise<void> {
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New prompt' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  await expect(dialog).toBeHidden();
}

async function saveVersion(page: Page, text: string, message: string, number: number): Promise<void> {
  const editor = page.getByLabel('Template');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await page.keyboard.press('ControlOrMeta+s');
  await page.getByRole('dialog', { name: 'Save version' }).getByLabel('Commit message').fill(message);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: `Saved version ${number}` })).toBeVisible();
}

async function promote(page: Page, number: number, notes: string): Promise<void> {
  await page.getByRole('button', { name: `Promote v${number}` }).click();
  const dialog = page.getByRole('dialog', { name: `Promote v${number}` });
  await dialog.getByLabel('Promotion notes').fill(notes);
  await dialog.getByRole('button', { name: 'Promote' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`v${number} promoted to production`)).toBeVisible();
}

/** Prompts made in the app start with API access off: turn it on in the API tab. */
async function enableApiAccess(page: Page): Promise<void> {
  await page.getByRole('tablist').getByRole('tab', { name: 'API' }).click();
  await page.getByRole('switch', { name: 'API access' }).click();
  await expect(page.getByText('API access on')).toBeVisible();
  await page.getByRole('tablist').getByRole('tab', { name: 'Editor' }).click();
}

async function renderViaApi(server: { url: string }, key: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/prompts/support-reply/render`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ variables: { customer: 'Ada' } }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { text: string }).text;
}

test('versions: compare, promote with notes, history, rollback by unarchive + promote, and API pinning', async ({ page, server, apiKey }) => {
  await openApp(page, server);
  await createPrompt(page, 'support-reply', 'Support reply');
  await saveVersion(page, 'Reply to {{customer}} politely.', 'first', 1);
  await enableApiAccess(page);
  await saveVersion(page, 'Reply to {{customer}} warmly and briefly.', 'warmer', 2);
  await saveVersion(page, 'Reply to {{customer}} warmly, briefly, and offer a discount.', 'discount', 3);

  const tabs = page.getByRole('tablist');
  await tabs.getByRole('tab', { name: 'Versions' }).click();
  await page.getByLabel('Compare from').selectOption('1');
  await page.getByLabel('Compare to').selectOption('3');
  await page.getByRole('button', { name: 'Compare', exact: true }).click().catch(() => undefined);
  await expect(page.locator('ins').filter({ hasText: 'discount' }).first()).toBeVisible();
  await expect(page.locator('del').filter({ hasText: 'politely' }).first()).toBeVisible();
  await screenshot(page, 'versions-compare');

  // Commit v1 from the Versions tab: it becomes read-only.
  await page.getByRole('button', { name: 'Commit v1' }).click();
  await expect(page.getByText('v1 committed: it is read-only now')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Commit v1' })).toHaveCount(0);

  await promote(page, 2, 'Warmer tone for enterprise customers');
  expect(await renderViaApi(server, apiKey)).toBe('Reply to Ada warmly and briefly.');
  await promote(page, 3, 'Offer a discount');

  await tabs.getByRole('tab', { name: 'History' }).click();
  const rows = page.getByRole('row');
  await expect(rows.filter({ hasText: 'Offer a discount' })).toContainText('v2');
  await expect(rows.filter({ hasText: 'Warmer tone' })).toBeVisible();
  await screenshot(page, 'versions-history');

  // Roll back to v2: it is archived now, so unarchive it, then promote it.
  await page.getByRole('button', { name: 'Unarchive v2' }).click();
  await promote(page, 2, 'Roll back: discount confused customers');
  await expect(rows.filter({ hasText: 'Roll back' })).toContainText('v3');
  expect(await renderViaApi(server, apiKey)).toBe('Reply to Ada warmly and briefly.');

  // Pin the API deployment to v3, then promote another version: the API keeps serving v3.
  await tabs.getByRole('tab', { name: 'Versions' }).click();
  await page.getByRole('button', { name: 'Pin v3 to API' }).click();
  await expect(page.getByText(/API serves v3 \(pinned\)/)).toBeVisible();
  await page.getByRole('button', { name: 'Promote v1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Promote v1' });
  await dialog.getByRole('button', { name: 'Promote' }).click();
  await expect(page.getByText('v1 promoted to production')).toBeVisible();
  expect(await renderViaApi(server, apiKey)).toBe('Reply to Ada warmly, briefly, and offer a discount.');
  await screenshot(page, 'versions-pinned');
});
