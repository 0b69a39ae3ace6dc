import type { Ctx } from '../context';
import type { Workspace } from '../workspace';
import { applyPullPage, REPLICA_SETTINGS, replicaOf } from './replica-apply';
import { applyResults, OUTBOX_PHASES, outboxOps, pushPages, type OutboxPhase } from './outbox';
import { SyncHttpError, type SyncClient } from './sync-client';
import type { ChangeEvent } from '../../../shared/schemas/changes';
import { keepUnsentOf } from './keep-unsent';
import { isServerBehind, markServerBehind, serverBehindMessage, serverBehindOf } from './server-behind';

/**
 * `revoked`: the server refused this device's token (401: revoked by the member or an admin, or the member deactivated); only leaving and joining again helps.
 * `behind`: the server's newest change is older than this desktop's cursor (409 at `cursor`: restored from a backup), or a push was answered with a number held here by another version; `lastError` says so (server-behind.ts). Nothing is sent or pulled until Leave.
 */
export type SyncState = 'online' | 'offline' | 'syncing' | 'revoked' | 'behind';

/** What the status says of a device the team server no longer accepts. */
export const DEVICE_REVOKED = 'This device was revoked on the team server: leave the team (your unsent changes can be kept as personal prompts) and join again';

/** What the sync indicator shows (channel `sync:status`). */
export interface SyncStatus {
  state: SyncState;
  server: string;
  /** When the last complete sync (push and pull) ended; null before the first. */
  lastSyncedAt: string | null;
  /** Changes made here that wait for the server (versions, promotions, runs). */
  pending: number;
  lastError: string | null;
  notices: { id: string; kind: string; message: string; at: string }[];
}

export interface SyncEngineOptions {
  /** What the engine needs of a workspace (a `Workspace` fits). */
  workspace: Pick<Workspace, 'store' | 'clock' | 'changes' | 'owner' | 'runtime'>;
  client: SyncClient;
  /** Entities per pull page (default 100). */
  pullLimit?: number;
  /** Milliseconds a burst of local changes is gathered before a sync (default 300; the server's signal waits at most 50). */
  debounceMs?: number;
  /** Reconnect delays of the server signal after a failure: from `minMs`, doubling, at most `maxMs`. */
  backoff?: { minMs: number; maxMs: number };
}

export interface SyncEngine {
  /** Pushes what waits, pulls until the replica is current, then pushes runs (cut to the levels just pulled); resolves with the status after. Concurrent calls share one run (then one more). */
  syncNow(): Promise<SyncStatus>;
  status(): SyncStatus;
  /** Background sync: after local changes to team prompts and runs, and when the server signals one; never on a timer. */
  start(): void;
  stop(): void;
  onStatus(listener: (status: SyncStatus) => void): () => void;
}

/**
 * The desktop's sync engine (docs/sync.md). One per data folder that joined a team; the server
 * address and transport are the client's (sync-client.ts), so a proxy or a test fetch can stand
 * between. Offline (the server unreachable) is a state, not an error: saves go on locally and
 * wait in the outbox; the next sync sends them.
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { workspace, client } = options;
  const { store, clock } = workspace;
  const pullLimit = options.pullLimit ?? 100;
  const debounceMs = options.debounceMs ?? 300;
  const signalDebounceMs = Math.min(debounceMs, 50);
  const backoff = options.backoff ?? { minMs: 1000, maxMs: 60_000 };
  const listeners = new Set<(status: SyncStatus) => void>();
  // A server found behind before a restart is still behind (only Leave clears the mark): said
  // from the start, not "Offline" until the first sync.
  const behindAtStart = serverBehindOf(store);
  let state: SyncState = behindAtStart === null ? 'offline' : 'behind';
  let lastSyncedAt: string | null = null;
  let lastError: string | null = behindAtStart;
  let running: Promise<SyncStatus> | null = null;
  /** A caller, the server's signal or a retry asked for another pass while one ran. */
  let again = false;
  /** A local change asked for another pass while one ran: due only if something still waits when it ends. */
  let againForLocal = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = true;
  let unsubscribe: (() => void) | null = null;
  let follow: AbortController | null = null;
  let wakeFollow: (() => void) | null = null;

  // The store's part of the status, as last read: a sync still in flight when its host closes
  // the store answers with it instead of throwing from a closed database.
  let stored: Pick<SyncStatus, 'pending' | 'notices'> = { pending: 0, notices: [] };
  const status = (): SyncStatus => {
    try {
      stored = {
        pending: replicaOf(store).countPending(),
        notices: replicaOf(store)
          .notices(20)
          .map((n) => ({ id: n.id, kind: n.kind, message: n.message, at: n.at })),
      };
    } catch {
      // Closed (the host is shutting down): the last reading stands.
    }
    return { state, server: client.serverUrl, lastSyncedAt, lastError, ...stored };
  };
  const emit = () => {
    const now = status();
    for (const listener of listeners) listener(now);
  };

  // As the data folder's owner (an admin here): every local change is seen, whoever made it, and
  // work the team refused is kept as the owner's personal prompt (outbox.ts applyResults).
  const actAs = (): Ctx => ({ store, clock, actor: store.users.get(workspace.owner.id) ?? workspace.owner, runtime: workspace.runtime });

  // Runs this desktop pushed and the server logged: the server's signal for each is this pass's
  // own write coming back, and needs no pass of its own (the next pull brings it, a no-op here).
  // Runs are pushed last in a pass, so without this every run made a second pass a moment after.
  const ownRuns = new Set<string>();
  const OWN_RUNS_KEPT = 10_000;

  async function push(phases: readonly OutboxPhase[]): Promise<void> {
    for (const phase of phases) {
      // Built per phase, after the previous phase's answers: promotions name final numbers.
      for (const page of pushPages(outboxOps(store, phase))) {
        const answer = await client.push(page);
        applyResults(store, clock, page, answer.results, actAs);
        // A signal that never came (the stream closed meanwhile) leaves its id here: bounded.
        if (ownRuns.size > OWN_RUNS_KEPT) ownRuns.clear();
        page.forEach((op, i) => {
          if (op.kind === 'run.log' && answer.results[i]?.status === 'applied') ownRuns.add(op.id);
        });
      }
    }
  }

  /** Whether a server signal is only the echo of a run this desktop pushed (consumed: each echoes once). */
  const isOwnRunEcho = (event: ChangeEvent | null): boolean =>
    event !== null && event.kind === 'run.logged' && event.runId !== undefined && ownRuns.delete(event.runId);

  /** Pulls until the replica is current (true) or a pass is cut short for a save waiting to be sent (false). */
  async function pull(): Promise<boolean> {
    for (;;) {
      const cursor = store.settings.get<string>(REPLICA_SETTINGS.cursor) ?? '0.0';
      const page = await client.pull(cursor, pullLimit);
      applyPullPage(store, clock, page, (promptId) => void keepUnsentOf(actAs(), promptId, 'you may no longer change it on the team'));
      if (!page.hasMore) return true;
      // Another sync was asked for meanwhile (a local save) and something waits to be sent: end
      // this pass so the next one pushes first, then pulls on from the cursor. Else a team whose
      // runs arrive faster than this desktop pulls them would hold its saves back for good.
      if ((again || againForLocal) && replicaOf(store).countPending() > 0) return false;
    }
  }

  async function once(): Promise<SyncStatus> {
    // The server was found behind this desktop (restored from a backup, attack 14c C1): a push
    // would be given numbers this replica holds for other versions, and a pull from the cursor
    // would skip what the server lost. Nothing is sent or pulled; saves wait here, shown as
    // pending, until Leave (which keeps every team prompt) and joining again (docs/sync.md).
    const behind = serverBehindOfSafe();
    if (behind !== null) {
      state = 'behind';
      lastError = behind;
      poke();
      emit();
      return status();
    }
    state = 'syncing';
    emit();
    try {
      await push(OUTBOX_PHASES.filter((phase) => phase !== 'runs'));
      // Runs leave only after a complete pull: their text is cut to each prompt's logging level
      // as the server has it now (set to None meanwhile: nothing of the text is sent), never to
      // a level this replica has not heard changed yet. A pass cut short sends them next pass.
      if (await pull()) await push(['runs']);
      state = 'online';
      lastError = null;
      markServerBehind(store, null);
      lastSyncedAt = clock.now().toISOString();
      retryMs = backoff.minMs;
    } catch (error) {
      // A refusal (4xx/5xx) means the server is there; anything else (refused, reset, cut, timed out) is offline.
      // 401 is the server no longer accepting this device: no sync will ever work again with this token.
      const revoked = error instanceof SyncHttpError && error.status === 401;
      state = revoked ? 'revoked' : error instanceof SyncHttpError ? 'online' : 'offline';
      lastError = revoked ? DEVICE_REVOKED : error instanceof Error ? error.message : String(error);
      // The server restored from an older backup: its own state, not "Online", and remembered
      // (a setting) so Leave keeps what the server may no longer hold (team-link-service.ts).
      if (isServerBehind(error)) {
        state = 'behind';
        lastError = serverBehindMessage(error);
        try {
          markServerBehind(store, lastError);
        } catch {
          // Closed with its host: the status still says it.
        }
      }
      // Changes still waiting after a lost connection or a server failure (5xx) are tried again
      // with the backoff, even while the signal stream stays open and quiet; a refusal of the
      // request itself (4xx: too large, revoked) would only be refused again.
      const refused = error instanceof SyncHttpError && error.status < 500;
      if (!refused && state !== 'behind' && countPendingSafe() > 0) {
        schedule(retryMs);
        retryMs = Math.min(retryMs * 2, backoff.maxMs);
      }
    }
    poke();
    emit();
    return status();
  }

  /** Whoever follows the local change stream (the renderer's status, what a pull wrote) hears of it now, not at the next poll. */
  function poke(): void {
    try {
      workspace.changes.poke();
    } catch {
      // The feed closed with its host: nobody is listening.
    }
  }

  function syncNow(): Promise<SyncStatus> {
    return passes('call');
  }

  /**
   * Runs a pass, or asks the running one for another after it. `local` (a local change's debounce
   * ended) wants that pass only if something still waits once the running one ends: the running
   * pass pushes what waited, and its own pull's writes (runs and prompts it brought) are local
   * changes too, which must not chain pass after pass.
   */
  function passes(reason: 'call' | 'local'): Promise<SyncStatus> {
    if (running) {
      if (reason === 'local') againForLocal = true;
      else again = true;
      return running;
    }
    running = (async () => {
      let result = await once();
      for (;;) {
        const next = again || (againForLocal && countPendingSafe() > 0);
        again = againForLocal = false;
        if (!next) break;
        result = await once();
      }
      running = null;
      return result;
    })();
    return running;
  }

  /** A sync after `delay` ms, unless one is due sooner: a burst of changes makes one sync. */
  let due = Infinity;
  /** The due sync was asked for by something other than local changes (a signal, a retry, the start). */
  let dueForMore = false;
  let retryMs = backoff.minMs;
  const serverBehindOfSafe = (): string | null => {
    try {
      return serverBehindOf(store);
    } catch {
      return null; // closed with its host
    }
  };
  const countPendingSafe = (): number => {
    try {
      return replicaOf(store).countPending();
    } catch {
      return 0; // closed with its host
    }
  };
  function schedule(delay = debounceMs, reason: 'local' | 'other' = 'other'): void {
    if (stopped) return;
    if (reason === 'other') dueForMore = true;
    const at = Date.now() + delay;
    if (timer && at >= due) return;
    if (timer) clearTimeout(timer);
    due = at;
    timer = setTimeout(() => {
      timer = null;
      due = Infinity;
      const onlyLocal = !dueForMore;
      dueForMore = false;
      // Local changes are due to be pushed: a pass that ran meanwhile may have pushed them already.
      if (onlyLocal && countPendingSafe() === 0) return;
      void passes(onlyLocal ? 'local' : 'call');
    }, delay);
  }

  async function followServer(): Promise<void> {
    let delay = backoff.minMs;
    while (!stopped) {
      follow = new AbortController();
      try {
        let opened = false;
        await client.follow((event) => {
          if (!opened) {
            opened = true;
            delay = backoff.minMs;
            // Echoes still due from before the stream closed may never come: the opening syncs anyway.
            ownRuns.clear();
          }
          if (isOwnRunEcho(event)) return;
          // The server's events come already batched by its change feed: a short wait gathers the rest.
          schedule(signalDebounceMs);
        }, follow.signal);
      } catch {
        // Offline or refused: try again after the backoff.
      }
      if (stopped) return;
      // Whatever ended the stream, changes may have been missed meanwhile: sync, then reconnect.
      schedule();
      await new Promise<void>((resolve) => {
        const wait = setTimeout(resolve, delay);
        wakeFollow = () => {
          clearTimeout(wait);
          resolve();
        };
      });
      wakeFollow = null;
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }

  return {
    syncNow,
    status,
    start() {
      if (!stopped) return;
      stopped = false;
      // Local changes to team prompts (saves, promotions) and runs wait for a sync. The replica's
      // own writes (a pull) are changes too: the sync they ask for runs only if something still
      // waits when its debounce ends (schedule), so a pass's own writes never start the next.
      unsubscribe = workspace.changes.subscribe(actAs, undefined, (event) => {
        if (event.kind === 'run.logged' || event.kind.startsWith('version.') || event.kind === 'prompt.updated' || event.kind === 'testcase.changed') {
          if (replicaOf(store).countPending() > 0) schedule(debounceMs, 'local');
        }
      });
      void followServer();
      schedule();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      unsubscribe?.();
      unsubscribe = null;
      follow?.abort();
      wakeFollow?.();
    },
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
