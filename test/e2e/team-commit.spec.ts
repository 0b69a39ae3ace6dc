import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, startServer, test, type Server } from './fixtures';
import { bridge } from './flows';
import { linkDesktopFolder } from './team-link';

const REASON = 'Change this on the team server';

/**
 * Commit, Unarchive and Pin of a team prompt's versions are the team server's (attack 14 F6,
 * attack 14c L4): on a desktop they are shown disabled with the reason, from the core's own
 * verdict (sharing info's decidedOnTeamServer), never offered and then refused; a personal
 * prompt on the same desktop keeps them.
 */
test('team versions: Commit, Unarchive and Pin are disabled with the reason on a desktop; a personal prompt keeps them', async ({ page }) => {
  const dirs = [mkdtempSync(join(tmpdir(), 'promptdesk-team-')), mkdtempSync(join(tmpdir(), 'promptdesk-desk-'))];
  const [teamDir, deskDir] = dirs as [string, string];
  const team: Server = await startServer(teamDir);
  let desk: Server | null = null;
  try {
    const ada = await bridge<{ id: string; email: string }>(team, 'users:add', { email: 'ada@example.com', name: 'Ada Author' });
    const { key } = await bridge<{ key: string }>(team, 'keys:create', { userEmail: ada.email, label: 'desktop' });
    await bridge(team, 'prompts:create', { name: 'shared-edit', title: 'Shared edit' });
    for (const text of ['Hello {{who}}', 'Hi {{who}}', 'Hey {{who}}']) await bridge(team, 'versions:save', { name: 'shared-edit', template: { kind: 'text', text } });
    await bridge(team, 'versions:promote', { name: 'shared-edit', number: 1 });
    await bridge(team, 'versions:promote', { name: 'shared-edit', number: 2 });
    await bridge(team, 'sharing:set-level', { name: 'shared-edit', level: 'library_edit' });
    linkDesktopFolder(deskDir, team.url, ada, key);
    desk = await startServer(deskDir);
    await bridge(desk, 'prompts:create', { name: 'mine', title: 'Mine' });
    for (const text of ['one {{x}}', 'two {{x}}']) await bridge(desk, 'versions:save', { name: 'mine', template: { kind: 'text', text } });
    await openApp(page, desk);
    await expect(page.getByRole('region', { name: 'Team sync' }).getByRole('status')).toHaveText('Online');

    await page.goto(`${desk.url}/#/prompts/shared-edit/versions`);
    for (const name of ['Commit v3', 'Unarchive v1', 'Pin v3 to API', 'Pin v1 to API']) {
      const button = page.getByRole('button', { name });
      await expect(button, name).toBeDisabled();
      await expect(button, name).toHaveAttribute('title', REASON);
    }
    await expect(page.getByRole('region', { name: 'API deployment' })).toContainText(`Team prompt: commit, unarchive and the API pin: change this on the team server.`);
    // Promote and Restore are pushed to the team: still offered.
    await expect(page.getByRole('button', { name: 'Promote v3' })).toBeEnabled();
    await screenshot(page, 'team-version-actions-disabled');
    const versions = await bridge<{ number: number; committed: boolean }[]>(desk, 'versions:list', { name: 'shared-edit' });
    expect(versions.find((v) => v.number === 3)?.committed).toBe(false);

    await page.goto(`${desk.url}/#/prompts/mine/versions`);
    for (const name of ['Commit v2', 'Pin v2 to API']) {
      await expect(page.getByRole('button', { name }), name).toBeEnabled();
      await expect(page.getByRole('button', { name }), name).not.toHaveAttribute('title', REASON);
    }
    await expect(page.getByRole('region', { name: 'API deployment' })).not.toContainText(REASON.toLowerCase());
    await page.getByRole('button', { name: 'Commit v2' }).click();
    await expect(page.getByRole('button', { name: 'Commit v2' })).toHaveCount(0);
    await screenshot(page, 'personal-version-actions');
  } finally {
    await desk?.stop();
    await team.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
