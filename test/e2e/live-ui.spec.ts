import type { Page } from '@playwright/test';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, test as base, type Server } from './fixtures';
import { bridge, nav, newPrompt, saveVersion } from './flows';

/**
 * Issue 13, Door 1: the UI is live. Two tabs on the same headless host, each with its own session:
 * what one does (or a script does over the API) shows in the other without a reload.
 */
const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider();
    await use(provider);
    await provider.close();
  },
});

/** Goes to a screen by its address, as a bookmark would (no reload: the app routes on the hash). */
const goTo = (page: Page, hash: string) =>
  page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);

/** The template replaced by `text` (the draft becomes dirty). */
async function typeTemplate(page: Page, text: string): Promise<void> {
  await page.getByLabel('Template').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function twoTabs(page: Page, server: Server): Promise<Page> {
  await openApp(page, server);
  const other = await page.context().newPage();
  await openApp(other, server);
  return other;
}

test('a save in one tab appears in the other: Library, Versions tab, editor header, and a dirty draft is kept', async ({ page, server }) => {
  const other = await twoTabs(page, server);
  await nav(other, 'Library');

  await newPrompt(page, { name: 'live-note', title: 'Live note' }, 'Note for {{who}}.');
  await saveVersion(page, 'first', 1);
  await expect(other.getByRole('link', { name: 'Live note' })).toBeVisible();

  // The other tab on the Versions tab: a version saved here appears there.
  await goTo(other, '#/prompts/live-note/versions');
  await expect(other.getByRole('row').filter({ hasText: 'first' })).toBeVisible();
  await typeTemplate(page, 'Second note for {{who}}.');
  await saveVersion(page, 'second take', 2);
  await expect(other.getByRole('row').filter({ hasText: 'second take' })).toBeVisible();

  // On its Editor tab, without edits: the page follows to the newest version.
  await goTo(other, '#/prompts/live-note');
  await expect(other.getByTitle('Latest version: 2')).toBeVisible();
  await typeTemplate(page, 'Third note for {{who}}.');
  await saveVersion(page, 'third', 3);
  await expect(other.getByTitle('Latest version: 3')).toBeVisible();
  await expect(other.getByLabel('Template')).toContainText('Third note for');

  // With unsaved edits: the draft stays, and the header says a newer version was saved.
  await typeTemplate(other, 'My own edit for {{who}}.');
  await typeTemplate(page, 'Fourth note for {{who}}.');
  await saveVersion(page, 'fourth', 4);
  await expect(other.getByText('A newer version was saved (v4)')).toBeVisible();
  await expect(other.getByLabel('Template')).toContainText('My own edit for');
  await expect(other.getByTitle('Latest version: 3')).toBeVisible();
});

test('a promotion in one tab appears in the other tab’s History', async ({ page, server }) => {
  const other = await twoTabs(page, server);
  await newPrompt(page, { name: 'live-promo', title: 'Live promo' }, 'Promo for {{who}}.');
  await saveVersion(page, 'first', 1);

  await goTo(other, '#/prompts/live-promo/history');
  await expect(other.getByRole('tabpanel')).toBeVisible();
  await expect(other.getByRole('row').filter({ hasText: 'Ship it to everyone' })).toHaveCount(0);

  await goTo(page, '#/prompts/live-promo/versions');
  await page.getByRole('button', { name: 'Promote v1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Promote v1' });
  await dialog.getByLabel('Promotion notes').fill('Ship it to everyone');
  await dialog.getByRole('button', { name: 'Promote' }).click();
  await expect(page.getByText('v1 promoted to production')).toBeVisible();

  await expect(other.getByRole('row').filter({ hasText: 'Ship it to everyone' })).toContainText('v1');
});

test('a run made over the HTTP API appears in an open Logs screen', async ({ page, server, apiKey, provider }) => {
  await bridge(server, 'integrations:save', { name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  const http = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  expect((await http('POST', '/prompts', { name: 'live-run', title: 'Live run' })).status).toBe(201);
  expect((await http('POST', '/prompts/live-run/versions', { template: { kind: 'text', text: 'Greet {{person}}.' }, commitMessage: 'v1' })).status).toBe(201);
  expect((await http('PUT', '/prompts/live-run/api', { apiAccess: true })).status).toBe(200);

  await openApp(page, server);
  await nav(page, 'Logs');
  const rows = page.getByRole('table', { name: /Runs, newest first/ }).locator('tbody tr[data-index]');
  await expect(page.getByText('0 runs', { exact: true }).or(page.getByText(/no runs/i)).first()).toBeVisible();

  const run = await http('POST', '/prompts/live-run/run', { variables: { person: 'Ada' }, model: 'local:echo' });
  expect(run.status).toBe(200);
  await run.body?.cancel();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Echo: Greet Ada.');
});
