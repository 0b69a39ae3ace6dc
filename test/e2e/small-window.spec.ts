import type { Page } from '@playwright/test';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { addIntegration, addMember, bridge, nav, newPrompt, saveVersion, switchTo } from './flows';
import { layoutProblems } from './layout';

const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider();
    await use(provider);
    await provider.close();
  },
});

/** The smallest window the app promises to be fully usable in (issue 12). */
const SMALL = { width: 1000, height: 700 };

interface Screen {
  name: string;
  /** Opens the screen from wherever the previous one left off, and waits for its content. */
  open(page: Page): Promise<void>;
}

const tab = (name: string) => async (page: Page) => {
  await nav(page, 'Library');
  await page.getByRole('link', { name: 'Trip planner' }).click();
  await page.getByRole('tablist').getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
};

/** The logs table in view (it sits under the filters and charts), with its runs. */
async function showLogRows(page: Page): Promise<void> {
  const table = page.getByRole('table', { name: /^Runs, newest first/ });
  await expect(table.getByRole('row').nth(1)).toBeVisible();
  await table.scrollIntoViewIfNeeded();
}

const SCREENS: Screen[] = [
  { name: 'library', open: async (page) => { await nav(page, 'Library'); await expect(page.getByRole('link', { name: 'Trip planner' })).toBeVisible(); } },
  { name: 'editor', open: async (page) => { await tab('Editor')(page); await expect(page.getByLabel('Template')).toBeVisible(); } },
  { name: 'versions', open: async (page) => { await tab('Versions')(page); await expect(page.getByRole('button', { name: 'Promote v3' })).toBeVisible(); } },
  {
    name: 'history',
    open: async (page) => {
      await tab('History')(page);
      // Each row's badge is the status that promotion gave (Published), and today's beside it.
      const first = page.getByRole('row').filter({ hasText: 'Make it live' });
      await expect(first.getByRole('rowheader')).toHaveText(/^v1\s*Published\s*now archived$/);
      await expect(page.getByRole('row').filter({ hasText: 'Food tips for everyone' }).getByRole('rowheader')).toHaveText(/^v2\s*Published$/);
    },
  },
  { name: 'sharing', open: async (page) => { await tab('Sharing')(page); await expect(page.getByRole('radio', { name: 'Private', exact: true })).toBeVisible(); } },
  { name: 'api', open: async (page) => { await tab('API')(page); await expect(page.getByRole('switch', { name: 'API access' })).toBeVisible(); } },
  { name: 'readiness', open: async (page) => { await tab('Readiness')(page); await expect(page.getByRole('list', { name: 'Readiness checklist' })).toBeVisible(); } },
  {
    name: 'chat',
    open: async (page) => {
      await nav(page, 'Chat');
      await page.getByRole('button', { name: 'Run Trip planner' }).click();
      await page.getByLabel('city').fill('Porto');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const conversation = page.getByRole('region', { name: 'Conversation' });
      await expect(conversation.getByRole('article', { name: 'Answer 1' })).toHaveAttribute('aria-busy', 'false');
      await page.getByLabel('Reply').fill('And day two?');
      await page.getByLabel('Reply').press('ControlOrMeta+Enter');
      const newest = conversation.getByRole('article', { name: 'Answer 2' });
      await expect(newest).toHaveAttribute('aria-busy', 'false');
      // The newest answer and its rating sit above the composer, in view, without scrolling by hand.
      const rating = newest.getByRole('button', { name: 'Useful', exact: true });
      await expect(rating).toBeInViewport({ ratio: 1 });
      const [ratingBox, composerBox] = await Promise.all([rating.boundingBox(), page.locator('form.chat-composer').boundingBox()]);
      expect(ratingBox!.y + ratingBox!.height).toBeLessThanOrEqual(composerBox!.y);
    },
  },
  { name: 'prompt-logs', open: async (page) => { await tab('Logs')(page); await showLogRows(page); } },
  { name: 'logs', open: async (page) => { await nav(page, 'Logs'); await showLogRows(page); } },
  { name: 'settings', open: async (page) => { await nav(page, 'Settings'); await expect(page.getByRole('region', { name: 'Integrations' })).toBeVisible(); } },
  {
    // The API keys table with keys of every scope (the CLI's default), one expiring (round 2, finding 1).
    name: 'settings-keys',
    open: async (page) => {
      await nav(page, 'Settings');
      const keys = page.getByRole('table', { name: 'API keys' });
      await expect(keys.getByRole('button', { name: 'Revoke bob build server' })).toBeVisible();
      await keys.scrollIntoViewIfNeeded();
    },
  },
];


test('every screen is fully usable at 1000x700: no control cut off, no sideways scroll', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  await addMember(page, 'Bob Member', 'bob@example.com');
  await newPrompt(page, { name: 'trip-planner', title: 'Trip planner', description: 'Plans a three-day city trip' }, 'Write a detailed three-day plan for {{city}}.');
  await page.getByLabel('Example for city').fill('Lisbon');
  await saveVersion(page, 'first', 1);
  await page.getByRole('button', { name: 'Promote v1' }).click();
  await page.getByRole('dialog', { name: 'Promote v1' }).getByLabel('Promotion notes').fill('Make it live');
  await page.getByRole('dialog', { name: 'Promote v1' }).getByRole('button', { name: 'Promote' }).click();
  await expect(page.getByText('v1 promoted to production')).toBeVisible();
  // A draft after the published version: the Versions table shows every kind of row action.
  await page.getByLabel('Template').click();
  await page.keyboard.press('End');
  await page.keyboard.insertText(' Add a food tip for each day.');
  await saveVersion(page, 'food tips', 2);
  await page.getByRole('button', { name: 'Promote v2' }).click();
  await page.getByRole('dialog', { name: 'Promote v2' }).getByLabel('Promotion notes').fill('Food tips for everyone');
  await page.getByRole('dialog', { name: 'Promote v2' }).getByRole('button', { name: 'Promote' }).click();
  await expect(page.getByText('v2 promoted to production')).toBeVisible();
  // The header says Published once: the latest version's badge, not again as "Published: v2" (issue 10).
  const header = page.locator('.editor-header__title-row');
  await expect(header).toContainText(/v2\s*Published/);
  await expect(header.getByText('Published: v2')).toHaveCount(0);
  await page.getByLabel('Template').click();
  await page.keyboard.press('End');
  await page.keyboard.insertText(' Keep it short.');
  await saveVersion(page, 'shorter', 3);
  // Once a newer draft exists, the chip names the version in production.
  await expect(header.getByText('Published: v2')).toBeVisible();

  // Keys with every scope, the CLI's default (`promptdesk keys create --user X`), for the keys table.
  await bridge(server, 'keys:create', { userEmail: 'bob@example.com', label: 'default' });
  await bridge(server, 'keys:create', { userEmail: 'bob@example.com', label: 'bob build server', expiresAt: '2999-12-31' });

  await page.setViewportSize(SMALL);
  for (const screen of SCREENS) {
    await screen.open(page);
    await screenshot(page, `small-${screen.name}`);
    const problems = await layoutProblems(page);
    expect.soft(problems.cutOff, `${screen.name}: controls cut off`).toEqual([]);
    expect.soft(problems.sideways, `${screen.name}: sideways scroll`).toEqual([]);
  }

  // The Logs table also needed sideways scrolling in a 1280 px window (issue 10): it fits now too.
  await page.setViewportSize({ width: 1280, height: 720 });
  for (const screen of SCREENS.filter((s) => s.name.endsWith('logs'))) {
    await screen.open(page);
    await screenshot(page, `wide-${screen.name}`);
    expect.soft(await layoutProblems(page), `${screen.name} at 1280 px`).toEqual({ cutOff: [], sideways: [] });
  }

  // Last, as a member (from here on the window acts as Bob): Settings with the key field.
  await page.setViewportSize(SMALL);
  await switchTo(page, 'Bob Member');
  await nav(page, 'Settings');
  await page.getByLabel('Their API key').scrollIntoViewIfNeeded();
  // Switch sits under the key field and its hint, not beside the hint (issue 10).
  const hint = page.getByText('The member you switch to consents by giving you one of their API keys.');
  const [hintBox, buttonBox] = await Promise.all([hint.boundingBox(), page.getByRole('button', { name: 'Switch', exact: true }).boundingBox()]);
  expect(buttonBox!.y).toBeGreaterThanOrEqual(hintBox!.y + hintBox!.height);
  await screenshot(page, 'small-settings-member');
  expect.soft(await layoutProblems(page), 'settings as a member').toEqual({ cutOff: [], sideways: [] });
});
