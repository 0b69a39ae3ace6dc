import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestHost, type TestHost } from '../../../../helpers/host';
import { desktop } from '../../../../helpers/sync-world';
import { startFaultProxy, type FaultProxy } from '../../../../helpers/fault-proxy';
import { member, seedPrompt, testWorkspace } from '../../../../helpers/workspace';
import { issueDeviceToken } from '../../../../../src/main/core/team/devices';
import { createSyncClient } from '../../../../../src/main/core/sync/sync-client';
import { routedFetch } from '../../../../../src/main/core/sync/routed-fetch';
import { createSyncEngine, type SyncEngine } from '../../../../../src/main/core/sync/sync-engine';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';

let server: TestHost | undefined;
let proxy: FaultProxy | undefined;
let engine: SyncEngine | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  engine?.stop();
  for (const c of cleanups.splice(0)) c();
  await proxy?.close();
  await server?.stop();
  server = proxy = engine = undefined;
});

describe('background sync after the server comes back', () => {
  it('changes made offline are pushed when the signal stream reconnects, without any other write anywhere', async () => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    seedPrompt(server.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(server.owner, { name: 'greet', level: 'library_edit' });
    proxy = await startFaultProxy(server.port);
    const { token } = issueDeviceToken(server.host.workspace.store, server.host.workspace.clock, ada.actor.id, 'desk');
    const local = testWorkspace({ changesPollMs: 10 });
    cleanups.push(local.cleanup);
    // A reconnect wait far longer than the sync after a failure: the sync that follows the failed
    // connect is over (offline) before the stream opens again, so only the reopened stream can start the next.
    engine = createSyncEngine({
      workspace: local.workspace,
      client: createSyncClient({ serverUrl: `http://127.0.0.1:${server.port}`, credential: token, fetch: routedFetch(proxy.port) }),
      debounceMs: 10,
      backoff: { minMs: 400, maxMs: 400 },
    });
    expect(await engine.syncNow()).toMatchObject({ state: 'online' });
    engine.start();
    await vi.waitFor(() => expect(proxy!.log.length).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 10 });

    proxy.offline();
    const mine = saveVersion(local.workspace.as(ada.actor.id), SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'Offline {{who}}' } }));
    // Back online the moment a sync has just failed: the next one can then only come from the
    // reopened stream (the reconnect is 400 ms away, nothing else is written anywhere).
    let failed = 0;
    await new Promise<void>((resolve) => {
      const off = engine!.onStatus((status) => {
        if (status.state !== 'offline' || ++failed < 3) return;
        expect(status.pending).toBe(1);
        off();
        proxy!.online();
        resolve();
      });
    });

    const serverIds = () => (server!.host.workspace.store.db.prepare('SELECT id FROM prompt_versions').all() as { id: string }[]).map((r) => r.id);
    await vi.waitFor(() => expect(serverIds()).toContain(mine.id), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(engine!.status()).toMatchObject({ state: 'online', pending: 0, lastError: null }), { timeout: 10_000, interval: 20 });
  });
});

describe('background sync while the server is reachable but a push fails', () => {
  it('a push answered 503 (or cut) is tried again with the backoff, though the signal stream stays open and quiet', async () => {
    server = await startTestHost();
    const ada = member(server.owner, 'ada@example.com');
    seedPrompt(server.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(server.owner, { name: 'greet', level: 'library_edit' });
    const d = desktop(server, ada.actor.id);
    cleanups.push(d.cleanup);
    expect(await d.engine.syncNow()).toMatchObject({ state: 'online' });
    let failures = 2;
    d.line.tamper = async (url, _init, answer) => {
      if (!url.includes('/sync/push') || failures === 0) return answer;
      failures--;
      if (failures === 1) return new Response(JSON.stringify({ title: 'Busy', status: 503, detail: 'Try later' }), { status: 503, headers: { 'content-type': 'application/problem+json' } });
      throw new TypeError('fetch failed (connection reset)');
    };
    d.engine.start();
    const mine = saveVersion(d.as(), SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'Busy server {{who}}' } }));
    // The server took the save at the first try (only its answers are lost): the desktop knows it
    // only when a later push is answered, which nothing but the retry sends.
    await vi.waitFor(() => expect(d.engine.status()).toMatchObject({ state: 'online', pending: 0 }), { timeout: 15_000, interval: 20 });
    expect(failures).toBe(0);
    expect(d.workspace.store.db.prepare('SELECT sync_state AS state FROM prompt_versions WHERE id = ?').get(mine.id)).toEqual({ state: 'synced' });
  });
});
