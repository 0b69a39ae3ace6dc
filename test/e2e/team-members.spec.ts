import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, startServer, test, type Server } from './fixtures';
import { bridge } from './flows';
import { linkDesktopFolder } from './team-link';

/**
 * Attack 14b N3: on a joined desktop, Settings → Members refuses to deactivate a member the team
 * replicated, with the rule's words beside the action and nothing changed; the folder's own
 * member still deactivates.
 */
test('members on a joined desktop: a team member is changed on the team server, a local one here', async ({ page }) => {
  const dirs = [mkdtempSync(join(tmpdir(), 'promptdesk-team-')), mkdtempSync(join(tmpdir(), 'promptdesk-desk-'))];
  const [teamDir, deskDir] = dirs as [string, string];
  let team: Server | null = null;
  let desk: Server | null = null;
  try {
    team = await startServer(teamDir);
    const ada = await bridge<{ id: string; email: string }>(team, 'users:add', { email: 'ada@example.com', name: 'Ada Author' });
    const { key } = await bridge<{ key: string }>(team, 'keys:create', { userEmail: ada.email, label: 'desktop' });
    linkDesktopFolder(deskDir, team.url, ada, key);
    desk = await startServer(deskDir);
    await bridge(desk, 'users:add', { email: 'dan@example.com', name: 'Dan Local' });
    await openApp(page, desk);
    await expect(page.getByRole('region', { name: 'Team sync' }).getByRole('status')).toHaveText('Online');
    await page.goto(`${desk.url}/#/settings`);

    await page.getByRole('button', { name: 'Deactivate Ada Author' }).click();
    await expect(page.getByText('Change members on the team server: a change made on this desktop is not sent to the team')).toBeVisible();
    await expect(page.getByRole('row', { name: /Ada Author/ })).toContainText('Active');
    await expect(page.getByRole('button', { name: 'Deactivate Ada Author' })).toBeVisible();
    await page.getByRole('button', { name: 'Deactivate Ada Author' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'team-member-refused');

    await page.getByRole('button', { name: 'Deactivate Dan Local' }).click();
    await expect(page.getByRole('button', { name: 'Reactivate Dan Local' })).toBeVisible();
  } finally {
    await desk?.stop();
    await team?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
