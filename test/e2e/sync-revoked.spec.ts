import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, startServer, test, type Server } from './fixtures';
import { bridge, nav } from './flows';
import { linkDesktopFolder } from './team-link';

/**
 * A desktop whose credential the team server revoked (attack 14 F3): the sidebar and Settings →
 * Team say so instead of "Online", the Leave dialog does not suggest Sync now and offers to keep
 * the unsent change, and leaving keeps it as a personal prompt `<name>-unsynced`.
 */
test('revoked device: says so, and leaving keeps the unsent change as a personal prompt', async ({ page }) => {
  const dirs = [mkdtempSync(join(tmpdir(), 'promptdesk-team-')), mkdtempSync(join(tmpdir(), 'promptdesk-desk-'))];
  const [teamDir, deskDir] = dirs as [string, string];
  const team: Server = await startServer(teamDir);
  let desk: Server | null = null;
  try {
    const ada = await bridge<{ id: string; email: string }>(team, 'users:add', { email: 'ada@example.com', name: 'Ada Author' });
    const { key, info } = await bridge<{ key: string; info: { id: string } }>(team, 'keys:create', { userEmail: ada.email, label: 'desktop' });
    await bridge(team, 'prompts:create', { name: 'greet', title: 'Greeting' });
    await bridge(team, 'versions:save', { name: 'greet', template: { kind: 'text', text: 'Hello {{who}}' }, commitMessage: 'First' });
    await bridge(team, 'sharing:set-level', { name: 'greet', level: 'library_edit' });
    linkDesktopFolder(deskDir, team.url, ada, key);
    desk = await startServer(deskDir);
    await openApp(page, desk);
    const indicator = page.getByRole('region', { name: 'Team sync' });
    await expect(indicator.getByRole('status')).toHaveText('Online');

    await bridge(team, 'keys:revoke', { keyId: info.id });
    await bridge(desk, 'versions:save', { name: 'greet', template: { kind: 'text', text: 'REVOKED-WORK {{who}}' }, commitMessage: 'After the revocation' });
    // The refused sync writes nothing, so no change event: the indicator's view refresh (15 s) shows it.
    await expect(indicator.getByRole('status')).toHaveText('Revoked · 1 change waits', { timeout: 20_000 });
    await expect(indicator.getByRole('alert')).toHaveText('This device was revoked on the team server. Leave the team in Settings → Team and join again.');
    await expect(indicator.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
    await screenshot(page, 'sync-revoked-sidebar');

    await nav(page, 'Settings');
    const section = page.getByRole('region', { name: 'Team', exact: true });
    await expect(section).toContainText('This device was revoked on the team server · 1 change waits');
    await section.getByRole('button', { name: 'Leave team' }).click();
    const dialog = page.getByRole('dialog', { name: /Leave / });
    await expect(dialog).toContainText('1 change is not yet synced.');
    await expect(dialog).toContainText('so it cannot be sent to the team any more');
    await expect(dialog).not.toContainText('Sync now');
    const keep = dialog.getByRole('checkbox', { name: /Keep my unsent changes as personal prompts/ });
    await expect(keep).toBeChecked();
    await screenshot(page, 'sync-revoked-leave');
    await dialog.getByRole('button', { name: 'Leave team' }).click();
    await expect(section).toContainText('Your unsent changes were saved as personal prompt greet-unsynced.');
    const kept = await bridge<{ number: number; commitMessage: string }[]>(desk, 'versions:list', { name: 'greet-unsynced' });
    expect(kept.map((v) => [v.number, v.commitMessage])).toEqual([[1, 'After the revocation']]);
    await page.goto(`${desk.url}/#/prompts/greet-unsynced`);
    await expect(page.getByText('REVOKED-WORK', { exact: false }).first()).toBeVisible();
    await screenshot(page, 'sync-revoked-kept');
  } finally {
    await desk?.stop();
    await team.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
