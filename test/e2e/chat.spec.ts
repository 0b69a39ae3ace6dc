import type { LogPage } from '../../src/shared/schemas/logs';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { addIntegration, addMember, bridge, chooseSharingLevel, nav, newPrompt, saveVersion, switchTo } from './flows';

const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider();
    await use(provider);
    await provider.close();
  },
});




const TEMPLATE =
  'Act as a meticulous travel agent. Write a detailed three-day plan for {{city}}, with morning, afternoon and evening sections.';

test('a prompt runs from the chat launcher: display message, streamed answer, reply, stop, rating', async ({ page, server, provider }) => {
  await openApp(page, server);

  // Before any integration, the launcher says why nothing can run yet.
  await nav(page, 'Chat');
  await expect(page.getByRole('heading', { name: 'No model available' })).toBeVisible();
  await screenshot(page, 'chat-launcher-no-model');
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['echo', 'slow'] });

  // A prompt with a variable and a short display message for the chat.
  await newPrompt(page, { name: 'trip-planner', title: 'Trip planner' }, TEMPLATE);
  await page.getByLabel('Description for city').fill('Where you are going');
  await page.getByLabel('Example for city').fill('Lisbon');
  await page.getByLabel('Display message').fill('Plan my trip to {{city}}');
  await saveVersion(page, 'v1', 1);

  // The launcher opens the run form: the variable with its help, the models to choose from.
  await nav(page, 'Chat');
  await expect(page.getByRole('heading', { name: 'No model available' })).toHaveCount(0);
  await screenshot(page, 'chat-launcher');
  await page.getByRole('button', { name: 'Run Trip planner' }).click();
  await expect(page.getByRole('heading', { name: 'Trip planner', level: 1 })).toBeVisible();
  const city = page.getByLabel('city');
  await expect(city).toHaveAttribute('placeholder', 'Lisbon');
  await expect(city).toHaveAccessibleDescription('Where you are going');
  await expect(page.getByLabel('Model')).toHaveValue('fake:echo');
  await expect(city).toBeFocused();
  // A required variable left empty: the message sits next to it.
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(city).toHaveAttribute('aria-invalid', 'true');
  await expect(city).toHaveAccessibleDescription(/Missing value for variable "city"/);
  await city.fill('Porto');
  await expect(city).not.toHaveAttribute('aria-invalid', 'true');
  await screenshot(page, 'chat-run-form');

  // Ctrl/Cmd+Enter runs. The member's turn is the display message, not the rendered prompt.
  await city.press('ControlOrMeta+Enter');
  const log = page.getByRole('region', { name: 'Conversation' });
  const turns = log.getByRole('listitem');
  await expect(turns.first()).toContainText('Plan my trip to Porto');
  await expect(turns.first()).not.toContainText('meticulous');
  const first = log.getByRole('article', { name: 'Answer 1' });
  await expect(first).toContainText('Echo: Act as a meticulous travel agent. Write a detailed three-day plan for Porto');
  await expect(first).toContainText('evening sections.');
  await expect(first).toHaveAttribute('aria-busy', 'false');
  await expect(first.getByRole('definition').first()).toHaveText(/^\d+$/); // tokens in
  await expect(first).toContainText(/Latency\s*\d+(\.\d)?\s*(ms|s)/);
  expect(provider.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
  await screenshot(page, 'chat-answer');

  // A reply continues the same conversation.
  await page.getByLabel('Reply').fill('Make day two about food');
  await page.getByLabel('Reply').press('ControlOrMeta+Enter');
  await expect(turns.nth(2)).toContainText('Make day two about food');
  const second = log.getByRole('article', { name: 'Answer 2' });
  await expect(second).toContainText('Echo: Make day two about food');
  await expect(page.getByLabel('Reply')).toHaveValue('');
  const lastRequest = provider.requests.at(-1)?.body as { messages: { role: string; content: unknown }[] };
  expect(lastRequest.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);

  // Rating: Useful is pressed, a comment field appears and is saved with it.
  await second.getByRole('button', { name: 'Useful', exact: true }).click();
  await expect(second.getByRole('button', { name: 'Useful', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(second.getByRole('button', { name: 'Not useful' })).toHaveAttribute('aria-pressed', 'false');
  await expect(second.getByRole('status')).toHaveText('Thanks, rating saved');
  await second.getByLabel('Comment (optional)').fill('Good food tips');
  await second.getByRole('button', { name: 'Save comment' }).click();
  await expect(second.getByRole('status')).toHaveText('Comment saved');
  await screenshot(page, 'chat-rated');
  const logs = await bridge<LogPage>(server, 'logs:list', { prompt: 'trip-planner' });
  const rated = logs.items.find((entry) => entry.rating !== null);
  expect(rated).toMatchObject({ rating: 'useful', ratingComment: 'Good food tips', source: 'chat', status: 'success' });

  // A new chat with the slow model: Stop keeps the partial answer, marked Stopped.
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(log).toHaveCount(0);
  await expect(city).toHaveValue('Porto');
  await city.fill(`Porto ${'and the Douro valley '.repeat(30)}`);
  await page.getByLabel('Model').selectOption('fake:slow');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const slow = log.getByRole('article', { name: 'Answer 1' });
  await expect(slow).toContainText('Echo: Act as');
  await expect(slow).toHaveAttribute('aria-busy', 'true');
  await screenshot(page, 'chat-streaming');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(slow.getByText('Stopped', { exact: true })).toBeVisible();
  await expect(slow).toHaveAttribute('aria-busy', 'false');
  await expect(slow).toContainText('Echo: Act as');
  await expect(slow).not.toContainText('evening sections.');
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  await screenshot(page, 'chat-stopped');

  // Back to the launcher.
  await page.getByRole('button', { name: 'All prompts' }).click();
  await expect(page.getByRole('heading', { name: 'Prompts you can run' })).toBeVisible();
});

test('a provider error shows in the conversation with the provider message', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['error-500'] });
  await newPrompt(page, { name: 'broken', title: 'Broken model' }, 'Say hello');
  await saveVersion(page, 'v1', 1);

  await nav(page, 'Chat');
  await page.getByRole('button', { name: 'Run Broken model' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const answer = page.getByRole('region', { name: 'Conversation' }).getByRole('article', { name: 'Answer 1' });
  await expect(answer.getByRole('alert')).toContainText('Fake provider: internal server error');
  await expect(answer.getByRole('button', { name: 'Useful', exact: true })).toHaveCount(0);
  await screenshot(page, 'chat-provider-error');
});

test('Chat only: a member runs it from the chat launcher and sees only the display message', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  await addMember(page, 'Bob Member', 'bob@example.com');

  await newPrompt(page, { name: 'support-reply', title: 'Support reply', description: 'Drafts a polite answer to a customer' }, 'Internal policy: refunds within 30 days. Answer the customer question: {{question}}');
  await page.getByLabel('Display message').fill('Help me answer: {{question}}');
  await saveVersion(page, 'v1', 1);
  await page.getByRole('tablist').getByRole('tab', { name: 'Sharing' }).click();
  await chooseSharingLevel(page, 'Chat only');

  await switchTo(page, 'Bob Member');

  await nav(page, 'Chat');
  await page.getByRole('button', { name: 'Run Support reply' }).click();
  await expect(page.getByText('Drafts a polite answer to a customer')).toBeVisible();
  await page.getByLabel('question').fill('Can I return my shoes?');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const log = page.getByRole('region', { name: 'Conversation' });
  await expect(log.getByRole('listitem').first()).toHaveText(/Help me answer: Can I return my shoes\?$/);
  await expect(log.getByRole('listitem').first()).not.toContainText('Internal policy');
  await expect(log.getByRole('article', { name: 'Answer 1' })).toContainText('Can I return my shoes?');
  await expect(log.getByRole('article', { name: 'Answer 1' }).getByRole('button', { name: 'Useful', exact: true })).toBeVisible();
  await screenshot(page, 'chat-member-chat-only');
});
