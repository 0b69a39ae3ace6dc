import { chmodSync } from 'node:fs';
import { expect, openApp, screenshot, test } from './fixtures';
import { nav } from './flows';

test.skip(process.platform === 'win32', 'POSIX modes only: Windows relies on the profile folder ACLs');

test('Settings warns when other users can read the data folder, with the chmod that fixes it', async ({ page, server, dataDir }) => {
  chmodSync(dataDir, 0o755);
  await openApp(page, server);
  await nav(page, 'Settings');
  const warnings = page.getByRole('list', { name: 'Data folder warnings' });
  await expect(warnings).toContainText(`chmod 700 "${dataDir}"`);
  await warnings.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-storage-warning');

  // Fixed outside the app: the warning goes with the next look at Settings.
  chmodSync(dataDir, 0o700);
  await page.reload();
  await expect(page.locator('html[data-app-ready="true"]')).toBeAttached();
  await nav(page, 'Settings');
  await expect(page.getByRole('heading', { name: 'Workspace' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Data folder warnings' })).toHaveCount(0);
});
