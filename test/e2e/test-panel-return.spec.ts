import type { Page } from '@playwright/test';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { addIntegration, bridge } from './flows';

const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider();
    await use(provider);
    await provider.close();
  },
});

/**
 * Issue 13 attack N6: the test panel keeps each prompt's latest results, as chat keeps its
 * turns. A slow run started, the prompt left while it streams, then opened again: the finished
 * answer is on the panel (followed from where it was); it never shows on the other prompt.
 */
async function open(page: Page, name: string): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, `#/prompts/${name}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

test('a test-panel run started before leaving the prompt is shown finished on return, and not on the other prompt', async ({ page, server, provider }) => {
  for (const name of ['ui-shared', 'other']) {
    await bridge(server, 'prompts:create', { name, title: name });
    await bridge(server, 'versions:save', { name, template: { kind: 'text', text: `Text of ${name} for {{who}}` }, commitMessage: 'v1' });
  }
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['echo', 'slow'] });

  await open(page, 'ui-shared');
  const panel = page.getByRole('region', { name: 'Test', exact: true });
  // Long enough that the slow model is still streaming when the page is left.
  await panel.getByLabel('who', { exact: true }).fill(`dave${' and friends'.repeat(30)}`);
  await panel.getByRole('checkbox', { name: 'fake:slow' }).check();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  const slow = panel.getByRole('article', { name: 'Result from fake:slow' });
  await expect(slow).toContainText('Echo: Text');

  await open(page, 'other');
  await expect(panel.getByRole('article', { name: 'Result from fake:slow' })).toHaveCount(0);
  await expect(panel).not.toContainText('Echo: Text of ui-shared');

  await open(page, 'ui-shared');
  await expect(slow).toContainText(`Echo: Text of ui-shared for dave${' and friends'.repeat(30)}`);
  await expect(slow).toContainText('Done');
  await panel.getByRole('heading', { name: 'Results' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'test-panel-results-kept');
});
