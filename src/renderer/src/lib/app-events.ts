import type { AppEvent } from '../../../shared/contract/channels';
import type { ChangeEvent } from '../../../shared/schemas/changes';
import { bridgeAuthHeaders, onSessionTokenChanged, reportSessionEnded } from './bridge';

/** Receives a batch of change events (shared/schemas/changes.ts), in commit order. */
export type ChangesListener = (events: ChangeEvent[]) => void;

interface AppEvents {
  on(event: AppEvent, listener: ChangesListener): () => void;
}

declare global {
  interface Window {
    /** Exposed by the Electron preload only; a browser tab reads the headless bridge's stream instead. */
    promptdeskEvents?: AppEvents;
  }
}

const browserListeners = new Set<ChangesListener>();
/** The first retry after a broken stream (ms); doubled per failure up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * The browser tab's one connection to `GET /bridge/changes` (server-sent events as this tab's
 * session member sees them). Read with fetch rather than EventSource because the session token
 * goes in a header, never in a URL. A broken stream reconnects with Last-Event-ID (nothing lost or
 * repeated); a refused session (401) waits for the next token (sign-in, member switch).
 */
const browserStream = (() => {
  let abort: AbortController | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = FIRST_RETRY_MS;
  let lastId: string | null = null;

  const deliver = (events: ChangeEvent[]) => {
    if (events.length === 0) return;
    for (const listener of [...browserListeners]) listener(events);
  };

  /** Parses complete SSE blocks out of `buffer`; returns the unfinished rest. */
  const parse = (buffer: string, into: ChangeEvent[]): string => {
    const blocks = buffer.split(/\r?\n\r?\n/);
    const rest = blocks.pop() ?? '';
    for (const block of blocks) {
      let data = '';
      let id: string | null = null;
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('data:')) data += line.slice(5).trimStart();
        else if (line.startsWith('id:')) id = line.slice(3).trim();
      }
      if (id !== null) lastId = id;
      if (data === '') continue;
      try {
        into.push(JSON.parse(data) as ChangeEvent);
      } catch {
        // A malformed event refreshes nothing; the next one still arrives.
      }
    }
    return rest;
  };

  const connect = () => {
    stop();
    const auth = bridgeAuthHeaders();
    if (Object.keys(auth).length === 0 || browserListeners.size === 0) return;
    const controller = new AbortController();
    abort = controller;
    void (async () => {
      try {
        const headers: Record<string, string> = { ...auth, Accept: 'text/event-stream' };
        if (lastId !== null) headers['Last-Event-ID'] = lastId;
        const response = await fetch('/bridge/changes', { headers, signal: controller.signal });
        // The session has ended (revoked or expired key, restart, idle): say so now, not at the
        // next click; the next sign-in (a new token) reconnects.
        if (response.status === 401) {
          reportSessionEnded();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`changes stream: ${response.status}`);
        if (lastId === null) lastId = response.headers.get('promptdesk-seq');
        retryMs = FIRST_RETRY_MS;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const events: ChangeEvent[] = [];
          buffer = parse(buffer + value, events);
          deliver(events);
        }
      } catch {
        // Broken or refused: retried below unless this connection was stopped on purpose.
      }
      if (controller.signal.aborted || abort !== controller) return;
      abort = null;
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    })();
  };

  function stop() {
    clearTimeout(retryTimer);
    abort?.abort();
    abort = null;
  }

  onSessionTokenChanged(() => {
    if (browserListeners.size > 0) connect();
  });
  return { connect, stop };
})();

/**
 * Calls `listener` with each batch of change events this window's member may see (another window,
 * the CLI, the HTTP API, this window's own writes). Electron: the shell's `prompts:changed` IPC
 * event; a browser tab: the headless bridge's SSE stream (one connection, shared by all listeners).
 * @returns unsubscribe
 */
export function onChanges(listener: ChangesListener): () => void {
  if (window.promptdeskEvents) return window.promptdeskEvents.on('prompts:changed', listener);
  browserListeners.add(listener);
  if (browserListeners.size === 1) browserStream.connect();
  return () => {
    browserListeners.delete(listener);
    if (browserListeners.size === 0) browserStream.stop();
  };
}
