import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, startServer, test, type Server } from './fixtures';
import { bridge } from './flows';
import { linkDesktopFolder } from './team-link';

/**
 * Attack 14b N3 / 14c L4: on a joined desktop, Settings → Members disables Deactivate for a
 * member the team replicated (the core marks it managedByTeam; its change is refused at every
 * door), and says where to change it; the folder's own member still deactivates.
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

    // Attack 14c L4: no Deactivate the core would refuse; the row says where the change is made.
    const adaRow = page.getByRole('row', { name: /Ada Author/ });
    await expect(adaRow).toContainText('Active');
    await expect(adaRow.getByRole('button', { name: 'Deactivate Ada Author' })).toBeDisabled();
    await expect(adaRow.getByRole('button', { name: 'Deactivate Ada Author' })).toHaveAttribute('title', 'Change this on the team server');
    await expect(page.getByText('Members who came with the team (their Deactivate is disabled): change this on the team server.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Deactivate Dan Local' })).toBeEnabled();
    await adaRow.scrollIntoViewIfNeeded();
    await screenshot(page, 'team-member-managed');

    await page.getByRole('button', { name: 'Deactivate Dan Local' }).click();
    await expect(page.getByRole('button', { name: 'Reactivate Dan Local' })).toBeVisible();
  } finally {
    await desk?.stop();
    await team?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
