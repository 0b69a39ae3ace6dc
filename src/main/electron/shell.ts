import { app, BrowserWindow, dialog, ipcMain, session, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHost, type Host } from '../host';
import { registerIpc } from '../ipc/register';
import { forwardChanges } from '../ipc/window-changes';
import { denyPermissions, enforceCsp, lockNavigation, secureWebPreferences } from './security';
import { safeStorageBox } from './safe-storage-box';
import { openTeamSignIn } from './open-external';

const rendererUrl = (): string =>
  process.env['ELECTRON_RENDERER_URL'] ?? pathToFileURL(join(__dirname, '../renderer/index.html')).href;

const isAppUrl = (url: string): boolean => {
  try {
    const target = new URL(url);
    const base = new URL(rendererUrl());
    return base.protocol === 'file:' ? target.href.split('#')[0] === base.href.split('#')[0] : target.origin === base.origin;
  } catch {
    return false;
  }
};

/** better-sqlite3 built for Electron's ABI by `npm start` (scripts/electron-native.mjs). */
function electronNativeBinding(): string | undefined {
  const candidate = join(app.getAppPath(), '.native', 'electron', 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}

/** PROMPTDESK_API_PORT overrides the saved API port (e.g. when 4319 is taken). */
function apiPortFromEnv(): number | undefined {
  const raw = process.env['PROMPTDESK_API_PORT'];
  if (raw === undefined || !/^\d{1,5}$/.test(raw) || Number(raw) > 65535) return undefined;
  return Number(raw);
}

let host: Host | null = null;
let mainWindow: BrowserWindow | null = null;

/**
 * The window's prompts:changed: the change stream's events as the member this desktop acts as
 * sees them (another window, the CLI, the HTTP API), once per batch, the same typed events a
 * browser tab gets from /bridge/changes; the renderer decides what each one refetches. The
 * decision (who, batching, a member switch, a closed window) is ipc/window-changes.ts.
 */
function followChanges(contents: WebContents): void {
  const current = host;
  if (!current) return;
  const stop = forwardChanges(current.workspace.changes, () => current.workspace.as(current.currentUserId()), contents);
  contents.on('destroyed', stop);
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'Promptdesk',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.js')),
  });
  lockNavigation(mainWindow.webContents, isAppUrl);
  followChanges(mainWindow.webContents);
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  void mainWindow.loadURL(rendererUrl());
}

export async function boot(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('web-contents-created', (_event, contents) => lockNavigation(contents, isAppUrl));
  await app.whenReady();
  enforceCsp(session.defaultSession);
  denyPermissions(session.defaultSession, isAppUrl);
  try {
    host = await startHost({
      dataDir: process.env['PROMPTDESK_DATA_DIR'] ?? app.getPath('userData'),
      mode: 'desktop',
      port: apiPortFromEnv(),
      nativeBinding: electronNativeBinding(),
      secrets: () => safeStorageBox(),
      exportsDir: app.getPath('downloads'),
      openExternal: openTeamSignIn,
    });
  } catch (error) {
    // A data file Promptdesk refuses (not a database, newer schema, corrupt) is left untouched.
    dialog.showErrorBox('Promptdesk cannot open its data', (error as Error).message);
    app.quit();
    return;
  }
  const workspace = host.workspace;
  const current = host;
  registerIpc(ipcMain, host.handlers, { context: () => workspace.as(current.currentUserId()), trustedUrl: rendererUrl });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quit only once the data folder is closed: the close removes its open marker, and a quit that
  // left it would make the next start run the full check as after a crash (store/open-markers.ts).
  let closing: Promise<void> | null = null;
  let closed = false;
  app.on('will-quit', (event) => {
    if (!host || closed) return;
    event.preventDefault();
    closing ??= host
      .close()
      .catch((error: unknown) => console.error('[shell] closing the data folder failed', error))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}
