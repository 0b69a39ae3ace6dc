import { expect, openApp, screenshot, test } from './fixtures';
import { newPrompt, saveVersion } from './flows';

test('the editor flags a Windows path that escapes a variable, and the doubled backslash renders the path', async ({ page, server }) => {
  await openApp(page, server);
  await newPrompt(page, { name: 'home-folder', title: 'Home folder' }, 'Open the folder\nC:\\Users\\{{user}}\\Desktop');
  const variables = page.getByRole('complementary').filter({ has: page.getByRole('heading', { name: 'Variables' }) });
  // The problem is shown next to the template as it is typed, with its line and column.
  await expect(variables.getByText('Line 2, column 9:')).toBeVisible();
  await expect(variables).toContainText('write "\\\\{{user}}" for a backslash followed by the value');
  await screenshot(page, 'editor-windows-path-flagged');

  // The fix the message suggests: the warning goes, the variable is detected, the preview shows the path.
  const editor = page.getByLabel('Template');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('Open the folder\nC:\\Users\\\\{{user}}\\Desktop');
  await expect(variables.getByText('Line 2, column 9:')).toBeHidden();
  await variables.getByLabel('Example for user').fill('ada');
  await expect(page.getByText('C:\\Users\\ada\\Desktop')).toBeVisible();
  await saveVersion(page, 'home folder', 1);
  await screenshot(page, 'editor-windows-path-fixed');
});

test('the editor refuses __proto__ as a variable name, with its line and column', async ({ page, server }) => {
  await openApp(page, server);
  await newPrompt(page, { name: 'proto-name', title: 'Proto name' }, 'Hello\n  {{__proto__}}');
  const variables = page.getByRole('complementary').filter({ has: page.getByRole('heading', { name: 'Variables' }) });
  await expect(variables.getByText('Line 2, column 3:')).toBeVisible();
  await expect(variables).toContainText('"__proto__" cannot be a variable name');
  await screenshot(page, 'editor-reserved-variable-name');
});
