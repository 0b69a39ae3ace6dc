import { readdirSync } from 'node:fs';
import { expect, openApp, screenshot, startServer, test } from './fixtures';
import { bridge, nav } from './flows';

/** The pid in the open marker of the server holding `dataDir` (promptdesk.db-open.<pid>-<token>). */
function serverPid(dataDir: string): number {
  const markers = readdirSync(dataDir).filter((name) => name.startsWith('promptdesk.db-open.'));
  expect(markers).toHaveLength(1);
  return Number(/^promptdesk\.db-open\.(\d+)-/.exec(markers[0]!)![1]);
}

test('Settings → Data check: a clean start checks nothing, a kill -9 makes the next start check, Check now runs the full check', async ({ page, dataDir }) => {
  // A clean stop and start: no check ran.
  const first = await startServer(dataDir);
  await first.stop();
  let server = await startServer(dataDir);
  await openApp(page, server);
  await nav(page, 'Settings');
  const section = page.getByRole('region', { name: 'Data check' });
  await expect(section.getByText('Not checked yet: this folder has only ever been closed cleanly.')).toBeVisible();

  // kill -9: the marker stays, so the next start runs the check, and Settings says why.
  const pid = serverPid(dataDir);
  process.kill(pid, 'SIGKILL');
  await expect.poll(() => { try { process.kill(pid, 0); return true; } catch { return false; } }).toBe(false);
  server = await startServer(dataDir);
  expect(await bridge(server, 'storage:checkStatus', {})).toMatchObject({ lastCheck: { reason: 'unclean-shutdown', kind: 'quick', result: 'ok' } });
  await openApp(page, server);
  await nav(page, 'Settings');
  const last = section.getByRole('definition');
  await expect(section.getByText('after Promptdesk was not closed cleanly (a crash, kill -9 or power loss)')).toBeVisible();
  await expect(section.getByText('Quick check (every page and record)', { exact: true })).toBeVisible();
  // The section says what runs by itself (the quick check) and what Check now runs (attack 15b F5).
  await expect(section.getByText(/At start, Promptdesk runs a quick check .*Check now runs the full check/)).toBeVisible();
  await expect(last.filter({ hasText: 'Healthy' })).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-data-check-after-kill');

  // Check now: the full check, on demand.
  await section.getByRole('button', { name: 'Check now' }).click();
  await expect(section.getByText('on demand', { exact: true })).toBeVisible();
  await expect(section.getByText('Full check (every page, record and index)', { exact: true })).toBeVisible();
  await expect(section.getByRole('button', { name: 'Check now' })).toBeEnabled();
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-data-check-now');
  expect(await bridge(server, 'storage:checkStatus', {})).toMatchObject({ running: false, lastCheck: { reason: 'on-demand', kind: 'full', result: 'ok' } });
  await server.stop();
});
