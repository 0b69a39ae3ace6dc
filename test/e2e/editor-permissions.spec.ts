import type { PromptVersion } from '../../src/shared/schemas/prompts';
import { expect, openApp, screenshot, test } from './fixtures';
import { addIntegration, addMember, bridge, nav, newPrompt, saveVersion, switchTo } from './flows';

// Nothing answers here: these tests only pick models, they never run one.
const NO_PROVIDER = 'http://127.0.0.1:9/v1';

test('after creating a prompt the template has focus; models are picked from the integrations, with a warning for an unknown one', async ({ page, server }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: NO_PROVIDER, models: ['echo', 'slow-thinker'] });

  await nav(page, 'Library');
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New prompt' });
  await dialog.getByLabel('Name').fill('haiku');
  await dialog.getByLabel('Title').fill('Haiku');
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  // No click into the editor: typing goes straight into the template.
  await expect(page.getByLabel('Template')).toBeFocused();
  await page.keyboard.insertText('Write a haiku about {{topic}}.');
  await expect(page.getByLabel('Template')).toHaveText('Write a haiku about {{topic}}.');

  // Search the known models and pick one.
  const picker = page.getByRole('combobox', { name: 'Models' });
  await picker.fill('slow');
  const options = page.getByRole('listbox', { name: 'Known models' }).getByRole('option');
  await expect(options).toHaveText(['fake:slow-thinker']);
  await options.first().click();
  const chosen = page.getByRole('list', { name: 'Chosen models' });
  await expect(chosen.locator('.model-chip__name')).toHaveText(['fake:slow-thinker']);
  await expect(picker).toHaveValue('');

  // Enter with one suggestion picks it (not the typed fragment as a chip).
  await picker.fill('ech');
  await picker.press('Enter');
  await expect(chosen.locator('.model-chip__name')).toHaveText(['fake:slow-thinker', 'fake:echo']);
  await expect(picker).toHaveValue('');
  await chosen.getByRole('button', { name: 'Remove model fake:echo' }).click();
  // Keyboard: arrow down to a suggestion, Enter picks it.
  await picker.fill('ech');
  await picker.press('ArrowDown');
  await picker.press('Enter');
  await expect(chosen.locator('.model-chip__name')).toHaveText(['fake:slow-thinker', 'fake:echo']);
  // Text that is neither a suggestion nor integration:model is not added: a message at the field.
  await picker.fill('zzz');
  await picker.press('Enter');
  await expect(chosen.locator('.model-chip__name')).toHaveText(['fake:slow-thinker', 'fake:echo']);
  await expect(picker).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('"zzz" is not a model: write it as integration:model, e.g. openai:gpt-4o')).toBeVisible();
  await picker.scrollIntoViewIfNeeded();
  await screenshot(page, 'editor-model-picker-refused');

  // Free text for a model the provider does not list: allowed, only noted.
  await picker.fill('fake:echo-preview');
  await picker.press('Enter');
  // An integration that does not exist: allowed too, with the core's warning beside it.
  await picker.fill('nowhere:gpt-5');
  await picker.press('Enter');
  await expect(chosen.locator('.model-chip__name')).toHaveText(['fake:slow-thinker', 'fake:echo', 'fake:echo-preview', 'nowhere:gpt-5']);
  const warnings = page.getByRole('list', { name: 'Model warnings' });
  await expect(warnings).toContainText('nowhere:gpt-5: There is no integration named "nowhere"');
  await expect(warnings).toContainText('"fake" does not list echo-preview');
  await expect(warnings).not.toContainText('slow-thinker');
  await picker.scrollIntoViewIfNeeded();
  await screenshot(page, 'editor-model-picker');

  // Remove one, save: the version keeps the models as chosen.
  await chosen.getByRole('button', { name: 'Remove model fake:echo-preview' }).click();
  await saveVersion(page, 'with models', 1);
  const saved = await bridge<PromptVersion>(server, 'versions:get', { name: 'haiku', number: 1 });
  expect(saved.modelSettings.models).toEqual(['fake:slow-thinker', 'fake:echo', 'nowhere:gpt-5']);
});

test('a view-only member sees a read-only editor: no Save, no commit dialog, cannot type', async ({ page, server, apiKey }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: NO_PROVIDER, models: ['echo'] });
  await addMember(page, 'Bob Member', 'bob@example.com');

  await nav(page, 'Library');
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New prompt' });
  await dialog.getByLabel('Name').fill('policy');
  await dialog.getByLabel('Title').fill('Refund policy');
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  await expect(page.getByLabel('Template')).toBeFocused();
  await page.keyboard.insertText('Explain the refund policy to {{customer}}.');
  await page.getByRole('combobox', { name: 'Models' }).fill('fake:echo');
  await page.getByRole('combobox', { name: 'Models' }).press('Enter');
  await saveVersion(page, 'first', 1);
  await page.getByRole('tablist').getByRole('tab', { name: 'Sharing' }).click();
  await page.getByLabel('Share with').fill('bob@example.com');
  await page.getByLabel('Permission', { exact: true }).selectOption({ label: 'Can view' });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('cell', { name: 'bob@example.com' })).toBeVisible();

  await switchTo(page, 'Bob Member');
  await page.evaluate('window.location.hash = "#/prompts/policy"');
  const template = page.getByLabel('Template');
  await expect(template).toHaveText('Explain the refund policy to {{customer}}.');

  // Says why, in the words of the Sharing and API tabs; offers no way to save. A "Can view"
  // share on a private prompt reads but does not run (the core's `allowed`): no testing promised.
  await expect(page.getByRole('note')).toHaveText(/Read only: you can read this prompt, not run or change it\./);
  const testPanel = page.getByRole('region', { name: 'Test', exact: true });
  await expect(testPanel).toContainText('You may read this prompt but not run it');
  await expect(testPanel.getByRole('button', { name: 'Run', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Promote/ })).toHaveCount(0);
  await expect(template).toHaveAttribute('aria-readonly', 'true');
  await expect(template).toHaveAttribute('contenteditable', 'false');

  // Typing changes nothing, and Ctrl+S opens no commit dialog.
  await template.click();
  await page.keyboard.insertText('Bob was here ');
  await page.keyboard.press('ControlOrMeta+s');
  await expect(page.getByRole('dialog', { name: 'Save version' })).toHaveCount(0);
  await expect(template).toHaveText('Explain the refund policy to {{customer}}.');
  await expect(page.getByRole('tab', { name: 'Editor' })).not.toContainText('Unsaved');
  await expect(page.getByLabel('Description for customer')).toHaveAttribute('readonly', '');
  await expect(page.getByLabel('Display message')).toHaveAttribute('readonly', '');
  await expect(page.getByRole('button', { name: 'Chat', exact: true })).toBeDisabled();
  // The models show, without a way to change them.
  await expect(page.getByRole('list', { name: 'Chosen models' }).getByRole('listitem')).toHaveText(['fake:echo']);
  await expect(page.getByRole('combobox', { name: 'Models' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Remove model/ })).toHaveCount(0);
  await screenshot(page, 'editor-view-only');

  // The other tabs say the same in their own words.
  await page.getByRole('tablist').getByRole('tab', { name: 'Sharing' }).click();
  await expect(page.getByText('Only the owner or an admin can change sharing')).toBeVisible();
  await page.getByRole('tablist').getByRole('tab', { name: 'API' }).click();
  await expect(page.getByText('Only the owner or an admin can change API access')).toBeVisible();
  // Readiness: who may tick each manual item is said on that item (editing, or sharing for access).
  await page.getByRole('tablist').getByRole('tab', { name: 'Readiness' }).click();
  const checklist = page.getByRole('list', { name: 'Readiness checklist' });
  const readinessRow = (title: RegExp) => checklist.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
  await expect(page.getByText('You can read this checklist but not tick its items: each item says who can')).toBeVisible();
  await expect(readinessRow(/Edge cases/)).toContainText('Only people who can edit this prompt can tick this item.');
  await expect(readinessRow(/Chat and library access/)).toContainText('Only the owner or an admin (who can change sharing) can tick this item.');
  await screenshot(page, 'readiness-view-only');

  // Nothing was saved by Bob.
  await switchTo(page, 'root', apiKey);
  const versions = await bridge<unknown[]>(server, 'versions:list', { name: 'policy' });
  expect(versions).toHaveLength(1);
});

test('the API tab shows the /run call beside /render and says which one appears in Logs', async ({ page, server }) => {
  await openApp(page, server);
  await newPrompt(page, { name: 'greeter', title: 'Greeter' }, 'Greet {{person}}.');
  await saveVersion(page, 'first', 1);
  await page.getByRole('tablist').getByRole('tab', { name: 'API' }).click();

  const endpoint = page.getByRole('region', { name: 'Endpoint' });
  await expect(endpoint).toContainText(`POST${server.url}/api/v1/prompts/greeter/render`);
  await expect(endpoint).toContainText(`POST${server.url}/api/v1/prompts/greeter/run`);
  await expect(endpoint).toContainText('Not logged Render fills in the template and returns the messages. No model is called, and it does not appear in Logs.');
  await expect(endpoint).toContainText('In Logs Run fills in the template, calls the model and returns its answer. Every run appears in Logs');

  // The snippet follows the Call switch, and the hint under it says what that call does.
  const call = page.getByRole('group', { name: 'Call' });
  const snippets = page.getByRole('region', { name: 'Call it' });
  await expect(call.getByRole('button', { name: 'Render' })).toHaveAttribute('aria-pressed', 'true');
  await expect(snippets.locator('pre')).toContainText('/prompts/greeter/render');
  await expect(snippets.getByRole('status').first()).toHaveText(/does not appear in Logs/);
  await call.getByRole('button', { name: 'Run' }).click();
  await expect(call.getByRole('button', { name: 'Run' })).toHaveAttribute('aria-pressed', 'true');
  await expect(snippets.locator('pre')).toContainText('/prompts/greeter/run');
  await expect(snippets.getByRole('status').first()).toHaveText(/Every run appears in Logs/);
  await page.getByLabel('Snippet language').selectOption('python');
  await expect(snippets.locator('pre')).toContainText('print(response.json()["output"])');
  await screenshot(page, 'prompt-api-tab-run');
});

test('the test panel keeps its chosen models across tab switches, other prompts and reloads', async ({ page, server }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'fake', baseUrl: NO_PROVIDER, models: ['echo', 'slow'] });
  await newPrompt(page, { name: 'other', title: 'Other' }, 'Something else.');
  await saveVersion(page, 'first', 1);
  await newPrompt(page, { name: 'haiku', title: 'Haiku' }, 'Write a haiku about {{topic}}.');
  await saveVersion(page, 'first', 1);

  const panel = page.getByRole('region', { name: 'Test', exact: true });
  const echo = panel.getByRole('checkbox', { name: 'fake:echo' });
  const slow = panel.getByRole('checkbox', { name: 'fake:slow' });
  await expect(echo).toBeChecked();
  await slow.check();
  await echo.uncheck();
  const expectChoice = async () => {
    await expect(slow).toBeChecked();
    await expect(echo).not.toBeChecked();
  };

  await page.getByRole('tablist').getByRole('tab', { name: 'Versions' }).click();
  await page.getByRole('tablist').getByRole('tab', { name: 'Editor' }).click();
  await expectChoice();

  await nav(page, 'Library');
  await page.getByRole('link', { name: 'Other' }).click();
  await expect(page.getByRole('heading', { name: 'Other', level: 1 })).toBeVisible();
  // Another prompt has its own choice.
  await expect(echo).toBeChecked();
  await nav(page, 'Library');
  await page.getByRole('link', { name: 'Haiku' }).click();
  await expectChoice();

  await page.reload();
  await expect(page.locator('html[data-app-ready="true"]')).toBeAttached();
  await expectChoice();
});
