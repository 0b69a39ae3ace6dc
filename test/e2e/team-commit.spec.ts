import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, startServer, test, type Server } from './fixtures';
import { bridge } from './flows';
import { linkDesktopFolder } from './team-link';

/** Commit on a team prompt's version is refused on a desktop with words saying where to do it (attack 14 F6). */
test('team version: Commit on a desktop shows why it is refused, and the version stays a draft', async ({ page }) => {
  const dirs = [mkdtempSync(join(tmpdir(), 'promptdesk-team-')), mkdtempSync(join(tmpdir(), 'promptdesk-desk-'))];
  const [teamDir, deskDir] = dirs as [string, string];
  const team: Server = await startServer(teamDir);
  let desk: Server | null = null;
  try {
    const ada = await bridge<{ id: string; email: string }>(team, 'users:add', { email: 'ada@example.com', name: 'Ada Author' });
    const { key } = await bridge<{ key: string }>(team, 'keys:create', { userEmail: ada.email, label: 'desktop' });
    await bridge(team, 'prompts:create', { name: 'shared-edit', title: 'Shared edit' });
    await bridge(team, 'versions:save', { name: 'shared-edit', template: { kind: 'text', text: 'Hello {{who}}' }, commitMessage: 'First' });
    await bridge(team, 'sharing:set-level', { name: 'shared-edit', level: 'library_edit' });
    linkDesktopFolder(deskDir, team.url, ada, key);
    desk = await startServer(deskDir);
    await openApp(page, desk);
    await expect(page.getByRole('region', { name: 'Team sync' }).getByRole('status')).toHaveText('Online');
    await page.goto(`${desk.url}/#/prompts/shared-edit/versions`);
    await page.getByRole('button', { name: 'Commit v1' }).click();
    await expect(page.getByText('Commit team versions on the team server: a commit made on this desktop is not sent to the team')).toBeVisible();
    await screenshot(page, 'team-commit-refused');
    const versions = await bridge<{ number: number; committed: boolean }[]>(desk, 'versions:list', { name: 'shared-edit' });
    expect(versions.map((v) => [v.number, v.committed])).toEqual([[1, false]]);
  } finally {
    await desk?.stop();
    await team.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
