import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { RENDERER_CSP } from '../headless/renderer-files';

/** Locked-down web preferences for every window: the renderer gets only the preload's API. */
export function secureWebPreferences(preload: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: true,
  };
}

/** The CSP on every response, in addition to the page's meta tag. */
export function enforceCsp(session: Pick<Session, 'webRequest'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] },
    });
  });
}

/** No navigation away from the app and no new windows: links never turn the app into a browser. */
export function lockNavigation(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, isAppUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * The only permission granted, and only to the app's own page: writing text to the clipboard
 * (the copy buttons for keys, snippets and log entries). Camera, microphone, notifications,
 * geolocation, MIDI, HID/USB/serial, screen capture, clipboard reads, `openExternal`… are refused.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * Whether a page at `requestingUrl` gets `permission`: one decision for requests and checks.
 * Unknown or missing URLs are refused (a permission never goes to a frame we cannot name).
 * @example isPermissionGranted('media', appUrl, isAppUrl) // false
 */
export function isPermissionGranted(permission: string, requestingUrl: string | undefined, isAppUrl: (url: string) => boolean): boolean {
  return GRANTED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/**
 * Electron grants every permission a page asks for unless the session says otherwise (security
 * checklist, "Handle session permission requests from remote content"): deny by default, for
 * prompts (request), silent queries (check) and devices (HID, USB, serial).
 */
export function denyPermissions(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
  isAppUrl: (url: string) => boolean,
): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details?.requestingUrl ?? contents?.getURL(), isAppUrl));
  });
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isPermissionGranted(permission, details?.requestingUrl ?? contents?.getURL(), isAppUrl),
  );
  session.setDevicePermissionHandler(() => false);
}
