import { afterEach, expect, it, vi } from 'vitest';
import { startHost, type Host } from '../../../../../src/main/host';
import { openWorkspace } from '../../../../../src/main/core/workspace';
import { issueDeviceToken } from '../../../../../src/main/core/team/devices';
import { syncEngineOf } from '../../../../../src/main/core/sync/sync-service';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { member, seedPrompt, tempDir, testWorkspace } from '../../../../helpers/workspace';
import { createSyncClient } from '../../../../../src/main/core/sync/sync-client';
import { createSyncEngine } from '../../../../../src/main/core/sync/sync-engine';
import { startTestHost, type TestHost } from '../../../../helpers/host';
import { keepTeamLink } from '../../../../helpers/sync-world';

let server: TestHost | undefined;
let desktop: Host | undefined;
const dirs: (() => void)[] = [];
afterEach(async () => {
  await desktop?.close();
  await server?.stop();
  for (const cleanup of dirs.splice(0)) cleanup();
  desktop = server = undefined;
});

it('a host whose data folder joined a team syncs in the background from start, and stops with the host', async () => {
  server = await startTestHost();
  const ada = member(server.owner, 'ada@example.com');
  seedPrompt(server.owner, 'greet', 'Hello {{who}}');
  setSharingLevel(server.owner, { name: 'greet', level: 'library_view' });
  const dir = tempDir();
  dirs.push(dir.cleanup);
  // What joinTeam leaves in the data folder (core/team/join-team.ts): the link, its token sealed.
  const first = await startHost({ dataDir: dir.dir, mode: 'headless', port: 0 });
  expect(syncEngineOf(first.workspace.store)).toBeUndefined();
  keepTeamLink(server, first.workspace, ada.actor);
  await first.close();
  desktop = await startHost({ dataDir: dir.dir, mode: 'headless', port: 0 });
  const store = desktop.workspace.store;
  const teamOf = (name: string) => (store.db.prepare('SELECT team_id FROM prompts WHERE name = ?').get(name) as { team_id: string } | undefined)?.team_id;
  await vi.waitFor(() => expect(teamOf('greet')).toEqual(expect.any(String)), { timeout: 10_000, interval: 20 });
  expect(syncEngineOf(store)!.status()).toMatchObject({ server: `http://127.0.0.1:${server.port}` });
  await desktop.close();
  expect(syncEngineOf(store)).toBeUndefined();
  desktop = undefined;
});

it('a sync still in flight when its data folder closes ends quietly (offline), never an unhandled error', async () => {
  server = await startTestHost();
  const ada = member(server.owner, 'ada@example.com');
  seedPrompt(server.owner, 'greet', 'Hello {{who}}');
  setSharingLevel(server.owner, { name: 'greet', level: 'library_view' });
  const { token } = issueDeviceToken(server.host.workspace.store, server.host.workspace.clock, ada.actor.id, 'laptop');
  const local = testWorkspace();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const client = createSyncClient({
    serverUrl: `http://127.0.0.1:${server.port}`,
    credential: token,
    fetch: async (url, init) => {
      const answer = await fetch(url, init);
      await held; // the answer arrives after the folder closed
      return answer;
    },
  });
  const engine = createSyncEngine({ workspace: local.workspace, client });
  const syncing = engine.syncNow();
  local.cleanup(); // closes the store
  release();
  expect(await syncing).toMatchObject({ state: 'offline', lastError: expect.any(String) });
});

// Attack 14 F8: `promptdesk team join` run while the folder's host is running printed "Joined",
// but the host did not sync until it restarted.
it('a join written by another process while the host runs (the CLI) starts its background sync, no restart', async () => {
  server = await startTestHost();
  const ada = member(server.owner, 'ada@example.com');
  seedPrompt(server.owner, 'greet', 'Hello {{who}}');
  setSharingLevel(server.owner, { name: 'greet', level: 'library_view' });
  const dir = tempDir();
  dirs.push(dir.cleanup);
  desktop = await startHost({ dataDir: dir.dir, mode: 'headless', port: 0 });
  expect(syncEngineOf(desktop.workspace.store)).toBeUndefined();
  // The CLI opens the same folder on its own connection and keeps the link there, as joinTeam does.
  const cli = openWorkspace(dir.dir);
  keepTeamLink(server, cli, ada.actor);
  cli.close();
  const store = desktop.workspace.store;
  const teamOf = (name: string) => (store.db.prepare('SELECT team_id FROM prompts WHERE name = ?').get(name) as { team_id: string } | undefined)?.team_id;
  await vi.waitFor(() => expect(teamOf('greet')).toEqual(expect.any(String)), { timeout: 15_000, interval: 50 });
  expect(syncEngineOf(store)!.status()).toMatchObject({ server: `http://127.0.0.1:${server.port}` });
});
