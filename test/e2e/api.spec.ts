import { expect, openApp, screenshot, test } from './fixtures';
import { nav } from './flows';


test('a key made in Settings calls a prompt turned on in its API tab; revoking it stops it', async ({ page, server }) => {
  await openApp(page, server);
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New prompt' });
  await dialog.getByLabel('Name').fill('greeter');
  await dialog.getByLabel('Title').fill('Greeter');
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  await page.getByLabel('Template').click();
  await page.keyboard.insertText('Greet {{person}} warmly.');
  await page.getByLabel('Example for person').fill('Grace');
  await page.keyboard.press('ControlOrMeta+s');
  await page.getByRole('dialog', { name: 'Save version' }).getByLabel('Commit message').fill('v1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Saved version 1' })).toBeVisible();

  // A key, shown once.
  await nav(page, 'Settings');
  await page.getByLabel('Label', { exact: true }).fill('e2e script');
  await page.getByRole('button', { name: 'Create key' }).click();
  const created = page.getByRole('dialog', { name: 'API key created' });
  const key = await created.getByLabel('New API key').inputValue();
  expect(key).toMatch(/^pd_/);
  await screenshot(page, 'settings-key-created');
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText(key)).toHaveCount(0);

  const render = () =>
    fetch(`${server.url}/api/v1/prompts/greeter/render`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { person: 'Grace' } }),
    });
  // API access starts off: the prompt does not exist for API callers.
  expect((await render()).status).toBe(404);

  await nav(page, 'Library');
  await page.getByRole('link', { name: 'Greeter' }).click();
  await page.getByRole('tablist').getByRole('tab', { name: 'API' }).click();
  // The hint under each switch describes the state it is in, not the opposite one.
  await expect(page.getByRole('switch', { name: 'API access' })).toHaveAccessibleDescription('Off: API callers get 404 for this prompt.');
  await page.getByRole('switch', { name: 'API access' }).click();
  await expect(page.getByText('API access on')).toBeVisible();
  await expect(page.getByRole('switch', { name: 'API access' })).toHaveAccessibleDescription(/^On: /);
  await page.getByLabel('Snippet language').selectOption({ label: 'curl' });
  await expect(page.locator('pre').filter({ hasText: 'curl' })).toContainText('"person"');
  await expect(page.locator('pre').filter({ hasText: 'curl' })).toContainText('Grace');
  await screenshot(page, 'prompt-api-tab');
  const ok = await render();
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as { text: string }).text).toBe('Greet Grace warmly.');

  // Revoke: the next request is refused.
  await nav(page, 'Settings');
  await page.getByRole('button', { name: 'Revoke e2e script' }).click();
  await page.getByRole('dialog', { name: 'Revoke key e2e script?' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('cell', { name: 'Revoked' })).toBeVisible();
  expect((await render()).status).toBe(401);
  await screenshot(page, 'settings-keys');
});
