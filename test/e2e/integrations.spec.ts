import { osUser } from '../../src/main/core/workspace';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { nav, switchTo } from './flows';

const PROVIDER_KEY = 'sk-test-123';

const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider({ apiKey: PROVIDER_KEY });
    await use(provider);
    await provider.close();
  },
});

const ADMIN = osUser().name;



test('an admin adds a provider in Settings: tests it, takes its models, and the key is never shown again', async ({ page, server, provider, apiKey }) => {
  await openApp(page, server);
  await nav(page, 'Settings');
  const section = page.getByRole('region', { name: 'Integrations' });
  await expect(section.getByText('No integrations yet.')).toBeVisible();
  await section.getByRole('button', { name: 'Add integration' }).click();

  const dialog = page.getByRole('dialog', { name: 'Add integration' });
  await dialog.getByLabel('Name').fill('local');
  await expect(dialog.getByLabel('Kind')).toHaveValue('openai-compatible');
  await expect(dialog.getByLabel('Base URL')).toHaveAttribute('placeholder', 'https://api.openai.com/v1');

  // Choosing Anthropic fills in its URL; back to OpenAI-compatible the presets offer local servers.
  await dialog.getByLabel('Kind').selectOption({ label: 'Anthropic' });
  await expect(dialog.getByLabel('Base URL')).toHaveValue('https://api.anthropic.com/v1');
  await dialog.getByLabel('Kind').selectOption({ label: 'OpenAI-compatible' });
  await expect(dialog.getByLabel('Base URL')).toHaveValue('');
  await dialog.getByRole('button', { name: 'Ollama' }).click();
  await expect(dialog.getByLabel('Base URL')).toHaveValue('http://127.0.0.1:11434/v1');
  await expect(dialog.getByRole('button', { name: 'Ollama' })).toHaveAttribute('aria-pressed', 'true');

  // A bad base URL: the message sits next to the field and the dialog keeps what was typed.
  await dialog.getByLabel('Base URL').fill('not a url');
  await dialog.getByRole('button', { name: 'Add integration' }).click();
  await expect(dialog.getByLabel('Base URL')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByLabel('Base URL')).toHaveAccessibleDescription(/URL/);
  await expect(dialog.getByLabel('Name')).toHaveValue('local');
  await screenshot(page, 'settings-integration-bad-url');

  // A wrong key: the provider's own error, with the time it took.
  await dialog.getByLabel('Base URL').fill(`${provider.url}/v1`);
  await expect(dialog.getByLabel('Base URL')).not.toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('API key').fill('sk-wrong-999');
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  const testStatus = dialog.getByRole('status', { name: 'Connection test' });
  await expect(testStatus).toContainText('Test failed');
  await expect(testStatus).toContainText(/incorrect API key/i);
  await expect(testStatus).toContainText(/\d+ ms/);
  await expect(dialog.getByRole('button', { name: /^Use \d+ models? from the provider$/ })).toHaveCount(0);
  await screenshot(page, 'settings-integration-wrong-key');

  // The right key: success, and the provider's models are offered.
  await dialog.getByLabel('API key').fill(PROVIDER_KEY);
  await expect(testStatus).toBeEmpty();
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(testStatus).toContainText('Test passed');
  await expect(testStatus).toContainText(/\d+ ms/);
  const useModels = dialog.getByRole('button', { name: 'Use 8 models from the provider' });
  await expect(useModels).toBeVisible();
  await screenshot(page, 'settings-integration-tested');
  await useModels.click();
  await expect(useModels).toHaveCount(0);
  const models = dialog.getByRole('list', { name: 'Models' }).getByRole('listitem');
  await expect(models).toHaveCount(8);
  await expect(models.first()).toContainText('echo');

  // The list is editable by hand: remove one, add one with Enter.
  await dialog.getByRole('button', { name: 'Remove model redirect' }).click();
  await dialog.getByLabel('Add model').fill('extra-model');
  await dialog.getByLabel('Add model').press('Enter');
  await expect(models).toHaveCount(8);
  await expect(models.last()).toContainText('extra-model');
  await expect(dialog).toBeVisible(); // Enter added the model, it did not submit the form

  await dialog.getByRole('radio', { name: 'Selected members' }).check();
  await expect(dialog.getByText('Admins may always use every integration.')).toBeVisible();
  await dialog.getByRole('radio', { name: 'Everyone' }).check();
  await screenshot(page, 'settings-integration-form');

  await dialog.getByRole('button', { name: 'Add integration' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByRole('status').filter({ hasText: 'Added integration local' })).toBeVisible();

  // The row shows a hint of the key, never the key.
  const row = page.getByRole('table', { name: 'Integrations' }).getByRole('row').filter({ hasText: 'local' });
  await expect(row).toContainText('OpenAI-compatible');
  await expect(row).toContainText(`${provider.url}/v1`);
  await expect(row).toContainText('…');
  await expect(row).toContainText('8 models');
  await expect(row).toContainText('Everyone');
  expect(await page.content()).not.toContain(PROVIDER_KEY);
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-integrations');

  // A member to give access to.
  await page.getByLabel('Name', { exact: true }).fill('Bob Member');
  await page.getByLabel('Email', { exact: true }).fill('bob@example.com');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added Bob Member' })).toBeVisible();

  // Editing: an empty key field keeps (and tests with) the stored key.
  await section.getByRole('button', { name: 'Edit local' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit integration local' });
  await expect(edit.getByLabel('API key')).toHaveValue('');
  await expect(edit.getByLabel('API key')).toHaveAccessibleDescription(/is kept when this is left empty/);
  await edit.getByRole('button', { name: 'Test connection' }).click();
  await expect(edit.getByRole('status', { name: 'Connection test' })).toContainText('Test passed');
  expect(await page.content()).not.toContain(PROVIDER_KEY);
  expect(provider.requests.at(-1)?.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
  await screenshot(page, 'settings-integration-edit');
  await edit.getByRole('radio', { name: 'Selected members' }).check();
  await edit.getByRole('checkbox', { name: /Bob Member/ }).check();
  await edit.getByRole('radio', { name: 'Selected members' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-integration-access');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('1 member');
  await expect(row).toContainText('…');
  expect(await page.content()).not.toContain(PROVIDER_KEY);

  // Members see the integrations they may use, read-only.
  await switchTo(page, 'Bob Member');
  await nav(page, 'Settings');
  await expect(section.getByText(/Model providers set up by an admin/)).toBeVisible();
  await expect(section.getByText('One integration is available to you.', { exact: false })).toBeVisible();
  await expect(section.getByRole('status').filter({ hasText: 'Saved integration local' })).toHaveCount(0);
  await expect(row).toContainText('OpenAI-compatible');
  await expect(section.getByRole('button', { name: 'Add integration' })).toHaveCount(0);
  await expect(section.getByRole('button', { name: 'Edit local' })).toHaveCount(0);
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-integrations-member');
  await switchTo(page, ADMIN, apiKey);
  await nav(page, 'Settings');

  // Deleting asks first.
  await section.getByRole('button', { name: 'Delete local' }).click();
  await page.getByRole('dialog', { name: 'Delete integration local?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(section.getByRole('status').filter({ hasText: 'Deleted integration local' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Integrations' })).toHaveCount(0);
  await expect(section.getByText('No integrations yet.')).toBeVisible();
});

test('saved right after a passing Test connection, the integration keeps the models the provider listed', async ({ page, server, provider }) => {
  await openApp(page, server);
  await nav(page, 'Settings');
  const section = page.getByRole('region', { name: 'Integrations' });
  await section.getByRole('button', { name: 'Add integration' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add integration' });
  await dialog.getByLabel('Name').fill('quick');
  await dialog.getByLabel('Base URL').fill(`${provider.url}/v1`);
  await dialog.getByLabel('API key').fill(PROVIDER_KEY);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByRole('status', { name: 'Connection test' })).toContainText('Test passed');
  // Not "Use 8 models": the admin saves at once, as "keep it or edit it by hand" invites. It was
  // saved with no models, and Chat then said "No model available" with an integration in place.
  await dialog.getByRole('button', { name: 'Add integration' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('table', { name: 'Integrations' }).getByRole('row', { name: /quick/ })).toContainText('8 models');
  await nav(page, 'Chat');
  await expect(page.getByRole('heading', { name: 'No model available' })).toHaveCount(0);
});

test('without a secret store the key is stored only when the admin agrees', async ({ page, server, provider }) => {
  // This host has a key file; pretend to be a Linux desktop without a secret store.
  const bridge = (channel: string) => (url: URL) => decodeURIComponent(url.pathname) === `/bridge/${channel}`;
  await page.route(bridge('integrations:secret-storage'), (route) =>
    route.fulfill({ json: { ok: true, value: { backend: 'weak', message: 'No secret store (such as GNOME Keyring) was found.' } } }),
  );
  const saved: unknown[] = [];
  await page.route(bridge('integrations:save'), async (route) => {
    const input = route.request().postDataJSON() as { allowWeakKeyStorage?: boolean };
    saved.push(input);
    if (input.allowWeakKeyStorage) return route.continue();
    // What the host answers when the key would be stored obfuscated without consent.
    return route.fulfill({
      status: 400,
      contentType: 'application/problem+json',
      body: JSON.stringify({ code: 'invalid_input', detail: 'Agree to store the key obfuscated', field: 'allowWeakKeyStorage' }),
    });
  });

  await openApp(page, server);
  await nav(page, 'Settings');
  await page.getByRole('region', { name: 'Integrations' }).getByRole('button', { name: 'Add integration' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add integration' });
  await expect(dialog.getByRole('status').filter({ hasText: 'Keys can only be obfuscated on this system.' })).toBeVisible();
  await dialog.getByLabel('Name').fill('remote');
  await dialog.getByLabel('Base URL').fill(`${provider.url}/v1`);
  await expect(dialog.getByRole('checkbox', { name: 'Store the key anyway' })).toHaveCount(0);
  await dialog.getByLabel('API key').fill(PROVIDER_KEY);
  const consent = dialog.getByRole('checkbox', { name: 'Store the key anyway' });
  await expect(consent).not.toBeChecked();

  await dialog.getByRole('button', { name: 'Add integration' }).click();
  await expect(consent).toHaveAccessibleDescription('Agree to store the key obfuscated');
  await expect(dialog.getByLabel('Name')).toHaveValue('remote');
  await screenshot(page, 'settings-integration-weak-storage');

  await consent.check();
  await expect(consent).not.toHaveAttribute('aria-invalid', 'true');
  await dialog.getByRole('button', { name: 'Add integration' }).click();
  await expect(dialog).toBeHidden();
  expect(saved).toHaveLength(2);
  expect(saved[1]).toMatchObject({ name: 'remote', apiKey: PROVIDER_KEY, allowWeakKeyStorage: true });
  await expect(page.getByRole('table', { name: 'Integrations' }).getByRole('row').filter({ hasText: 'remote' })).toContainText('…');
});
