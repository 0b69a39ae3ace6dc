import type { Store } from '../../store/store';
import type { Ctx } from '../context';
import type { ChangeEvent, ChangeKind } from '../../../shared/schemas/changes';
import type { SharePermission, SharingLevel } from '../../../shared/schemas/sharing';
import { subjectOf, visibleActions, type AccessSubject } from '../sharing/access';

/**
 * The change stream (issue 13). Rows are written by triggers in the same transaction as the
 * change (migration 0190-changes.ts), so a rolled-back write has no event, and every writer of
 * the data folder is covered, other processes included. The feed polls the table's newest `seq`
 * (one primary-key lookup) every `pollMs` while anyone is subscribed: `PRAGMA data_version` would
 * not see this connection's own commits, and the poll is cheaper than the read it guards.
 * Each subscriber has its own cursor, so a slow or resuming one never holds others back.
 */
export interface ChangeFeed {
  /** The newest committed `seq` (0 before any change). */
  latestSeq(): number;
  /**
   * Delivers, in order and once each, every event after `since` that the member may see when it
   * is delivered (undefined: from now on). `member` is called for every batch so a role change,
   * deactivation or revoked key applies at once; if it throws, the subscription ends and `onEnd`
   * gets the error. A `since` outside the retained window gets one `reset` event first.
   * Delivery is asynchronous: nothing is delivered before this returns.
   * @returns unsubscribe (idempotent)
   */
  subscribe(member: () => Ctx, since: number | undefined, listener: (event: ChangeEvent) => void, onEnd?: (error: unknown) => void): () => void;
  /** How many subscriptions are open (a door that forgets to unsubscribe shows here: tests count it). */
  subscriberCount(): number;
  /** Checks for new rows now rather than at the next poll (after a local write, in tests). */
  poke(): void;
  close(): void;
}

export interface ChangeFeedOptions {
  /** How often the table is polled while anyone is subscribed (ms, default 50). */
  pollMs?: number;
}

export interface ChangeRow {
  seq: number;
  kind: ChangeKind;
  at: string;
  prompt_id: string | null;
  prompt_name: string | null;
  version: number | null;
  previous_version: number | null;
  run_id: string | null;
  user_id: string | null;
  fields: string | null;
  access: string | null;
}

/** Who could see a deleted prompt, recorded by its delete trigger. */
interface DeletedAccess {
  owner: string;
  level: SharingLevel;
  api: number;
  shares: Record<string, SharePermission> | null;
}

const PAGE = 500;
const WORKSPACE_KINDS: ReadonlySet<ChangeKind> = new Set(['member.changed', 'key.changed', 'integration.changed']);

/** The event as stored, before deciding who sees it. */
function eventOf(row: ChangeRow, name: string | null): ChangeEvent {
  const event: ChangeEvent = { seq: row.seq, kind: row.kind, at: row.at };
  if (row.prompt_id && name !== null) event.prompt = { id: row.prompt_id, name };
  if (row.kind.startsWith('version.') || row.kind.startsWith('run.') || row.kind === 'deployment.pinned') event.version = row.version;
  if (row.kind === 'version.promoted' || row.kind === 'deployment.pinned') event.previousVersion = row.previous_version;
  if (row.run_id) event.runId = row.run_id;
  if (row.fields) event.fields = JSON.parse(row.fields) as string[];
  return event;
}

/**
 * The event as `ctx`'s member may receive it, or null: the one delivery rule.
 * - Prompt events: only if the prompt is visible to them now (visibleActions, the rule every read
 *   uses; API callers also need the prompt's API access). A deleted prompt is judged by who could
 *   see it when it was deleted. Runs: the runner, or members who may read the prompt.
 * - A prompt they cannot see: nothing, except a sharing change that concerns them (their share,
 *   or the prompt's level/API access/owner) which becomes `access.changed` with no prompt: the
 *   prompt may just have been hidden from them, so they refetch their list; nothing names it.
 * - Workspace events: members and keys reach admins and the member concerned; integrations reach admins.
 */
export function deliverable(ctx: Ctx, row: ChangeRow, deletedAccess: (promptId: string) => DeletedAccess | undefined): ChangeEvent | null {
  const actor = ctx.actor;
  if (!actor.isActive) return null;
  if (WORKSPACE_KINDS.has(row.kind)) {
    const mine = row.kind !== 'integration.changed' && row.user_id === actor.id;
    return actor.role === 'admin' || mine ? eventOf(row, null) : null;
  }
  if (!row.prompt_id) return null;
  const live = ctx.store.prompts.getRowById(row.prompt_id);
  let subject: AccessSubject;
  let api: boolean;
  if (live) {
    subject = subjectOf(ctx, live);
    api = live.api_access === 1;
  } else {
    const gone = deletedAccess(row.prompt_id);
    if (!gone) return null;
    subject = { ownerId: gone.owner, sharingLevel: gone.level, share: gone.shares?.[actor.id] ?? null };
    api = gone.api === 1;
  }
  const allowed = visibleActions(ctx, subject, api);
  if (allowed.size === 0) {
    const concernsThem = row.kind === 'sharing.changed' && (row.user_id === null || row.user_id === actor.id);
    return concernsThem ? { seq: row.seq, kind: 'access.changed', at: row.at } : null;
  }
  if (row.kind.startsWith('run.') && !allowed.has('read') && row.user_id !== actor.id) return null;
  return eventOf(row, live ? live.name : row.prompt_name);
}

interface Subscriber {
  cursor: number;
  member: () => Ctx;
  listener: (event: ChangeEvent) => void;
  onEnd?: (error: unknown) => void;
  closed: boolean;
}

/** The feed over one store; see ChangeFeed. */
export function createChangeFeed(store: Store, options: ChangeFeedOptions = {}): ChangeFeed {
  const pollMs = options.pollMs ?? 50;
  const db = store.db;
  const latest = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM changes');
  const oldest = db.prepare<[], { seq: number | null }>('SELECT min(seq) AS seq FROM changes');
  const after = db.prepare<[number, number], ChangeRow>('SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?');
  const deletedRow = db.prepare<[string], { access: string }>(
    "SELECT access FROM changes WHERE prompt_id = ? AND kind = 'prompt.deleted' ORDER BY seq DESC LIMIT 1",
  );
  const subscribers = new Set<Subscriber>();
  let timer: NodeJS.Timeout | null = null;
  let pumping = false;

  const latestSeq = () => latest.get()?.seq ?? 0;
  const deletedAccess = (promptId: string) => {
    const found = deletedRow.get(promptId);
    return found ? (JSON.parse(found.access) as DeletedAccess) : undefined;
  };

  function end(sub: Subscriber, error: unknown): void {
    if (sub.closed) return;
    sub.closed = true;
    subscribers.delete(sub);
    if (subscribers.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
    sub.onEnd?.(error);
  }

  function pumpOne(sub: Subscriber, newest: number): void {
    while (!sub.closed && sub.cursor < newest) {
      const rows = after.all(sub.cursor, PAGE);
      if (rows.length === 0) break;
      let ctx: Ctx;
      try {
        ctx = sub.member();
      } catch (error) {
        end(sub, error);
        return;
      }
      for (const row of rows) {
        if (sub.closed) return;
        sub.cursor = row.seq;
        const event = deliverable(ctx, row, deletedAccess);
        try {
          if (event) sub.listener(event);
        } catch (error) {
          // A listener that throws ends its own subscription, never the others' delivery.
          end(sub, error);
          return;
        }
      }
    }
  }

  function pump(): void {
    // A listener that writes (and so could poke) must not re-enter the loop over subscribers.
    if (pumping) return;
    pumping = true;
    try {
      const newest = latestSeq();
      for (const sub of [...subscribers]) pumpOne(sub, newest);
    } finally {
      pumping = false;
    }
  }

  return {
    latestSeq,
    subscribe(member, since, listener, onEnd) {
      const newest = latestSeq();
      const sub: Subscriber = { cursor: newest, member, listener, onEnd, closed: false };
      let reset = false;
      if (since !== undefined) {
        // Rows since+1.. must all still be there: else some were pruned (or `since` is from
        // another stream) and the client must start over.
        const first = oldest.get()?.seq ?? newest + 1;
        if (since > newest || (since < newest && first > since + 1)) reset = true;
        else sub.cursor = since;
      }
      subscribers.add(sub);
      timer ??= setInterval(pump, pollMs).unref();
      setImmediate(() => {
        if (sub.closed) return;
        if (reset) listener({ seq: newest, kind: 'reset', at: new Date().toISOString() });
        pump();
      });
      return () => end(sub, undefined);
    },
    subscriberCount: () => subscribers.size,
    poke: pump,
    close() {
      for (const sub of [...subscribers]) end(sub, undefined);
    },
  };
}
