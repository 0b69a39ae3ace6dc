/**
 * The renderer's one subscription to change events (lib/app-events.ts onChanges) on both
 * transports, without Electron or a browser:
 * - Electron: core change feed -> forwardChanges (main/ipc/window-changes.ts) -> a fake
 *   webContents.send -> a fake ipcRenderer -> the real preload's promptdeskEvents -> onChanges.
 * - Browser tab: core change feed -> a real headless host's GET /bridge/changes (SSE, loopback)
 *   -> onChanges's fetch reader.
 * Both must hand the live-refresh debounce (state/live-refresh.ts) the same events.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventEmitter } from 'node:events';
import { CHANNELS } from '../../../src/main/core/channel-map';
import { forwardChanges } from '../../../src/main/ipc/window-changes';
import { createKey } from '../../../src/main/core/keys/keys-service';
import { deletePrompt, updatePrompt } from '../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../src/main/core/versions/lifecycle';
import { addShare, setSharingLevel } from '../../../src/main/core/sharing/sharing-service';
import { SaveVersionInput, UpdatePromptInput } from '../../../src/shared/schemas/prompts';
import type { ChangeEvent } from '../../../src/shared/schemas/changes';
import type { Ctx } from '../../../src/main/core/context';
import { startBridgeHost, type BridgeHost } from '../../helpers/host';
import { member, seedPrompt } from '../../helpers/workspace';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcRenderer: null as unknown as EventEmitter,
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const ipcRenderer = Object.assign(new EventEmitter(), { invoke: () => Promise.resolve({ ok: true, value: null }) });
  electron.ipcRenderer = ipcRenderer;
  return { ipcRenderer, contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) } };
});

type Listener = (events: ChangeEvent[]) => void;
interface AppEventsModule {
  onChanges(listener: Listener): () => void;
}
interface LiveRefreshModule {
  debounceEvents(apply: Listener, waitMs?: number, maxWaitMs?: number): { push(events: ChangeEvent[]): void; stop(): void };
}
// Loaded by computed paths: their types pull in the browser's globals, which the test typecheck (Node) has not.
const APP_EVENTS = '../../../src/renderer/src/lib/app-events';
const LIVE_REFRESH = '../../../src/renderer/src/state/live-refresh';

/** The renderer's globals: `window` (where the preload exposes its API), the tab's sessionStorage and a fetch on the host. */
const fakeWindow: { promptdeskEvents?: unknown } = {};
const storage = new Map<string, string>();
const fetched: { url: string; headers: Record<string, string> }[] = [];
let base = 'http://127.0.0.1:1';

let served: BridgeHost;
let appEvents: AppEventsModule;
let liveRefresh: LiveRefreshModule;
let preloadEvents: unknown;
let owner: Ctx;
let bob: Ctx;
let bobKey: string;

beforeAll(async () => {
  served = await startBridgeHost();
  base = `http://127.0.0.1:${served.port}`;
  vi.stubGlobal('window', fakeWindow);
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  });
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: string, init: RequestInit = {}) => {
    fetched.push({ url: String(input), headers: { ...(init.headers as Record<string, string>) } });
    return realFetch(new URL(String(input), base), init);
  });
  // The preload, as Electron loads it: exposes promptdeskEvents on the (fake) window.
  (globalThis as { __PROMPTDESK_CHANNELS__?: readonly string[] }).__PROMPTDESK_CHANNELS__ = CHANNELS;
  await import('../../../src/preload/index');
  preloadEvents = electron.exposed.get('promptdeskEvents');
  appEvents = (await import(/* @vite-ignore */ APP_EVENTS)) as AppEventsModule;
  liveRefresh = (await import(/* @vite-ignore */ LIVE_REFRESH)) as LiveRefreshModule;

  const ws = served.host.workspace;
  owner = ws.as(ws.owner.id);
  bob = member(owner, 'bob@example.com');
  bobKey = createKey(bob, { userEmail: 'bob@example.com', label: 'tab' }).key;
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await served.stop();
});

/** Collects what a transport hands the renderer; `until` waits (bounded) for an event of that prompt and kind. */
function collector() {
  const batches: ChangeEvent[][] = [];
  return {
    batches,
    listener: (events: ChangeEvent[]) => void batches.push(events),
    events: () => batches.flat(),
    until: (kind: string, name: string) =>
      vi.waitFor(() => expect(batches.flat().some((e) => e.kind === kind && e.prompt?.name === name)).toBe(true), { timeout: 10_000, interval: 5 }),
  };
}

describe('onChanges picks its transport', () => {
  it("in Electron (the preload exposed promptdeskEvents) it subscribes to prompts:changed over IPC and opens no stream", () => {
    const calls: string[] = [];
    const stopFake = vi.fn();
    fakeWindow.promptdeskEvents = { on: (event: string) => (calls.push(event), stopFake) };
    try {
      const before = fetched.length;
      const stop = appEvents.onChanges(() => undefined);
      expect(calls).toEqual(['prompts:changed']);
      stop();
      expect(stopFake).toHaveBeenCalledOnce();
      expect(fetched).toHaveLength(before);
    } finally {
      delete fakeWindow.promptdeskEvents;
    }
  });

  it('in a browser tab it reads GET /bridge/changes, once for all listeners, with the session in a header (never the URL)', async () => {
    storage.set('promptdesk.session', served.ownerToken);
    const before = fetched.length;
    const a = collector();
    const b = collector();
    const stopA = appEvents.onChanges(a.listener);
    const stopB = appEvents.onChanges(b.listener);
    try {
      const streams = fetched.slice(before);
      expect(streams.map((f) => f.url)).toEqual(['/bridge/changes']);
      expect(streams[0]!.headers).toMatchObject({ 'X-Promptdesk-Session': served.ownerToken, Accept: 'text/event-stream' });
      expect(streams[0]!.url).not.toContain(served.ownerToken);
      // The stream is up once a write arrives; both listeners get it.
      await vi.waitFor(async () => {
        seedPrompt(owner, `probe-${Date.now()}-${Math.random()}`.replace('.', ''), 'x');
        await new Promise((r) => setTimeout(r, 20));
        expect(a.events().length).toBeGreaterThan(0);
      }, { timeout: 10_000, interval: 5 });
      await vi.waitFor(() => expect(b.events()).toEqual(a.events()), { timeout: 10_000, interval: 5 });
    } finally {
      stopA();
      stopB();
      storage.clear();
    }
  });
});

describe('the same events reach live-refresh over IPC and over the bridge', () => {
  it("as bob: both transports give the debounce the same events in the same order, and neither names the owner's private prompt", async () => {
    const ws = served.host.workspace;
    // Electron: the window acts as bob; main forwards to a fake webContents whose send is the renderer's ipcRenderer.
    const contents = {
      send: (channel: string, events: ChangeEvent[]) => electron.ipcRenderer.emit(channel, { sender: {} }, structuredClone(events)),
      isDestroyed: () => false,
    };
    const stopMain = forwardChanges(ws.changes, () => ws.as(bob.actor.id), contents);
    const ipc = collector();
    const bridge = collector();
    const ipcBurst = liveRefresh.debounceEvents(ipc.listener, 1, 50);
    const bridgeBurst = liveRefresh.debounceEvents(bridge.listener, 1, 50);

    fakeWindow.promptdeskEvents = preloadEvents;
    const stopIpc = appEvents.onChanges((events) => ipcBurst.push(events));
    delete fakeWindow.promptdeskEvents;
    // Browser tab: signs in as bob with his key (the bridge's sign-in), then reads the stream as bob.
    const signIn = await fetch('/bridge/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key: bobKey }) });
    expect(signIn.status).toBe(200);
    storage.set('promptdesk.session', ((await signIn.json()) as { session: string }).session);
    const stopBridge = appEvents.onChanges((events) => bridgeBurst.push(events));
    try {
      // Both connected: a write each sees (the bridge's stream starts from the newest seq when it connects).
      await vi.waitFor(async () => {
        seedPrompt(bob, `ready-${Date.now()}-${Math.random()}`.replace('.', ''), 'x');
        await new Promise((r) => setTimeout(r, 20));
        expect(ipc.events().length > 0 && bridge.events().length > 0).toBe(true);
      }, { timeout: 10_000, interval: 5 });
      const from = ws.changes.latestSeq();

      const text = (ctx: Ctx, name: string, t: string) => saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text: t } }));
      const after = (c: ReturnType<typeof collector>) => c.events().filter((e) => e.seq > from);
      const seen = () => after(ipc).map((e) => `${e.kind} ${e.prompt?.name ?? ''}`.trim());
      /** Both transports have delivered up to an event visible to bob. The feed judges each event when it delivers it, so each phase is awaited. */
      const delivered = async (kind: string, name: string) => {
        await ipc.until(kind, name);
        await bridge.until(kind, name);
      };

      // A prompt shared with the whole library: bob hears of every change to it.
      seedPrompt(owner, 'team', 'Team one');
      setSharingLevel(owner, { name: 'team', level: 'library_edit' });
      text(bob, 'team', 'Team two');
      promoteVersion(owner, { name: 'team', number: 2, notes: '' });
      updatePrompt(owner, UpdatePromptInput.parse({ name: 'team', title: 'Team!', tags: ['x'] }));
      await delivered('prompt.updated', 'team');
      // The owner's private prompt: nothing, until bob's own prompt shows the feed has passed it.
      seedPrompt(owner, 'owner-secret', 'Hidden');
      text(owner, 'owner-secret', 'Hidden two');
      seedPrompt(bob, 'bob-notes', 'Mine');
      await delivered('version.saved', 'bob-notes');
      // Shared with bob: now he hears of it; the team prompt made private again is announced without its name.
      addShare(owner, { name: 'owner-secret', email: 'bob@example.com', permission: 'view' });
      text(owner, 'owner-secret', 'Shared now');
      await delivered('version.saved', 'owner-secret');
      setSharingLevel(owner, { name: 'team', level: 'private' });
      deletePrompt(bob, 'bob-notes');
      await delivered('prompt.deleted', 'bob-notes');

      expect(after(bridge)).toEqual(after(ipc));
      expect(seen()).toEqual([
        'prompt.created team',
        'version.saved team',
        'sharing.changed team',
        'version.saved team',
        // A promotion: the two versions' statuses, then the promotion.
        'version.updated team',
        'version.updated team',
        'version.promoted team',
        'prompt.updated team',
        'prompt.created bob-notes',
        'version.saved bob-notes',
        'sharing.changed owner-secret',
        'version.saved owner-secret',
        'access.changed',
        'prompt.deleted bob-notes',
      ]);
      // owner-secret is named only in the two events after it was shared with bob, on either transport.
      for (const c of [ipc, bridge]) expect(JSON.stringify(c.batches).match(/owner-secret/g)).toHaveLength(2);
    } finally {
      stopIpc();
      stopBridge();
      ipcBurst.stop();
      bridgeBurst.stop();
      stopMain();
      storage.clear();
    }
  });
});
