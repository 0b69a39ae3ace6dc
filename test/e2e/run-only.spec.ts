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

// Every template word carries the mark, so any of its text on screen is found.
const MARK = 'CONFIDENTIAL';

test('a Chat-only prompt runs for a member without showing its text: chat turn and log drawer', async ({ page, server, provider }) => {
  await bridge(server, 'integrations:save', { name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  await bridge(server, 'users:add', { email: 'mia@example.com', name: 'Mia Member' });
  await bridge(server, 'prompts:create', { name: 'house-style', title: 'House style' });
  await bridge(server, 'versions:save', {
    name: 'house-style',
    template: {
      kind: 'chat',
      messages: [
        { role: 'system', content: `${MARK} rules of the house style` },
        { role: 'user', content: `${MARK} rewrite {{draft}}` },
      ],
    },
    commitMessage: 'v1',
  });
  await bridge(server, 'sharing:set-level', { name: 'house-style', level: 'chat_only' });

  await openApp(page, server);
  await switchTo(page, 'Mia Member');
  await nav(page, 'Chat');
  await page.getByRole('button', { name: 'Run House style' }).click();
  await page.getByLabel('draft').fill('my paragraph');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const turns = page.getByRole('region', { name: 'Conversation' }).getByRole('listitem');
  // No display message: the turn shows the member's own values, never the template.
  await expect(turns.first()).toContainText('draft: my paragraph');
  await expect(page.getByRole('article', { name: 'Answer 1' })).toHaveAttribute('aria-busy', 'false');
  await expect(turns.first()).not.toContainText(MARK);
  await screenshot(page, 'chat-run-only-turn');

  await nav(page, 'Logs');
  await page.getByRole('table', { name: /Runs, newest first/ }).locator('tbody tr[data-index]').first().click();
  const drawer = page.getByRole('dialog', { name: 'Run details' });
  await expect(drawer.getByRole('region', { name: 'Variables' })).toContainText('my paragraph');
  await expect(drawer.getByRole('region', { name: 'Messages' })).toContainText('Not shown: you may run this prompt but not read its text');
  await expect(drawer.getByRole('region', { name: 'Messages' })).not.toContainText(MARK);
  await screenshot(page, 'logs-drawer-run-only');

  // The member cannot open the prompt: the drawer names it without a link to its editor (which
  // would end at "no permission" with a useless "Try again") and points to Chat instead.
  await expect(drawer.getByRole('link', { name: 'house-style' })).toHaveCount(0);
  await drawer.getByRole('link', { name: 'Run it in Chat' }).click();
  await expect(page).toHaveURL(/#\/chat$/);
  // Opened by address anyway, the editor says why and offers Chat, not a retry.
  await page.evaluate('window.location.hash = "#/prompts/house-style"');
  await expect(page.getByText('Could not open this prompt')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await screenshot(page, 'run-only-editor-no-permission');
  await page.getByRole('link', { name: 'Go to Chat' }).click();
  await expect(page).toHaveURL(/#\/chat$/);
});
