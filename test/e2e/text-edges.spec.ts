import type { Promotion } from '../../src/shared/schemas/versions';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { addIntegration, bridge, nav, newPrompt, saveVersion } from './flows';

/** Issue 10 items 9, 16, 20 as a user sees them: chat errors, the History panel's days. */

const test = base.extend<{ provider: FakeProvider; leaky: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    // Rate limits say 7 s.
    const provider = await startFakeProvider({ retryAfter: '7' });
    await use(provider);
    await provider.close();
  },
  // eslint-disable-next-line no-empty-pattern
  leaky: async ({}, use) => {
    // Wants another key, and quotes back the one it was sent, as OpenAI does.
    const provider = await startFakeProvider({ apiKey: 'the-right-key', echoKey: true });
    await use(provider);
    await provider.close();
  },
});

const LEAKY_KEY = 'sk-proj-Zq8wLmN3vB7xR2tY5uK9pA4sD6fG1hJ0';

test('chat: a rate-limited run says when to retry; a provider quoting the key shows it redacted', async ({ page, server, provider, leaky }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['error-429'] });
  await addIntegration(page, { name: 'leaky', baseUrl: `${leaky.url}/v1`, apiKey: LEAKY_KEY, models: ['echo'] });
  await newPrompt(page, { name: 'limited', title: 'Limited model' }, 'Say hello');
  await saveVersion(page, 'v1', 1);

  await nav(page, 'Chat');
  await page.getByRole('button', { name: 'Run Limited model' }).click();
  await page.getByLabel('Model').selectOption('fake:error-429');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const conversation = page.getByRole('region', { name: 'Conversation' });
  await expect(conversation.getByRole('article', { name: 'Answer 1' }).getByRole('alert')).toContainText('retry after 7 s');
  await screenshot(page, 'chat-rate-limited');

  // The provider refuses the stored key and quotes it: the chat shows it redacted.
  await page.getByRole('button', { name: 'All prompts' }).click();
  await page.getByRole('button', { name: 'Run Limited model' }).click();
  await page.getByLabel('Model').selectOption('leaky:echo');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const alert = page.getByRole('region', { name: 'Conversation' }).getByRole('article', { name: 'Answer 1' }).getByRole('alert');
  await expect(alert).toContainText('Incorrect API key provided: [redacted]');
  await expect(page.locator('body')).not.toContainText(LEAKY_KEY.slice(8));
  await screenshot(page, 'chat-key-redacted');
});

test('test panel: a rate-limited model says when to retry', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['error-429'] });
  await newPrompt(page, { name: 'limited', title: 'Limited model' }, 'Say hello');
  await saveVersion(page, 'v1', 1);
  const panel = page.getByRole('region', { name: 'Test', exact: true });
  await panel.getByRole('checkbox', { name: 'fake:error-429' }).check();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.getByRole('article', { name: 'Result from fake:error-429' })).toContainText('retry after 7 s');
  await panel.getByRole('heading', { name: 'Results' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'test-panel-rate-limited');
});

// A zone whose calendar date differs from UTC's right now (Pago Pago is UTC-11 and Kiritimati
// UTC+14, so one of them always does), so a UTC day and the user's day are different days.
const utcHour = new Date().getUTCHours();
const ZONE = utcHour < 11 ? 'Pacific/Pago_Pago' : 'Pacific/Kiritimati';
const dayIn = (zone: string, at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

test.describe('History panel dates', () => {
  test.use({ timezoneId: ZONE });

  test('the days picked are the user’s local days, as in the Logs filters', async ({ page, server }) => {
    await bridge(server, 'prompts:create', { name: 'dated', title: 'Dated prompt' });
    await bridge(server, 'versions:save', { name: 'dated', template: { kind: 'text', text: 'Hello {{x}}' } });
    const promotion = await bridge<Promotion>(server, 'versions:promote', { name: 'dated', number: 1, notes: 'First release' });
    const at = new Date(promotion.promotedAt);
    const localDay = dayIn(ZONE, at);
    const utcDay = at.toISOString().slice(0, 10);
    expect(localDay).not.toBe(utcDay);

    await openApp(page, server);
    await nav(page, 'Library');
    await page.getByRole('link', { name: 'Dated prompt' }).first().click();
    await page.getByRole('tablist').getByRole('tab', { name: 'History' }).click();
    const filters = page.getByRole('group', { name: 'Filter promotions' });
    await filters.getByLabel('From').fill(localDay);
    await filters.getByLabel('To').fill(localDay);
    await expect(page.getByRole('row').filter({ hasText: 'First release' })).toBeVisible();
    await screenshot(page, 'history-local-day');

    // The same calendar date read as a UTC day is another day here: nothing was promoted on it.
    await filters.getByLabel('From').fill('');
    await filters.getByLabel('To').fill('');
    await filters.getByLabel('From').fill(utcDay);
    await filters.getByLabel('To').fill(utcDay);
    await expect(page.getByRole('heading', { name: 'No promotions match' })).toBeVisible();
  });
});
