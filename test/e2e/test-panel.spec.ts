import type { Locator } from '@playwright/test';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { addIntegration, addMember, chooseSharingLevel, nav, newPrompt, saveVersion, switchTo } from './flows';

const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider();
    await use(provider);
    await provider.close();
  },
});



async function expectFinished(column: Locator, output: string): Promise<void> {
  await expect(column).toContainText(output);
  await expect(column).toContainText('Done');
  await expect(column).toContainText(/Tokens in\s*\d+/);
  await expect(column).toContainText(/Tokens out\s*\d+/);
  await expect(column).toContainText(/Latency\s*\d+(\.\d)?\s*(ms|s)/);
  await expect(column).toContainText(/First token\s*\d+(\.\d)?\s*(ms|s)/);
}

test('the editor test panel runs a prompt on two providers side by side, and runs saved test cases', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'oai', kind: 'OpenAI-compatible', baseUrl: `${provider.url}/v1`, models: ['echo', 'slow'] });
  await addIntegration(page, { name: 'claude', kind: 'Anthropic', baseUrl: `${provider.url}/v1`, apiKey: 'sk-ant-fake', models: ['echo'] });

  await newPrompt(page, { name: 'haiku', title: 'Haiku' }, 'Write a haiku about {{topic}} in a {{mood}} mood.');
  await page.getByLabel('Default for mood').fill('calm');
  await saveVersion(page, 'First cut', 1);

  // The Test panel: inputs from the draft's variables, defaults filled in, models to tick.
  const panel = page.getByRole('region', { name: 'Test', exact: true });
  await expect(panel.getByLabel('Version')).toHaveValue('draft');
  await expect(panel.getByLabel('mood', { exact: true })).toHaveValue('calm');
  await panel.getByLabel('topic', { exact: true }).fill('autumn rain');
  await panel.getByRole('heading', { name: 'Results' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'test-panel-ready');
  await panel.getByRole('checkbox', { name: 'oai:echo' }).check();
  await panel.getByRole('checkbox', { name: 'claude:echo' }).check();
  await expect(panel.getByRole('checkbox', { name: 'oai:slow' })).not.toBeChecked();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();

  // One run per model, at once: each column streams its answer, then shows tokens and timing.
  const openai = panel.getByRole('article', { name: 'Result from oai:echo' });
  const anthropic = panel.getByRole('article', { name: 'Result from claude:echo' });
  await expectFinished(openai, 'Echo: Write a haiku about autumn rain in a calm mood.');
  await expectFinished(anthropic, 'Echo: Write a haiku about autumn rain in a calm mood.');
  const paths = provider.requests.map((r) => `${r.protocol} ${r.path}`);
  expect(paths).toContain('openai /v1/chat/completions');
  expect(paths).toContain('anthropic /v1/messages');
  const [left, right] = await Promise.all([openai.boundingBox(), anthropic.boundingBox()]);
  expect(left && right && Math.abs(left.y - right.y) < 2 && Math.abs(left.x - right.x) > left.width / 2).toBe(true); // side by side
  await panel.getByRole('heading', { name: 'Results' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'test-panel-side-by-side');

  // The draft runs unsaved text; a saved version runs what was saved.
  await page.getByLabel('Template').click();
  await page.keyboard.press('End');
  await page.keyboard.insertText(' Use five syllables first.');
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(openai).toContainText('mood. Use five syllables first.');
  await panel.getByLabel('Version').selectOption('1');
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expectFinished(openai, 'Echo: Write a haiku about autumn rain in a calm mood.');
  await expect(openai).not.toContainText('five syllables');

  // Stop all: a slow run keeps what it had and is marked Stopped.
  await panel.getByRole('checkbox', { name: 'claude:echo' }).uncheck();
  await panel.getByRole('checkbox', { name: 'oai:echo' }).uncheck();
  await panel.getByRole('checkbox', { name: 'oai:slow' }).check();
  await panel.getByLabel('topic', { exact: true }).fill(`autumn rain ${'falling on the old stone bridge '.repeat(20)}`);
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  const slow = panel.getByRole('article', { name: 'Result from oai:slow' });
  await expect(slow).toContainText('Echo: Write');
  await panel.getByRole('button', { name: 'Stop all' }).click();
  await expect(slow).toContainText('Stopped');
  await expect(slow).not.toContainText('mood.');
  await screenshot(page, 'test-panel-stopped');
  await expect(panel.getByRole('button', { name: 'Stop all' })).toBeDisabled();

  // Test cases: save the inputs under a name, twice; load one back.
  await panel.getByRole('checkbox', { name: 'oai:slow' }).uncheck();
  await panel.getByRole('checkbox', { name: 'oai:echo' }).check();
  await panel.getByRole('checkbox', { name: 'claude:echo' }).check();
  await panel.getByLabel('topic', { exact: true }).fill('autumn rain');
  await panel.getByLabel('Case name').fill('Rain');
  await panel.getByRole('button', { name: 'Save case' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Saved test case “Rain”' })).toBeVisible();
  await panel.getByLabel('topic', { exact: true }).fill('first snow');
  await panel.getByLabel('mood', { exact: true }).fill('hopeful');
  await panel.getByLabel('Case name').fill('Snow');
  await panel.getByRole('button', { name: 'Save case' }).click();
  const cases = panel.getByRole('list', { name: 'Saved test cases' }).getByRole('listitem');
  await expect(cases).toHaveCount(2);
  await panel.getByRole('button', { name: 'Load Rain' }).click();
  await expect(panel.getByLabel('topic', { exact: true })).toHaveValue('autumn rain');
  await expect(panel.getByLabel('mood', { exact: true })).toHaveValue('calm');

  // Run all cases: a case × model grid.
  await panel.getByRole('button', { name: 'Run all cases' }).click();
  const grid = panel.getByRole('table', { name: 'Test case results' });
  await expect(grid.getByRole('columnheader')).toHaveCount(3);
  await expect(grid.getByRole('columnheader').first()).toHaveText('Case');
  await expect(grid.getByRole('columnheader', { name: 'oai:echo' })).toBeVisible();
  await expect(grid.getByRole('columnheader', { name: 'claude:echo' })).toBeVisible();
  const rain = grid.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Rain' }) });
  const snow = grid.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Snow' }) });
  for (const cell of [rain.getByRole('cell').nth(0), rain.getByRole('cell').nth(1)]) {
    await expectFinished(cell, 'Echo: Write a haiku about autumn rain in a calm mood.');
  }
  for (const cell of [snow.getByRole('cell').nth(0), snow.getByRole('cell').nth(1)]) {
    await expectFinished(cell, 'Echo: Write a haiku about first snow in a hopeful mood.');
  }
  await expect(panel.getByText('v1 · 4 finished')).toBeVisible();
  await grid.scrollIntoViewIfNeeded();
  await screenshot(page, 'test-panel-cases');

  // Deleting a case asks first.
  await panel.getByRole('button', { name: 'Delete Snow' }).click();
  await page.getByRole('dialog', { name: 'Delete test case “Snow”?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(cases).toHaveCount(1);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Test', exact: true }).getByRole('list', { name: 'Saved test cases' }).getByRole('listitem')).toHaveCount(1);
});

test('a member who may only view a prompt tests its saved version, without test cases', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'oai', kind: 'OpenAI-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  await addMember(page, 'Bob Member', 'bob@example.com');

  await newPrompt(page, { name: 'tagline', title: 'Tagline' }, 'A tagline for {{product}}');
  await saveVersion(page, 'Initial', 1);
  await page.getByRole('tablist').getByRole('tab', { name: 'Sharing' }).click();
  await chooseSharingLevel(page, 'Library View');

  await switchTo(page, 'Bob Member');
  await nav(page, 'Library');
  await page.getByRole('link', { name: 'Tagline' }).click();

  const panel = page.getByRole('region', { name: 'Test', exact: true });
  await expect(panel.getByLabel('Version')).toHaveValue('1');
  await expect(panel.getByLabel('Version').getByRole('option', { name: 'Current draft (unsaved)' })).toHaveCount(0);
  await expect(panel.getByText('Test cases belong to the people who may edit this prompt.')).toBeVisible();
  await panel.getByLabel('product', { exact: true }).fill('a bicycle bell');
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expectFinished(panel.getByRole('article', { name: 'Result from oai:echo' }), 'Echo: A tagline for a bicycle bell');
  await panel.getByRole('heading', { name: 'Results' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'test-panel-viewer');
});
