/**
 * A desktop that joined a team, as its own OS process (test/helpers/team.ts starts it, so kill -9
 * is real): the headless host `promptdesk serve` runs (API + bridge on 127.0.0.1, its own data
 * folder), syncing with the team server the folder joined (`promptdesk team join`, the device
 * token sealed in the folder: core/team/join-team.ts teamLinkOf), its traffic going through
 * 127.0.0.1:VIA_PORT (a fault proxy) while it addresses the server by its public URL.
 *
 *   node --import tsx test/helpers/desktop-host.ts DATA_DIR VIA_PORT
 *
 * The engine syncs only when told (`promptdesk serve` starts it in the background, on local changes
 * and the server's signal: test/helpers/team.ts runs that for `background` desktops), so a test
 * knows which connection each queued fault hits.
 *
 * stdout: `READY {"port":N}` once listening, then `RESULT <id> <SyncStatus JSON>` for each
 * `sync <id>` (or `status <id>`) line read on stdin. Nothing here imports vitest.
 */
import { createInterface } from 'node:readline';
import { startHost } from '../../src/main/host';
import { mountBridge } from '../../src/main/headless/bridge';
import { SessionRegistry } from '../../src/main/core/sessions/session-registry';
import { createSyncClient } from '../../src/main/core/sync/sync-client';
import { createSyncEngine } from '../../src/main/core/sync/sync-engine';
import { attachSyncEngine, syncEngineOf } from '../../src/main/core/sync/sync-service';
import { teamLinkOf } from '../../src/main/core/team/join-team';
import { routedFetch } from '../../src/main/core/sync/routed-fetch';

async function main(dataDir: string, viaPort: number): Promise<void> {
  const host = await startHost({
    dataDir,
    mode: 'headless',
    port: 0,
    mount: (app, h) => mountBridge(app, { workspace: h.workspace, handlers: h.handlers, sessions: new SessionRegistry() }),
  });
  const { store, runtime } = host.workspace;
  // A host whose folder joined a team starts its own sync straight to the server; this one's goes through the proxy instead.
  syncEngineOf(store)?.stop();
  attachSyncEngine(store, null);
  const link = teamLinkOf(store, runtime.secrets);
  if (!link) throw new Error(`${dataDir} has not joined a team`);
  // A short timeout: a blackholed request counts as offline within a test's time, not after 60 s.
  const client = createSyncClient({ serverUrl: link.serverUrl, credential: link.token, fetch: routedFetch(viaPort), timeoutMs: 3000 });
  const engine = createSyncEngine({ workspace: host.workspace, client, debounceMs: 50, backoff: { minMs: 100, maxMs: 1000 } });
  attachSyncEngine(store, engine);

  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, id] = line.trim().split(/\s+/);
    if (command === 'sync') void engine.syncNow().then((status) => process.stdout.write(`RESULT ${id} ${JSON.stringify(status)}\n`));
    else if (command === 'status') process.stdout.write(`RESULT ${id} ${JSON.stringify(engine.status())}\n`);
  });
  process.stdout.write(`READY ${JSON.stringify({ port: host.server?.port ?? null })}\n`);

  const stop = () => {
    engine.stop();
    void host.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const [dataDir, viaPort] = process.argv.slice(2);
if (!dataDir || !viaPort) {
  process.stderr.write('usage: desktop-host.ts DATA_DIR VIA_PORT\n');
  process.exit(2);
}
void main(dataDir, Number(viaPort));
