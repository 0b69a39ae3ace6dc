import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, startServer, test, type Server } from './fixtures';
import { bridge } from './flows';
import { layoutProblems } from './layout';
import { linkDesktopFolder } from './team-link';

/**
 * Moving a personal prompt to the team (docs/sync.md): on a desktop (a headless host) joined to a
 * team server, "Move to team…" in a personal prompt's editor confirms who will see it, and the
 * prompt arrives on the server with its versions under the same numbers; a name the team already
 * uses (here by a prompt hidden from the member) is refused under the name and the prompt stays
 * personal. A team prompt's Sharing tab says its sharing is changed on the team server.
 */
test('move to team: confirm, versions keep their numbers, a taken name is refused at the field, team sharing is the server\'s', async ({ page }) => {
  const dirs = [mkdtempSync(join(tmpdir(), 'promptdesk-team-')), mkdtempSync(join(tmpdir(), 'promptdesk-desk-'))];
  const [teamDir, deskDir] = dirs as [string, string];
  const team: Server = await startServer(teamDir);
  let desk: Server | null = null;
  try {
    const ada = await bridge<{ id: string; email: string }>(team, 'users:add', { email: 'ada@example.com', name: 'Ada Author' });
    const { key } = await bridge<{ key: string }>(team, 'keys:create', { userEmail: ada.email, label: 'desktop' });
    await bridge(team, 'prompts:create', { name: 'greet', title: 'Greeting' });
    await bridge(team, 'versions:save', { name: 'greet', template: { kind: 'text', text: 'Hello {{who}}' } });
    await bridge(team, 'sharing:set-level', { name: 'greet', level: 'library_edit' });
    await bridge(team, 'prompts:create', { name: 'taken', title: 'Private to the team owner' });

    linkDesktopFolder(deskDir, team.url, ada, key);
    desk = await startServer(deskDir);
    for (const name of ['mine', 'taken']) {
      await bridge(desk, 'prompts:create', { name, title: `My ${name}` });
      for (const text of ['one {{x}}', 'two {{x}}']) await bridge(desk, 'versions:save', { name, template: { kind: 'text', text } });
    }
    await bridge(desk, 'sharing:set-level', { name: 'mine', level: 'library_view' });
    await openApp(page, desk);
    await expect(page.getByRole('region', { name: 'Team sync' }).getByRole('status')).toHaveText('Online');

    await page.goto(`${desk.url}/#/prompts/mine`);
    await page.getByRole('button', { name: 'Move to team…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move "mine" to the team?' });
    await expect(dialog).toContainText('Library View');
    await screenshot(page, 'move-to-team-confirm');
    await dialog.getByRole('button', { name: 'Move to team' }).click();
    await expect(dialog).toHaveCount(0);
    const onServer = await bridge<{ number: number }[]>(team, 'versions:list', { name: 'mine' });
    expect(onServer.map((v) => v.number)).toEqual([2, 1]);
    await expect(page.getByRole('button', { name: 'Move to team…' })).toHaveCount(0);

    await page.goto(`${desk.url}/#/prompts/taken`);
    await page.getByRole('button', { name: 'Move to team…' }).click();
    const refused = page.getByRole('dialog', { name: 'Move "taken" to the team?' });
    await refused.getByRole('button', { name: 'Move to team' }).click();
    await expect(refused.getByRole('alert')).toHaveText('Not moved to the team: This name is already used by another prompt; choose another name');
    await screenshot(page, 'move-to-team-taken');
    await refused.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('button', { name: 'Move to team…' })).toBeVisible();
    // The smallest supported window: the header's buttons, the new one included, stay inside it.
    await page.setViewportSize({ width: 1000, height: 700 });
    for (const name of ['Move to team…', 'Save']) {
      const box = await page.getByRole('button', { name, exact: true }).boundingBox();
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(1000);
    }
    expect(await layoutProblems(page)).toEqual({ cutOff: [], sideways: [] });
    await screenshot(page, 'small-move-to-team');
    await page.setViewportSize({ width: 1360, height: 860 });

    await page.goto(`${desk.url}/#/prompts/greet/sharing`);
    await expect(page.getByText('Change sharing on the team server')).toBeVisible();
    await expect(page.getByRole('radio', { name: /Private/ })).toBeDisabled();
    await screenshot(page, 'team-sharing-on-desktop');
  } finally {
    await desk?.stop();
    await team.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
