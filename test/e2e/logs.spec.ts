import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base, type Server } from './fixtures';
import { bridge, bridgeAs, nav } from './flows';

const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider();
    await use(provider);
    await provider.close();
  },
});


/** A call through the headless bridge, as the app itself makes it (session token from the printed URL). */

/** The public HTTP API with a key, as a script would call it. */
async function http(server: Server, apiKey: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The fake provider as integration "local", and prompts served over the API. */
async function setUp(server: Server, apiKey: string, provider: FakeProvider, prompts: Record<string, string>): Promise<void> {
  await bridge(server, 'integrations:save', { name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo', 'error-500'] });
  for (const [name, text] of Object.entries(prompts)) {
    expect((await http(server, apiKey, 'POST', '/prompts', { name, title: name })).status).toBe(201);
    const saved = await http(server, apiKey, 'POST', `/prompts/${name}/versions`, { template: { kind: 'text', text }, commitMessage: 'v1' });
    expect(saved.status).toBe(201);
    expect((await http(server, apiKey, 'PUT', `/prompts/${name}/api`, { apiAccess: true })).status).toBe(200);
  }
}

async function run(server: Server, apiKey: string, prompt: string, variables: Record<string, string>, model = 'local:echo'): Promise<number> {
  const res = await http(server, apiKey, 'POST', `/prompts/${prompt}/run`, { variables, model });
  await res.body?.cancel();
  return res.status;
}

const table = (page: Page) => page.getByRole('table', { name: /Runs, newest first/ });
const bodyRows = (page: Page) => table(page).locator('tbody tr[data-index]');

test('API runs land in Logs: filter, read one, search, export, and the prompt tab logs only as much as it is told', async ({
  page,
  server,
  apiKey,
  provider,
}) => {
  await setUp(server, apiKey, provider, { greeter: 'Greet {{person}} warmly.', summarise: 'Summarise {{text}} in one line.' });
  for (const person of ['Ada', 'Grace', 'Linus']) expect(await run(server, apiKey, 'greeter', { person })).toBe(200);
  for (const person of ['Edsger', 'Barbara']) expect(await run(server, apiKey, 'greeter', { person }, 'local:error-500')).toBe(502);
  expect(await run(server, apiKey, 'summarise', { text: 'the quarterly marmalade report' })).toBe(200);

  await openApp(page, server);
  await nav(page, 'Logs');
  await expect(bodyRows(page)).toHaveCount(6);
  await expect(page.getByText('6 runs', { exact: true })).toBeVisible();
  await expect(page.getByText('2 errors')).toBeVisible();
  await expect(bodyRows(page).first()).toContainText('summarise');
  await expect(bodyRows(page).first()).toContainText('Echo: Summarise the quarterly marmalade report in one line.');
  // Charts carry their numbers in words too.
  await expect(page.getByRole('img', { name: /Runs per day.*6 runs/ })).toBeAttached();
  await expect(page.getByRole('img', { name: /Share of runs that failed.*2 of 6 runs failed/ })).toBeAttached();
  await expect(page.getByRole('img', { name: /greeter v1: p50/ })).toBeAttached();
  await screenshot(page, 'logs-table');

  // Source API and status Error: only the failed runs, with their error as the preview.
  await page.getByLabel('Source').selectOption({ label: 'API' });
  await page.getByLabel('Status').selectOption({ label: 'Error' });
  await expect(bodyRows(page)).toHaveCount(2);
  await expect(page.getByText('2 runs match')).toBeVisible();
  await expect(bodyRows(page).first()).toContainText('Error');
  await expect(bodyRows(page).first()).toContainText('local:error-500');
  await screenshot(page, 'logs-filtered-errors');

  await bodyRows(page).first().click();
  const drawer = page.getByRole('dialog', { name: 'Run details' });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('region', { name: 'Error' })).toContainText('500');
  await expect(drawer.getByRole('region', { name: 'Variables' })).toContainText('Barbara');
  await expect(drawer.getByRole('button', { name: 'Close' })).toBeFocused();
  await screenshot(page, 'logs-drawer-error');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(bodyRows(page).first()).toBeFocused();

  // Clear, then search the text of one output.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(bodyRows(page)).toHaveCount(6);
  await expect(page.getByLabel('Source')).toHaveValue('');
  await page.getByLabel('Search inputs and outputs').fill('Grace');
  await expect(bodyRows(page)).toHaveCount(1);
  await expect(bodyRows(page).first()).toContainText('Echo: Greet Grace warmly.');

  // Keyboard: the row takes focus, Enter opens it.
  await bodyRows(page).first().focus();
  await page.keyboard.press('Enter');
  await expect(drawer.getByRole('region', { name: 'Output' })).toContainText('Echo: Greet Grace warmly.');
  await expect(drawer.getByRole('region', { name: 'Variables' })).toContainText('person');
  await expect(drawer.getByRole('region', { name: 'Messages' })).toContainText('Greet Grace warmly.');
  await expect(drawer.getByRole('button', { name: 'Copy output' })).toBeVisible();
  await screenshot(page, 'logs-drawer');
  await drawer.getByRole('button', { name: 'Close' }).click();
  await expect(drawer).toBeHidden();

  // A search that finds nothing offers to clear.
  await page.getByLabel('Search inputs and outputs').fill('nothing-like-this');
  await expect(page.getByRole('heading', { name: 'No runs match' })).toBeVisible();
  await screenshot(page, 'logs-no-match');
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await expect(bodyRows(page)).toHaveCount(6);
  await expect(page.getByLabel('Search inputs and outputs')).toHaveValue('');

  // Dates are checked next to their fields; a range with no runs says so.
  await page.getByLabel('From', { exact: true }).fill('2020-03-10');
  await page.getByLabel('To', { exact: true }).fill('2020-03-01');
  await expect(page.getByLabel('To', { exact: true })).toHaveAccessibleDescription('The end date is before the start date');
  await screenshot(page, 'logs-date-error');
  await page.getByLabel('To', { exact: true }).fill('2020-03-20');
  await expect(page.getByLabel('To', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('heading', { name: 'No runs match' })).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await expect(bodyRows(page)).toHaveCount(6);
  await expect(page.getByLabel('From', { exact: true })).toHaveValue('');

  // Export CSV: the progress shows while it runs (the first progress answer is held back to see it).
  let polls = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/bridge\/logs(%3A|:)export-status$/, async (route) => {
    polls += 1;
    if (polls === 1) {
      const response = await route.fetch();
      const body = (await response.json()) as { ok: boolean; value: { state: string; rows: number; total: number } };
      body.value = { ...body.value, state: 'running', rows: 3, total: 6 };
      await route.fulfill({ response, json: body });
      return;
    }
    if (polls === 2) await released;
    await route.continue();
  });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await expect(page.getByText('Exporting CSV: 3 of 6 rows')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'CSV export progress' })).toHaveAttribute('value', '3');
  await screenshot(page, 'logs-export-progress');
  release();
  const file = await download;
  const csv = readFileSync(await file.path(), 'utf8').trim().split(/\r?\n/);
  expect(csv[0]).toMatch(/^id,started_at,prompt,version,source,member,key_label,model,status,latency_ms/);
  expect(csv).toHaveLength(7);
  expect(csv.filter((line) => line.includes(',greeter,'))).toHaveLength(5);
  expect(csv.filter((line) => line.includes(',local:error-500,error,'))).toHaveLength(2);
  expect(csv.some((line) => line.includes('Echo: Greet Grace warmly.'))).toBe(true);
  await expect(page.getByText('Exported 6 rows as CSV')).toBeVisible();
  await expect(page.getByText(/Saved to/)).toBeVisible();
  await expect(page.getByText(`Downloaded as ${file.suggestedFilename()}`)).toBeVisible();
  await screenshot(page, 'logs-export-done');
  await page.unroute(/\/bridge\/logs(%3A|:)export-status$/);

  // The prompt's own Logs tab: only its runs, no prompt column.
  await nav(page, 'Library');
  await page.getByRole('link', { name: 'greeter' }).first().click();
  await page.getByRole('tablist').getByRole('tab', { name: 'Logs' }).click();
  await expect(page).toHaveURL(/#\/prompts\/greeter\/logs$/);
  await expect(bodyRows(page)).toHaveCount(5);
  await expect(table(page)).not.toContainText('summarise');
  await expect(table(page).getByRole('columnheader', { name: 'Prompt' })).toHaveCount(0);
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('radio', { name: 'Full' })).toBeChecked();
  await screenshot(page, 'prompt-logs-tab');

  // Data logging None: a new run keeps no variables and no output.
  // click, not check(): check() reads the radio right after the click, and between the server's
  // answer and the editor following the prompt's query the choice can show the old level for a frame.
  await page.getByRole('radio', { name: 'None' }).click();
  await expect(page.getByText('Data logging: None')).toBeVisible();
  await expect(page.getByRole('radio', { name: 'None' })).toBeChecked();
  await screenshot(page, 'prompt-logs-data-logging');
  expect(await run(server, apiKey, 'greeter', { person: 'Secret Sam' })).toBe(200);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(bodyRows(page)).toHaveCount(6);
  await expect(bodyRows(page).first()).toContainText('Not logged');
  await bodyRows(page).first().click();
  await expect(drawer.getByRole('region', { name: 'Variables' })).toContainText('Not logged');
  await expect(drawer.getByRole('region', { name: 'Output' })).toContainText('Not logged');
  await expect(drawer).not.toContainText('Secret Sam');
  await expect(drawer.getByRole('button', { name: 'Copy output' })).toHaveCount(0);
  await screenshot(page, 'logs-drawer-not-logged');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
});

test('a long log is paged in as you scroll, and only the rows in view are drawn', async ({ page, server, apiKey, provider }) => {
  test.setTimeout(120_000);
  await setUp(server, apiKey, provider, { bulk: 'Item {{n}}' });
  const TOTAL = 230;
  for (let start = 0; start < TOTAL; start += 25) {
    const batch = Array.from({ length: Math.min(25, TOTAL - start) }, (_, i) => start + i);
    const statuses = await Promise.all(batch.map((n) => run(server, apiKey, 'bulk', { n: String(n) }, n % 10 === 0 ? 'local:error-500' : 'local:echo')));
    expect(statuses.every((s) => s === 200 || s === 502)).toBe(true);
  }

  await openApp(page, server);
  await nav(page, 'Logs');
  await expect(page.getByText(`${TOTAL} runs`, { exact: true })).toBeVisible();
  await expect(page.getByText(`Showing the newest 100 of ${TOTAL} runs`)).toBeVisible();
  const drawn = await bodyRows(page).count();
  expect(drawn).toBeGreaterThan(5);
  expect(drawn).toBeLessThan(60);
  await expect(table(page)).toHaveAttribute('aria-rowcount', String(TOTAL + 1));

  // Keyboard: End goes to the last loaded row, which pulls in the next page.
  await bodyRows(page).first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(table(page).locator('tr[data-index="1"]')).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByText(`Showing the newest 200 of ${TOTAL} runs`)).toBeVisible();
  await expect(table(page).locator('tr[data-index="99"]')).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByText(`All ${TOTAL} runs shown`)).toBeVisible();
  await page.keyboard.press('End');
  await expect(table(page).locator(`tr[data-index="${TOTAL - 1}"]`)).toBeFocused();
  await expect(table(page).locator(`tr[data-index="${TOTAL - 1}"]`)).toContainText('bulk');
  expect(await bodyRows(page).count()).toBeLessThan(60);
  // The header stays in view while the rows scroll under it.
  await expect(table(page).getByRole('columnheader', { name: 'Time', exact: true })).toBeInViewport();
  await screenshot(page, 'logs-scrolled');

  // The same in the dark theme, with a row open.
  await nav(page, 'Settings');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await nav(page, 'Logs');
  await expect(bodyRows(page).first()).toBeVisible();
  await screenshot(page, 'logs-dark');
  await page.getByRole('button', { name: 'Export JSONL' }).click();
  await expect(page.getByText(`Exported ${TOTAL} rows as JSONL`)).toBeVisible();
  await bodyRows(page).first().click();
  await expect(page.getByRole('dialog', { name: 'Run details' }).getByRole('region', { name: 'Output' })).toContainText('Echo: Item');
  await screenshot(page, 'logs-drawer-dark');
});

test('a fresh workspace explains where runs come from; admins set retention and purge', async ({ page, server }) => {
  await openApp(page, server);
  await nav(page, 'Logs');
  await expect(page.getByRole('heading', { name: 'No runs yet' })).toBeVisible();
  await expect(page.getByText('POST /api/v1/prompts/{name}/run')).toBeVisible();
  // Nothing to filter or export yet.
  await expect(page.getByRole('search', { name: 'Filter runs' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Export CSV' })).toHaveCount(0);
  await screenshot(page, 'logs-empty');

  const retention = page.getByRole('region', { name: 'Retention' });
  await expect(retention.getByRole('radio', { name: 'Forever' })).toBeChecked();
  await expect(retention.getByRole('button', { name: 'Purge now' })).toBeDisabled();
  await retention.getByRole('radio', { name: 'Keep logs for' }).check();
  await retention.getByLabel('Days to keep logs').fill('0');
  await retention.getByRole('button', { name: 'Save retention' }).click();
  await expect(retention.getByLabel('Days to keep logs')).toHaveAccessibleDescription('Keep logs for 1 to 36,500 days');
  await retention.getByLabel('Days to keep logs').fill('30');
  await retention.getByRole('button', { name: 'Save retention' }).click();
  await expect(retention.getByText('Logs are kept for 30 days')).toBeVisible();
  await retention.getByRole('button', { name: 'Purge now' }).click();
  const confirm = page.getByRole('dialog', { name: 'Purge old logs now?' });
  await expect(confirm).toContainText('older than 30 days');
  await screenshot(page, 'logs-purge-confirm');
  await confirm.getByRole('button', { name: 'Purge' }).click();
  await expect(retention.getByText('Purged: 0 runs removed')).toBeVisible();
  await expect(retention.getByText(/Last purge .*: 0 runs removed\./)).toBeVisible();
  await screenshot(page, 'logs-retention');
});

test('members see their logs without the admin settings, and cannot change data logging of a prompt they only run', async ({
  page,
  server,
}) => {
  await bridge(server, 'prompts:create', { name: 'shared-notes', title: 'Shared notes' });
  await bridge(server, 'sharing:set-level', { name: 'shared-notes', level: 'library_view' });
  const bob = await bridge<{ id: string }>(server, 'users:add', { email: 'bob@example.com', name: 'Bob Member' });
  // Each browser session acts as one member: the switch gives a session for Bob.
  const asBob = await bridgeAs(server, new URL(server.openUrl).hash.replace(/^#session=/, ''), 'session:switch', { userId: bob.id });

  await openApp(page, server, asBob.session!);
  await nav(page, 'Logs');
  await expect(page.getByRole('heading', { name: 'No runs yet' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Retention' })).toHaveCount(0);

  await page.goto(`${server.url}/#/prompts/shared-notes/logs`);
  await expect(page.getByRole('heading', { name: 'No runs of this prompt yet' })).toBeVisible();
  const levels = page.getByRole('group', { name: 'Data logging' });
  for (const level of ['Full', 'Metadata only', 'None']) await expect(levels.getByRole('radio', { name: level })).toBeDisabled();
  await expect(levels.getByRole('radio', { name: 'Full' })).toBeChecked();
  await expect(page.getByText('Only people who can edit this prompt can change its data logging')).toBeVisible();
  await screenshot(page, 'prompt-logs-member');
});

test('while a new search is counted, the summary marks the previous figures as updating, then shows the new count', async ({ page, server, apiKey, provider }) => {
  await setUp(server, apiKey, provider, { greeter: 'Greet {{person}} warmly.' });
  for (const person of ['Ada', 'Grace', 'Linus']) expect(await run(server, apiKey, 'greeter', { person })).toBe(200);
  await openApp(page, server);
  await nav(page, 'Logs');
  const summary = page.locator('.logs-summary__count');
  await expect(summary).toContainText('3 runs');
  await expect(summary).toHaveAttribute('aria-busy', 'false');

  // The stats call for the search is held back until the check below has seen the summary.
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/bridge\/logs(%3A|:)stats$/, async (route) => {
    if (route.request().postData()?.includes('Grace')) await released;
    await route.continue();
  });
  await page.getByLabel('Search inputs and outputs').fill('Grace');
  await expect(bodyRows(page)).toHaveCount(1);
  // The table already answers; the count is still the previous filter's, and says so.
  await expect(summary).toHaveAttribute('aria-busy', 'true');
  await expect(summary).toContainText('3 runs match');
  await expect(summary.getByRole('status')).toHaveText('updating…');
  await expect(summary).toHaveClass(/logs-stale/);
  await expect(page.getByText('Showing the newest 1 of 3 runs')).toHaveCount(0);
  await screenshot(page, 'logs-stats-updating');

  release();
  await expect(summary).toContainText('1 run matches');
  await expect(summary).toHaveAttribute('aria-busy', 'false');
  await expect(summary.getByRole('status')).toHaveCount(0);
  await expect(summary).not.toHaveClass(/logs-stale/);
  await screenshot(page, 'logs-stats-updated');
});
