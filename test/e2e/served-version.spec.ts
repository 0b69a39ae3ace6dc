import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { bridge, nav, switchTo } from './flows';

const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider();
    await use(provider);
    await provider.close();
  },
});

// Issue 10 item 19: the app serves the active (published) version; the pin is the API's. Every
// run shows which version it used: chat turn, test panel results, logs table and drawer.
test('chat and the test panel run the active version, not the API pin, and every run shows its version', async ({ page, server, provider }) => {
  await bridge(server, 'integrations:save', { name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  await bridge(server, 'users:add', { email: 'vic@example.com', name: 'Vic Viewer' });
  await bridge(server, 'prompts:create', { name: 'slogan', title: 'Slogan' });
  for (const word of ['one', 'two', 'three']) {
    await bridge(server, 'versions:save', { name: 'slogan', template: { kind: 'text', text: `Version ${word} for {{brand}}` }, commitMessage: word });
  }
  await bridge(server, 'versions:promote', { name: 'slogan', number: 2, notes: 'launch' });
  await bridge(server, 'deployment:pin', { name: 'slogan', version: 1 });
  await bridge(server, 'sharing:set-level', { name: 'slogan', level: 'library_view' });

  await openApp(page, server);
  // The Versions tab says the pin is the API's alone.
  await nav(page, 'Library');
  await page.getByRole('link', { name: 'Slogan' }).click();
  await page.getByRole('tablist').getByRole('tab', { name: 'Versions' }).click();
  const deployment = page.getByRole('region', { name: 'API deployment' });
  await expect(deployment).toContainText('Chat and the test panel use the published version (else the newest).');
  await screenshot(page, 'versions-deployment-pinned');
  await switchTo(page, 'Vic Viewer');

  // The chat launcher runs v2 (published), not v1 (pinned for the API) nor v3 (newest).
  await nav(page, 'Chat');
  await page.getByRole('button', { name: 'Run Slogan' }).click();
  await page.getByLabel('brand').fill('Acme');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const answer = page.getByRole('article', { name: 'Answer 1' });
  await expect(answer).toContainText('Echo: Version two for Acme');
  await expect(answer.getByLabel('Version 2')).toHaveText('v2');
  await expect(answer).toHaveAttribute('aria-busy', 'false');
  await screenshot(page, 'chat-answer-version');

  // The test panel of a member who may not edit starts on the active version too.
  await nav(page, 'Library');
  await page.getByRole('link', { name: 'Slogan' }).click();
  const panel = page.getByRole('region', { name: 'Test', exact: true });
  await expect(panel.getByLabel('Version')).toHaveValue('2');
  await panel.getByLabel('brand', { exact: true }).fill('Globex');
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.getByRole('article', { name: 'Result from local:echo' })).toContainText('Echo: Version two for Globex');
  await expect(panel).toContainText(/v2 · 1 finished/);
  await panel.getByRole('heading', { name: 'Results' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'test-panel-active-version');

  // The logs: the version column and the drawer.
  await nav(page, 'Logs');
  const rows = page.getByRole('table', { name: /Runs, newest first/ }).locator('tbody tr[data-index]');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('v2');
  await expect(rows.nth(1)).toContainText('v2');
  await rows.first().click();
  await expect(page.getByRole('dialog', { name: 'Run details' })).toContainText('v2');
  await screenshot(page, 'logs-version');
});

// Issue 10 item 18: a prompt with no saved version says so in the chat, instead of a garbled "not found".
test('a prompt with no saved version yet says so in the chat launcher', async ({ page, server, provider }) => {
  await bridge(server, 'integrations:save', { name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  await bridge(server, 'prompts:create', { name: 'empty-one', title: 'Empty one' });
  await openApp(page, server);
  await nav(page, 'Chat');
  await page.getByRole('button', { name: 'Run Empty one' }).click();
  await expect(page.getByText(/has no saved version yet/)).toBeVisible();
  await expect(page.getByText(/not found/)).toHaveCount(0);
  await screenshot(page, 'chat-no-saved-version');
});
