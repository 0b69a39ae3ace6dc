import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, startServer, test, type Server } from './fixtures';
import { bridge } from './flows';
import { linkDesktopFolder } from './team-link';

/**
 * The team sync indicator and "not yet synced" (docs/sync.md): a desktop (a headless host with its
 * own data folder) joined to a team server replicates a team prompt; with the server gone, a save
 * made on the desktop waits, shown in the sidebar and on the Versions tab; back online, "Sync now"
 * sends it and it takes the server's number.
 */
test('sync indicator: online, offline with a change waiting, not yet synced, back online', async ({ page }) => {
  const dirs = [mkdtempSync(join(tmpdir(), 'promptdesk-team-')), mkdtempSync(join(tmpdir(), 'promptdesk-desk-'))];
  const [teamDir, deskDir] = dirs as [string, string];
  let team: Server | null = await startServer(teamDir);
  const teamPort = team.port;
  let desk: Server | null = null;
  try {
    const ada = await bridge<{ id: string; email: string }>(team, 'users:add', { email: 'ada@example.com', name: 'Ada Author' });
    const { key } = await bridge<{ key: string }>(team, 'keys:create', { userEmail: ada.email, label: 'desktop' });
    await bridge(team, 'prompts:create', { name: 'greet', title: 'Greeting' });
    await bridge(team, 'versions:save', { name: 'greet', template: { kind: 'text', text: 'Hello {{who}}' }, commitMessage: 'First' });
    await bridge(team, 'sharing:set-level', { name: 'greet', level: 'library_edit' });

    linkDesktopFolder(deskDir, team.url, ada, key);
    desk = await startServer(deskDir);
    await openApp(page, desk);
    const indicator = page.getByRole('region', { name: 'Team sync' });
    await expect(indicator.getByRole('status')).toHaveText('Online');
    await expect(indicator).toContainText('Last synced');

    await team.stop();
    team = null;
    await bridge(desk, 'versions:save', { name: 'greet', template: { kind: 'text', text: 'Hi {{who}}, offline' }, commitMessage: 'Offline edit' });
    await indicator.getByRole('button', { name: 'Sync now' }).click();
    await expect(indicator.getByRole('status')).toHaveText('Offline · 1 change waits');
    // At every sidebar width the separator is between the two on one line, or clipped when the
    // count wraps: a line never starts with "·" (attack 14b, sidebar).
    for (const width of [1000, 1280]) {
      await page.setViewportSize({ width, height: 700 });
      const [state, label, sep, count] = await Promise.all(
        ['.sync-indicator__state', '.sync-indicator__label', '.sync-indicator__sep', '.sync-indicator__pending'].map((css) => indicator.locator(css).first().boundingBox()),
      );
      const wrapped = count!.y >= label!.y + label!.height;
      if (wrapped) expect(sep!.x + sep!.width, `${width}px`).toBeLessThanOrEqual(state!.x);
      else {
        expect(sep!.x, `${width}px`).toBeGreaterThanOrEqual(label!.x + label!.width - 1);
        expect(sep!.x + sep!.width, `${width}px`).toBeLessThanOrEqual(state!.x + state!.width);
      }
      await screenshot(page, `sync-waits-${width}`);
    }
    // A sidebar too narrow for one line (the next navigation drops this style): the count wraps,
    // its separator is clipped, and its own words are whole inside the sidebar.
    await page.addStyleTag({ content: ':root { --sidebar-width: 150px; }' });
    const [state, label, sep, count] = await Promise.all(
      ['.sync-indicator__state', '.sync-indicator__label', '.sync-indicator__sep', '.sync-indicator__pending'].map((css) => indicator.locator(css).first().boundingBox()),
    );
    expect(count!.y).toBeGreaterThanOrEqual(label!.y + label!.height);
    expect(sep!.x + sep!.width).toBeLessThanOrEqual(state!.x);
    expect(count!.x + count!.width).toBeLessThanOrEqual(state!.x + state!.width);
    await screenshot(page, 'sync-waits-wrapped');
    await page.goto(`${desk.url}/#/prompts/greet/versions`);
    const row = page.getByRole('row', { name: /v2/ });
    await expect(row.getByText('Not yet synced')).toBeVisible();
    await expect(page.getByRole('row', { name: /v1/ }).getByText('Not yet synced')).toHaveCount(0);
    await screenshot(page, 'sync-offline');

    // The server is back at its address: "Sync now" sends the save, which keeps number 2 (nobody took it).
    team = await startServer(teamDir, teamPort);
    await indicator.getByRole('button', { name: 'Sync now' }).click();
    await expect(indicator.getByRole('status')).toHaveText('Online');
    await expect(row.getByText('Not yet synced')).toHaveCount(0);
    const onServer = await bridge<{ number: number; commitMessage: string }[]>(team, 'versions:list', { name: 'greet' });
    expect(onServer.map((v) => [v.number, v.commitMessage])).toEqual([[2, 'Offline edit'], [1, 'First']]);
    await screenshot(page, 'sync-online');
    // The smallest supported window: the indicator and its button stay inside the sidebar.
    await page.setViewportSize({ width: 1000, height: 700 });
    const button = await indicator.getByRole('button', { name: 'Sync now' }).boundingBox();
    const sidebar = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
    expect(button!.x + button!.width).toBeLessThanOrEqual(sidebar!.x + sidebar!.width);
    expect(button!.y + button!.height).toBeLessThanOrEqual(700);
    await screenshot(page, 'small-sync');
  } finally {
    await desk?.stop();
    await team?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
