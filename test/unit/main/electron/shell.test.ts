import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNELS } from '../../../../src/main/core/channel-map';

// Electron cannot launch on CI machines: replace the module and assert what the shell asks of it.
type FakeWebContents = { getURL(): string } | null;
type PermissionRequestHandler = (contents: FakeWebContents, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void;
type PermissionCheckHandler = (contents: FakeWebContents, permission: string, origin: string, details: { requestingUrl?: string }) => boolean;
const electron = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, input: unknown) => unknown>();
  const windows: { options: { webPreferences: Record<string, unknown> }; contents: FakeContents }[] = [];
  const appEvents = new Map<string, (...args: unknown[]) => void>();
  class FakeContents {
    listeners = new Map<string, (...args: unknown[]) => void>();
    openHandler: ((details: { url: string }) => { action: string }) | null = null;
    /** What main sent the renderer (webContents.send), in order. */
    sent: [string, unknown][] = [];
    destroyed = false;
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    isDestroyed() {
      return this.destroyed;
    }
    on(event: string, listener: (...args: unknown[]) => void) {
      this.listeners.set(event, listener);
      return this;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.openHandler = handler;
    }
  }
  const state = {
    userData: '',
    lock: true,
    csp: null as null | ((details: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
    loaded: [] as string[],
    quit: vi.fn(),
    errorBox: vi.fn(),
    permissionRequest: null as null | PermissionRequestHandler,
    permissionCheck: null as null | PermissionCheckHandler,
    devicePermission: null as null | ((details: unknown) => boolean),
  };
  return { handlers, windows, appEvents, FakeContents, state };
});

vi.mock('electron', () => {
  const { handlers, windows, appEvents, FakeContents, state } = electron;
  class BrowserWindow {
    webContents = new FakeContents();
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      windows.push({ options, contents: this.webContents });
    }
    static getAllWindows = () => windows;
    once() {}
    show() {}
    isMinimized = () => false;
    focus() {}
    loadURL(url: string) {
      state.loaded.push(url);
      return Promise.resolve();
    }
  }
  return {
    app: {
      requestSingleInstanceLock: () => state.lock,
      whenReady: () => Promise.resolve(),
      getPath: () => state.userData,
      getAppPath: () => state.userData,
      on: (event: string, listener: (...args: unknown[]) => void) => appEvents.set(event, listener),
      quit: state.quit,
    },
    BrowserWindow,
    dialog: { showErrorBox: state.errorBox },
    // A reversible stand-in for the OS secret store: enough to see keys go through it.
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (plain: string) => Buffer.from(`sealed:${plain}`).reverse(),
      decryptString: (sealed: Buffer) => Buffer.from(sealed).reverse().toString().replace(/^sealed:/, ''),
    },
    ipcMain: { handle: (channel: string, fn: (event: unknown, input: unknown) => unknown) => handlers.set(channel, fn) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof state.csp) => (state.csp = fn) },
        setPermissionRequestHandler: (fn: typeof state.permissionRequest) => (state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: typeof state.permissionCheck) => (state.permissionCheck = fn),
        setDevicePermissionHandler: (fn: typeof state.devicePermission) => (state.devicePermission = fn),
      },
    },
  };
});

let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'promptdesk-shell-'));
  electron.state.userData = dataDir;
  const { boot } = await import('../../../../src/main/electron/shell');
  await boot();
});
afterAll(async () => {
  const quit = { prevented: false, preventDefault: () => void (quit.prevented = true) };
  electron.state.quit.mockClear();
  electron.appEvents.get('will-quit')?.(quit);
  // The quit waits for the data folder to close (its open marker removed), then quits again.
  expect(quit.prevented).toBe(true);
  await vi.waitFor(() => expect(electron.state.quit).toHaveBeenCalled());
  expect(readdirSync(dataDir).filter((name) => name.includes('.db-open.'))).toEqual([]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Electron shell', () => {
  it('opens the window with isolation, sandbox and no Node in the renderer', () => {
    const prefs = electron.windows[0]!.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(String(prefs['preload'])).toMatch(/preload[/\\]index\.js$/);
  });

  it('registers a handler for every contract channel and nothing else', () => {
    expect([...electron.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('answers IPC from the app frame and refuses other frames', async () => {
    const appUrl = electron.state.loaded[0]!;
    const list = electron.handlers.get('prompts:list')!;
    expect(await list({ senderFrame: { url: appUrl } }, {})).toMatchObject({ ok: true, value: { total: 0 } });
    expect(await list({ senderFrame: { url: 'https://evil.example/' } }, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await list({ senderFrame: null }, {})).toMatchObject({ ok: false });
  });

  it('validates IPC input before acting', async () => {
    const create = electron.handlers.get('prompts:create')!;
    const result = await create({ senderFrame: { url: electron.state.loaded[0]! } }, { name: 'no spaces allowed', title: 't' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'name' } });
  });

  it('seals provider keys with safeStorage', async () => {
    const event = { senderFrame: { url: electron.state.loaded[0]! } };
    expect(await electron.handlers.get('integrations:secret-storage')!(event, {})).toMatchObject({ ok: true, value: { backend: 'os' } });
    const saved = await electron.handlers.get('integrations:save')!(event, { name: 'ollama', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'sk-sealed-9876' });
    expect(saved).toMatchObject({ ok: true, value: { hasApiKey: true, apiKeyHint: '…9876' } });
    expect(JSON.stringify(saved)).not.toContain('sk-sealed-9876');
  });

  it('blocks navigation away from the app and every new window', () => {
    const contents = electron.windows[0]!.contents;
    const event = { preventDefault: vi.fn() };
    contents.listeners.get('will-navigate')!(event, 'https://evil.example/');
    expect(event.preventDefault).toHaveBeenCalled();
    const ok = { preventDefault: vi.fn() };
    contents.listeners.get('will-navigate')!(ok, electron.state.loaded[0]!);
    expect(ok.preventDefault).not.toHaveBeenCalled();
    expect(contents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('sets a strict Content-Security-Policy on responses', () => {
    let headers: Record<string, string[]> = {};
    electron.state.csp!({ responseHeaders: {} }, (r) => (headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders));
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });

  // Every permission name Electron 41 passes to the request and check handlers, plus one it may add later.
  const PERMISSIONS = [
    'clipboard-read', 'clipboard-sanitized-write', 'deprecated-sync-clipboard-read', 'display-capture', 'fileSystem', 'fullscreen',
    'geolocation', 'hid', 'idle-detection', 'keyboardLock', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'notifications',
    'openExternal', 'pointerLock', 'serial', 'speaker-selection', 'storage-access', 'top-level-storage-access', 'unknown', 'usb',
    'window-management', 'some-future-permission',
  ];
  const FOREIGN_URLS = ['https://evil.example/', 'http://127.0.0.1:4319/', 'file:///etc/passwd', 'about:blank', '', 'not a url'];

  it('denies every session permission by default: requests, checks and devices', () => {
    const appUrl = electron.state.loaded[0]!;
    const request = electron.state.permissionRequest!;
    const check = electron.state.permissionCheck!;
    expect(request).toBeTypeOf('function');
    expect(check).toBeTypeOf('function');
    const asked = (permission: string, url: string | undefined, contentsUrl: string): boolean[] => {
      const contents = { getURL: () => contentsUrl };
      let granted: boolean | undefined;
      request(contents, permission, (answer) => (granted = answer), url === undefined ? {} : { requestingUrl: url });
      return [granted!, check(contents, permission, url ?? contentsUrl, url === undefined ? {} : { requestingUrl: url })];
    };
    for (const permission of PERMISSIONS) {
      // The app's own page gets only the clipboard write its copy buttons use.
      const forApp = permission === 'clipboard-sanitized-write';
      expect(asked(permission, appUrl, appUrl), `${permission} for the app`).toEqual([forApp, forApp]);
      expect(asked(permission, `${appUrl}#/settings`, appUrl), `${permission} for an app route`).toEqual([forApp, forApp]);
      for (const url of FOREIGN_URLS) {
        expect(asked(permission, url, url), `${permission} for ${url}`).toEqual([false, false]);
        // A foreign frame inside the app window is judged by its own URL, not the window's.
        expect(asked(permission, url, appUrl), `${permission} for ${url} in the app`).toEqual([false, false]);
      }
    }
    // No frame to name: refused.
    let granted: boolean | undefined;
    request(null, 'clipboard-sanitized-write', (answer) => (granted = answer), {});
    expect(granted).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', '', {})).toBe(false);
    expect(electron.state.devicePermission!({ deviceType: 'usb', origin: appUrl })).toBe(false);
  });

  it('explains a data file it refuses, leaves it untouched, and quits without a window', async () => {
    const { writeFileSync, readFileSync, mkdirSync } = await import('node:fs');
    const badDir = join(dataDir, 'bad');
    mkdirSync(badDir);
    writeFileSync(join(badDir, 'promptdesk.db'), 'plain text');
    electron.state.userData = badDir;
    const { boot } = await import('../../../../src/main/electron/shell');
    await boot();
    expect(electron.state.errorBox).toHaveBeenCalledWith('Promptdesk cannot open its data', expect.stringMatching(/not a Promptdesk database/));
    expect(electron.state.quit).toHaveBeenCalled();
    expect(electron.windows).toHaveLength(1);
    expect(readFileSync(join(badDir, 'promptdesk.db'), 'utf8')).toBe('plain text');
    electron.state.quit.mockClear();
  });

  it('holds the single-instance lock: a second instance quits at once', async () => {
    expect(electron.appEvents.has('second-instance')).toBe(true);
    electron.state.lock = false;
    const { boot } = await import('../../../../src/main/electron/shell');
    await boot();
    expect(electron.state.quit).toHaveBeenCalled();
    expect(electron.windows).toHaveLength(1);
  });

  // The forwarding rules themselves are tested in test/unit/main/ipc/window-changes.test.ts; here,
  // that the shell gives each window its own prompts:changed and ends it with the window.
  it('sends each window prompts:changed from the change stream, and stops when its contents are destroyed', async () => {
    type Sent = { kind: string; prompt?: { name: string } }[];
    const names = (contents: InstanceType<typeof electron.FakeContents>) =>
      contents.sent.flatMap(([channel, events]) => (events as Sent).map((e) => `${channel} ${e.kind} ${e.prompt?.name ?? ''}`));
    const call = { senderFrame: { url: electron.state.loaded[0]! } };
    const first = electron.windows[0]!.contents;
    await electron.handlers.get('prompts:create')!(call, { name: 'live-one', title: 'Live one' });
    await vi.waitFor(() => expect(names(first)).toContain('prompts:changed prompt.created live-one'), { timeout: 10_000, interval: 10 });

    first.destroyed = true;
    first.listeners.get('destroyed')!();
    const sentBefore = first.sent.length;
    // A second window (macOS activate with no window left) gets its own subscription.
    electron.windows.splice(0);
    electron.appEvents.get('activate')!();
    const second = electron.windows[0]!.contents;
    expect(second).not.toBe(first);
    await electron.handlers.get('prompts:create')!(call, { name: 'live-two', title: 'Live two' });
    await vi.waitFor(() => expect(names(second)).toContain('prompts:changed prompt.created live-two'), { timeout: 10_000, interval: 10 });
    expect(first.sent).toHaveLength(sentBefore);
  });
});
