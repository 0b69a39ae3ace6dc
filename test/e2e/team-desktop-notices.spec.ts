import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, startServer, test, type Server } from './fixtures';
import { bridge } from './flows';
import { linkDesktopFolder } from './team-link';
import { openWorkspace } from '../../src/main/core/workspace';
import { markServerBehind, SERVER_BEHIND } from '../../src/main/core/sync/server-behind';

/**
 * What a joined desktop says (attack 14c): after Move to team a confirmation; offline, Promote on
 * a team prompt says it is a request the server applies only if the published version is still
 * the same; with the server behind, the Leave dialog says every team prompt is kept (L1), as
 * Leave then does.
 */
test('joined desktop: move confirmation, offline promotion is a request, Leave while the server is behind keeps the prompts', async ({ page }) => {
  const dirs = [mkdtempSync(join(tmpdir(), 'promptdesk-team-')), mkdtempSync(join(tmpdir(), 'promptdesk-desk-'))];
  const [teamDir, deskDir] = dirs as [string, string];
  let team: Server | null = await startServer(teamDir);
  let desk: Server | null = null;
  try {
    const ada = await bridge<{ id: string; email: string }>(team, 'users:add', { email: 'ada@example.com', name: 'Ada Author' });
    const { key } = await bridge<{ key: string }>(team, 'keys:create', { userEmail: ada.email, label: 'desktop' });
    await bridge(team, 'prompts:create', { name: 'greet', title: 'Greeting' });
    for (const text of ['Hello {{who}}', 'Hi {{who}}']) await bridge(team, 'versions:save', { name: 'greet', template: { kind: 'text', text } });
    await bridge(team, 'versions:promote', { name: 'greet', number: 1 });
    await bridge(team, 'sharing:set-level', { name: 'greet', level: 'library_edit' });
    linkDesktopFolder(deskDir, team.url, ada, key);
    desk = await startServer(deskDir);
    await bridge(desk, 'prompts:create', { name: 'mine', title: 'Mine' });
    await bridge(desk, 'versions:save', { name: 'mine', template: { kind: 'text', text: 'one {{x}}' } });
    await openApp(page, desk);
    const indicator = page.getByRole('region', { name: 'Team sync' }).getByRole('status');
    await expect(indicator).toHaveText('Online');

    // Move to team: the button goes, and a notice says it worked.
    await page.goto(`${desk.url}/#/prompts/mine`);
    await page.getByRole('button', { name: 'Move to team…' }).click();
    await page.getByRole('dialog', { name: 'Move "mine" to the team?' }).getByRole('button', { name: 'Move to team' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'to the team' })).toHaveText('Moved “mine” to the team.');
    await expect(page.getByRole('button', { name: 'Move to team…' })).toHaveCount(0);
    await screenshot(page, 'move-to-team-done');

    // Online, Promote says nothing of a request.
    await page.goto(`${desk.url}/#/prompts/greet/versions`);
    await page.getByRole('button', { name: 'Promote v2' }).click();
    await expect(page.getByRole('dialog', { name: 'Promote v2' })).not.toContainText('This is a request');
    await page.getByRole('dialog', { name: 'Promote v2' }).getByRole('button', { name: 'Cancel' }).click();
    // Offline: a request.
    await team.stop();
    team = null;
    await expect(indicator).toContainText('Offline', { timeout: 20_000 });
    await page.getByRole('button', { name: 'Promote v2' }).click();
    const promote = page.getByRole('dialog', { name: 'Promote v2' });
    await expect(promote).toContainText('This is a request: sent to the team when online; applied only if v1 is still published by then.');
    await screenshot(page, 'promote-offline-request');
    await promote.getByRole('button', { name: 'Cancel' }).click();

    // The server found behind this desktop (restored from a backup): Leave keeps every team prompt.
    await desk.stop();
    desk = null;
    const local = openWorkspace(deskDir);
    try {
      markServerBehind(local.store, `${SERVER_BEHIND}: This cursor is past the server's newest change (3.0)`);
    } finally {
      local.close();
    }
    desk = await startServer(deskDir);
    await openApp(page, desk);
    await expect(page.getByRole('region', { name: 'Team sync' }).getByRole('status')).toContainText('Server behind');
    await page.goto(`${desk.url}/#/settings`);
    await page.getByRole('button', { name: 'Leave team' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave Team?' });
    await expect(leave).toContainText('each of the 2 team prompts is kept, with all its versions, as a personal prompt named “…-unsynced”');
    await expect(leave).not.toContainText('removed from this computer');
    await expect(leave.getByRole('checkbox', { name: 'Keep every team prompt as a personal prompt (named “…-unsynced”)' })).toBeChecked();
    await screenshot(page, 'leave-dialog-server-behind');
    await leave.getByRole('button', { name: 'Leave team' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Left the team' })).toContainText('Every team prompt was kept, with all its versions, as personal prompts');
    const names = (await bridge<{ items: { name: string }[] }>(desk, 'prompts:list', {})).items.map((p) => p.name).sort();
    expect(names).toEqual(expect.arrayContaining(['greet-unsynced', 'mine-unsynced']));
    await screenshot(page, 'leave-done-server-behind');
  } finally {
    await desk?.stop();
    await team?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
