import type { Page } from '@playwright/test';
import { osUser } from '../../src/main/core/workspace';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { addIntegration, addMember, bridge, nav, newPrompt, saveVersion, switchTo } from './flows';

const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider();
    await use(provider);
    await provider.close();
  },
});

const OWNER = osUser().name;
const NAME = 'trip-planner';
const TEMPLATE = 'Act as a meticulous travel agent. Plan three days in {{city}}, with morning, afternoon and evening sections.';

const checklist = (page: Page) => page.getByRole('list', { name: 'Readiness checklist' });
const row = (page: Page, title: RegExp | string) => checklist(page).getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });

async function openReadiness(page: Page): Promise<void> {
  await nav(page, 'Library');
  await page.getByRole('link', { name: 'City trip planner' }).click();
  await page.getByRole('tablist').getByRole('tab', { name: 'Readiness' }).click();
  await expect(checklist(page)).toBeVisible();
}

/** Chat → run the prompt → rate the answer useful, as the acting member. */
async function runAndRate(page: Page, city: string): Promise<void> {
  await nav(page, 'Chat');
  await page.getByRole('button', { name: 'Run City trip planner' }).click();
  await page.getByLabel('city').fill(city);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const answer = page.getByRole('region', { name: 'Conversation' }).getByRole('article', { name: 'Answer 1' });
  await expect(answer).toHaveAttribute('aria-busy', 'false');
  await answer.getByRole('button', { name: 'Useful', exact: true }).click();
  await expect(answer.getByRole('button', { name: 'Useful', exact: true })).toHaveAttribute('aria-pressed', 'true');
}

test('the readiness checklist goes from open items to all passed as two members run and rate it', async ({ page, server, provider, apiKey }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  await addMember(page, 'Bob Member', 'bob@example.com');

  await newPrompt(page, { name: NAME, title: 'Trip planner' }, TEMPLATE);
  await page.getByLabel('Display message').fill('Plan my trip to {{city}}');
  await saveVersion(page, 'v1', 1);
  await bridge(server, 'sharing:add', { name: NAME, email: 'bob@example.com', permission: 'run' });

  // A new prompt: most items are open, each saying why and where to fix it.
  await page.getByRole('tablist').getByRole('tab', { name: 'Readiness' }).click();
  await expect(row(page, /Tested with realistic/)).toHaveAttribute('data-status', 'open');
  await expect(row(page, /Tested with realistic/)).toContainText('No saved test cases');
  await expect(row(page, /Tested with realistic/).getByRole('link', { name: 'Open the Test panel' })).toBeVisible();
  await expect(row(page, /Data logging/)).toContainText('Left at the default');
  await expect(row(page, /Name and description/)).toContainText('The title only repeats the name; no description');
  await expect(row(page, /At least two people/)).toContainText('Nobody has rated a run of v1 useful');
  await expect(page.getByTestId('readiness-counts')).toContainText('6 open');
  await screenshot(page, 'readiness-open');

  // Realistic inputs, a short and a long one, saved as test cases in the Test panel and run on v1.
  await page.getByRole('link', { name: 'Open the Test panel' }).first().click();
  const panel = page.getByRole('region', { name: 'Test', exact: true });
  await panel.getByLabel('Version').selectOption('1');
  const long = `${'the old town by the river, '.repeat(40)}Lisbon`;
  for (const [caseName, city] of [['short city', 'Rome'], ['long description', long]] as const) {
    await panel.getByLabel('city', { exact: true }).fill(city);
    await panel.getByLabel('Case name').fill(caseName);
    await panel.getByRole('button', { name: 'Save case' }).click();
    await expect(panel.getByRole('status').filter({ hasText: `Saved test case “${caseName}”` })).toBeVisible();
  }
  await panel.getByRole('checkbox', { name: 'fake:echo' }).check();
  await panel.getByRole('button', { name: 'Run all cases' }).click();
  const grid = panel.getByRole('table', { name: 'Test case results' });
  for (const caseName of ['short city', 'long description']) {
    await expect(grid.getByRole('row').filter({ has: page.getByRole('rowheader', { name: caseName }) }).getByRole('cell').first()).toContainText('Done');
  }

  // The manual items: ticked by the owner, with who and when; data logging kept at Full on purpose.
  await page.getByRole('tablist').getByRole('tab', { name: 'Readiness' }).click();
  await expect(checklist(page)).toBeVisible();
  await expect(row(page, /Tested with realistic/)).toHaveAttribute('data-status', 'pass');
  await expect(row(page, /Edge cases/)).toHaveAttribute('data-status', 'pass');
  // The long test case renders past the threshold, and v1 has a display message.
  await expect(row(page, /Display message/)).toContainText('Display message set. The rendered user message is');
  await expect(row(page, /Display message/)).toContainText('(threshold 500)');
  // The title and description are fixed in place, then confirmed clear.
  const naming = row(page, /Name and description/);
  await naming.getByRole('button', { name: 'Edit the title and description' }).click();
  await naming.getByLabel('Title').fill('City trip planner');
  await naming.getByLabel('Description').fill('Plans a three-day city trip with a schedule for each day');
  await naming.getByRole('button', { name: 'Save title and description' }).click();
  await expect(naming).toContainText('Title and description are set; ask someone who did not build it');
  await expect(page.getByRole('heading', { name: 'City trip planner', level: 1 })).toBeVisible();
  await row(page, /Name and description/).getByRole('button', { name: 'Confirm name and description are clear' }).click();
  await expect(row(page, /Name and description/)).toHaveAttribute('data-status', 'pass');
  await expect(row(page, /Name and description/)).toContainText(`Ticked by ${OWNER}`);
  await row(page, /Chat and library access/).getByRole('button', { name: 'Confirm access levels are as intended' }).click();
  await expect(row(page, /Chat and library access/)).toHaveAttribute('data-status', 'pass');
  await expect(row(page, /Chat and library access/)).toContainText('Private; shared with Bob Member (run)');
  await row(page, /Data logging/).getByRole('button', { name: 'Keep Full logging' }).click();
  await expect(row(page, /Data logging/)).toHaveAttribute('data-status', 'pass');
  await expect(row(page, /Data logging/)).toContainText(`Full, chosen by ${OWNER}`);
  await expect(page.getByTestId('readiness-counts')).toContainText('1 open');

  // Two members run it in Chat and find it useful.
  await runAndRate(page, 'Porto');
  await openReadiness(page);
  await expect(row(page, /At least two people/)).toContainText(`1 member (${OWNER}) has rated a run of v1 useful`);
  await switchTo(page, 'Bob Member');
  await runAndRate(page, 'Madrid');
  await switchTo(page, OWNER, apiKey);

  await openReadiness(page);
  await expect(row(page, /At least two people/)).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('readiness-counts')).toContainText('Ready: every item passed or does not apply');
  await expect(checklist(page).locator('[data-status="open"]')).toHaveCount(0);
  await screenshot(page, 'readiness-all-passed');
});

test('widening access with open items asks for confirmation listing them; an admin can make the checklist required', async ({ page, server }) => {
  await bridge(server, 'prompts:create', { name: NAME, title: 'City trip planner' });
  await bridge(server, 'versions:save', { name: NAME, template: { kind: 'text', text: 'Plan a trip to {{city}}' } });
  await openApp(page, server);
  await openReadiness(page);
  await page.getByRole('tablist').getByRole('tab', { name: 'Sharing' }).click();

  // Asked, with the open items listed; keeping the current access changes nothing.
  await page.getByRole('radio', { name: 'Library View', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Widen access to Library View?' });
  await expect(dialog).toBeVisible();
  const items = dialog.getByRole('list', { name: 'Open readiness items' }).getByRole('listitem');
  await expect(items).toContainText(['Tested with realistic variable inputs', 'Name and description are clear to someone who did not build it']);
  await screenshot(page, 'readiness-widen-confirm');
  await dialog.getByRole('button', { name: 'Keep current access' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('radio', { name: 'Private', exact: true })).toBeChecked();

  // Confirmed: widened.
  await page.getByRole('radio', { name: 'Library View', exact: true }).click();
  await dialog.getByRole('button', { name: 'Widen to Library View anyway' }).click();
  await expect(page.getByText('Sharing level set to Library View')).toBeVisible();

  // Settings: the admin requires the checklist. Widening further is then not offered, only explained.
  await nav(page, 'Settings');
  await page.getByRole('switch', { name: 'Require the readiness checklist before widening access' }).check();
  await expect(page.getByRole('switch', { name: 'Require the readiness checklist before widening access' })).toBeChecked();
  await openReadiness(page);
  await expect(page.getByText('An admin requires every item to pass before access is widened to everyone.')).toBeVisible();
  await page.getByRole('tablist').getByRole('tab', { name: 'Sharing' }).click();
  await page.getByRole('radio', { name: 'Library Edit', exact: true }).click();
  const refused = page.getByRole('dialog', { name: 'Finish the readiness checklist first' });
  await expect(refused).toBeVisible();
  await expect(refused.getByRole('button', { name: /Widen/ })).toHaveCount(0);
  await screenshot(page, 'readiness-widen-required');
  await refused.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('radio', { name: 'Library View', exact: true })).toBeChecked();
  // The core refuses it too (here through the bridge), naming the field.
  const res = await fetch(`${server.url}/bridge/sharing:set-level`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-promptdesk-session': new URL(server.openUrl).hash.replace(/^#session=/, '') },
    body: JSON.stringify({ name: NAME, level: 'library_edit' }),
  });
  expect(await res.json()).toMatchObject({ ok: false, error: { code: 'conflict', field: 'level' } });
});

test('each fix link lands on what needs fixing: the control on its tab, or Chat with the prompt chosen', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  // Long enough that the rendered user message needs a display message (threshold 500).
  await newPrompt(page, { name: 'long-brief', title: 'Long brief' }, `${'Write carefully and check every fact. '.repeat(16)}Topic: {{topic}}`);
  await saveVersion(page, 'v1', 1);
  const readiness = async () => {
    await page.getByRole('tablist').getByRole('tab', { name: 'Readiness' }).click();
    await expect(checklist(page)).toBeVisible();
  };
  const focusInside = (target: string) =>
    expect.poll(() => page.evaluate(`document.activeElement?.closest('[data-fix-target="${target}"]') !== null`)).toBe(true);

  await readiness();
  await row(page, /Display message/).getByRole('link', { name: 'Set the display message' }).click();
  await expect(page.getByLabel('Display message')).toBeFocused();
  await expect(page.getByLabel('Display message')).toBeInViewport();
  await screenshot(page, 'readiness-fix-display-message');

  await readiness();
  await row(page, /Tested with realistic/).getByRole('link', { name: 'Open the Test panel' }).click();
  await focusInside('testCases');
  await expect(page.locator('[data-fix-target="testCases"]')).toBeInViewport();

  await readiness();
  await row(page, /Data logging/).getByRole('link', { name: 'Choose the data logging level' }).click();
  await focusInside('dataLogging');
  await expect(page.locator('[data-fix-target="dataLogging"]')).toBeInViewport();

  await readiness();
  await row(page, /Chat and library access/).getByRole('link', { name: 'Review sharing' }).click();
  await focusInside('level');

  await readiness();
  await row(page, /At least two people/).getByRole('link', { name: 'Run it in Chat and rate the answer' }).click();
  // The prompt is chosen: its variables are asked for, no launcher list.
  await expect(page.getByLabel('topic')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Prompts you can run' })).toHaveCount(0);
  await screenshot(page, 'readiness-fix-chat');
});
