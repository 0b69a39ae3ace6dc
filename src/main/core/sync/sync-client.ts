import { SYNC_PROTOCOL, type PullAnswer, type PushAnswer, type SyncOp } from '../../../shared/schemas/sync';
import type { ChangeEvent } from '../../../shared/schemas/changes';

/** The fetch the client uses: global fetch by default; tests and the fault-injecting proxy pass their own. */
export type SyncFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface SyncClientOptions {
  /** The team server's address, e.g. `https://prompts.example.com` (no path). */
  serverUrl: string;
  /** The device token (or a member's API key), sent as `Authorization: Bearer`. */
  credential: string;
  fetch?: SyncFetch;
  /** Milliseconds a pull or push may take before it counts as a lost connection (default 60 s). */
  timeoutMs?: number;
}

/** The server answered, but refused (4xx/5xx): not a lost connection. `problem` is its problem+json. */
export class SyncHttpError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { code?: string; detail?: string; field?: string } | null,
  ) {
    super(`The team server answered ${status}${problem?.detail ? `: ${problem.detail}` : ''}`);
    this.name = 'SyncHttpError';
  }
}

export interface SyncClient {
  readonly serverUrl: string;
  pull(cursor: string, limit: number): Promise<PullAnswer>;
  push(ops: SyncOp[]): Promise<PushAnswer>;
  /**
   * Follows the server's change signal (`GET /api/v1/sync/changes`) and calls `onChange` once
   * when the stream opens, with null (the server is reachable again, and whatever changed while
   * the stream was closed, here or there, is due: the server itself sends only `: connected`
   * then), and for each event after, with the event as the server sent it (null if its data is
   * not JSON); resolves when the stream ends, rejects when it cannot be opened. `signal` closes it.
   */
  follow(onChange: (event: ChangeEvent | null) => void, signal: AbortSignal): Promise<void>;
}

/**
 * The desktop's only HTTP client for the sync (docs/sync.md): every request the engine makes goes
 * through here, so the server address and the transport can be swapped (a proxy, a test fetch).
 * A body is read in full and parsed before anything is returned: an answer cut anywhere is an
 * error, and nothing of it is applied.
 */
export function createSyncClient(options: SyncClientOptions): SyncClient {
  const base = options.serverUrl.replace(/\/+$/, '');
  const doFetch: SyncFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const headers = { authorization: `Bearer ${options.credential}`, accept: 'application/json' };

  async function json<T>(path: string, init: RequestInit): Promise<T> {
    const signal = AbortSignal.timeout(timeoutMs);
    const res = await doFetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, signal });
    const text = await res.text();
    if (!res.ok) {
      let problem = null;
      try {
        problem = JSON.parse(text) as SyncHttpError['problem'];
      } catch {
        // Not problem+json (a proxy's page): the status says enough.
      }
      throw new SyncHttpError(res.status, problem);
    }
    return JSON.parse(text) as T;
  }

  return {
    serverUrl: base,
    pull: (cursor, limit) => json<PullAnswer>(`/api/v1/sync/pull?cursor=${encodeURIComponent(cursor)}&limit=${limit}`, { method: 'GET' }),
    push: (ops) =>
      json<PushAnswer>('/api/v1/sync/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: SYNC_PROTOCOL, ops }),
      }),
    async follow(onChange, signal) {
      const res = await doFetch(`${base}/api/v1/sync/changes`, { method: 'GET', headers: { ...headers, accept: 'text/event-stream' }, signal });
      if (!res.ok || !res.body) throw new SyncHttpError(res.status, null);
      onChange(null);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          // Comments (": heartbeat", ": connected") only keep the connection open.
          const data = block.split('\n').find((line) => line.startsWith('data:'));
          if (data !== undefined) onChange(eventOf(data.slice(5)));
        }
      }
    },
  };
}

/** A signal's `data:` as the change event it carries; null when it is not one (still a signal: the engine syncs). */
function eventOf(data: string): ChangeEvent | null {
  try {
    const event = JSON.parse(data) as ChangeEvent | null;
    return event !== null && typeof event === 'object' && typeof event.kind === 'string' ? event : null;
  } catch {
    return null;
  }
}
