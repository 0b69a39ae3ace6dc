import type { Store } from '../../store/store';
import type { Ctx } from '../context';
import type { ChangeEvent, ChangeKind } from '../../../shared/schemas/changes';
import type { Action, SharePermission, SharingLevel } from '../../../shared/schemas/sharing';
import { subjectOf, visibleActions, type AccessSubject } from '../sharing/access';
import { TEST_CASES_ACTION } from '../runs/test-cases-service';
import { READINESS_ACTION } from '../readiness/readiness-service';
import { RUN_LOGS_ACTION } from '../logs/logs-service';
import { SERVED_VERSION_ACTION } from '../runs/run-service';
import { VERSIONS_ACTION } from '../versions/versions-service';
import { StreamLimits } from './stream-limits';
import { AppError } from '../errors';

/**
 * The change stream (issue 13). Rows are written by triggers in the same transaction as the
 * change (migration 0190-changes.ts), so a rolled-back write has no event, and every writer of
 * the data folder is covered, other processes included. The feed polls the table's newest `seq`
 * (one primary-key lookup) every `pollMs` while anyone is subscribed: `PRAGMA data_version` would
 * not see this connection's own commits, and the poll is cheaper than the read it guards.
 * Each subscriber has its own cursor, so a slow or resuming one never holds others back.
 *
 * Cost (attack F1): a poll reads each new row once for all subscribers, checks each subscriber's
 * member once (subscribers sharing an `identity` share one check), decides visibility once per
 * (row, member and door) and hands the same event object to every stream of that member, so
 * delivery does not grow with the number of streams one member holds beyond the hand-over. A
 * poll handles at most one page of rows synchronously and yields before the next.
 */
export interface ChangeFeed {
  /** The newest committed `seq` (0 before any change). */
  latestSeq(): number;
  /**
   * Whether resuming after `since` has lost events (the one rule, for a resume and for an open
   * stream alike): `since` is newer than the stream (another data folder) or rows after it were
   * pruned. Such a subscriber gets one `reset` event (seq = the newest) and continues from there.
   */
  resumeLost(since: number): boolean;
  /**
   * Delivers, in order and once each, every event after `since` that the member may see when it
   * is delivered (undefined: from now on). `member` is called once per poll that has rows for this
   * subscriber, and at least every `recheckMs` while it is idle, so a role change, deactivation,
   * revoked or expired key applies at once; if it throws an AppError (a decision: unauthenticated,
   * forbidden, ...), the subscription ends and `onEnd` gets the error. Any other error (the store
   * busy with another process's write, a read failing for a moment) skips this subscriber for that
   * poll, its cursor kept, and it is asked again at the next; only after `TRANSIENT_GRACE_MS` of
   * nothing but such failures does the subscription end with the last of them. A `since` outside the retained window gets one `reset` event first, and so does an
   * open subscription whose next rows were pruned before it read them.
   * Delivery is asynchronous: nothing is delivered before this returns.
   * @param options.identity subscribers with the same identity (e.g. `key:<id>`) share one
   *   `member()` call per poll: their checks must be the same function of the same credential
   * @returns unsubscribe (idempotent)
   */
  subscribe(
    member: () => Ctx,
    since: number | undefined,
    listener: (event: ChangeEvent) => void,
    onEnd?: (error: unknown) => void,
    options?: { identity?: string },
  ): () => void;
  /** How many subscriptions are open (a door that forgets to unsubscribe shows here: tests count it). */
  subscriberCount(): number;
  /** Checks for new rows now rather than at the next poll, and checks every subscriber's member again. */
  poke(): void;
  /** The open-stream caps every streaming door takes a slot from (core/changes/stream-limits.ts). */
  readonly streams: StreamLimits;
  close(): void;
}

export interface ChangeFeedOptions {
  /** How often the table is polled while anyone is subscribed (ms, default 50). */
  pollMs?: number;
  /** How often idle subscribers' members are checked again (ms, default 1000): an expired key ends its stream within this. */
  recheckMs?: number;
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

/** What a `sharing.changed` row of the prompt's own columns recorded of the OLD row (migration 0250). */
interface OldAccess {
  owner: string;
  level: SharingLevel;
  api: number;
}

/**
 * Per prompt event kind, what a member must be allowed to do with the prompt to receive it: the
 * action of the service that shows the thing the event is about (imported from it, never copied),
 * or `visible` for what the prompt list shows to anyone who can see the prompt at all.
 * A list means any one of them. Runs are also the runner's own (see deliverable). Every version
 * event goes to whoever may list the versions (a reader's Versions tab) or run the prompt: any
 * save, edit, promotion, pin or deletion may change the version served to a runner (pinned, else
 * published, else newest), whose number and variables the run form and MCP's prompt list show
 * them; the event carries a number and column names, never text.
 */
const VERSION_EVENT_ACTIONS: readonly Action[] = [VERSIONS_ACTION, SERVED_VERSION_ACTION];
export const EVENT_ACTION: Record<Exclude<ChangeKind, 'member.changed' | 'key.changed' | 'integration.changed' | 'access.changed' | 'reset'>, Action | readonly Action[] | 'visible'> = {
  'prompt.created': 'visible',
  'prompt.updated': 'visible',
  'prompt.deleted': 'visible',
  'sharing.changed': 'visible',
  'version.saved': VERSION_EVENT_ACTIONS,
  'version.updated': VERSION_EVENT_ACTIONS,
  'version.promoted': VERSION_EVENT_ACTIONS,
  'deployment.pinned': VERSION_EVENT_ACTIONS,
  'run.logged': RUN_LOGS_ACTION,
  'run.rated': RUN_LOGS_ACTION,
  'testcase.changed': TEST_CASES_ACTION,
  'readiness.changed': READINESS_ACTION,
};

/**
 * Whether `ctx`'s member could see the prompt before the access change in `row` (its recorded
 * old owner, level and API access, with their share as it is: a share change is its own row).
 * A row without the record (written before migration 0250) counts as yes.
 */
function couldSeeBefore(ctx: Ctx, row: ChangeRow): boolean {
  if (!row.access || !row.prompt_id) return true;
  const old = JSON.parse(row.access) as OldAccess;
  const share = ctx.store.shares.permissionOf(row.prompt_id, ctx.actor.id);
  return visibleActions(ctx, { ownerId: old.owner, sharingLevel: old.level, share }, old.api === 1).size > 0;
}

/**
 * The event as `ctx`'s member may receive it, or null: the one delivery rule.
 * - Prompt events: only if the prompt is visible to them now (visibleActions, the rule every read
 *   uses; API callers also need the prompt's API access) and they may do what the service showing
 *   that thing requires (EVENT_ACTION: test cases need edit, versions read, ...). A deleted prompt
 *   is judged by who could see it when it was deleted. Runs: also the runner.
 * - A prompt they cannot see: nothing, except a sharing change that concerns them (their share,
 *   or the prompt's level/API access/owner when they could see it before) which becomes
 *   `access.changed` with no prompt: the prompt may just have been hidden from them, so they
 *   refetch their list; nothing names it. Members who never could see it hear nothing.
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
    if (row.kind !== 'sharing.changed') return null;
    const concernsThem = row.user_id === null ? couldSeeBefore(ctx, row) : row.user_id === actor.id;
    return concernsThem ? { seq: row.seq, kind: 'access.changed', at: row.at } : null;
  }
  const needs = EVENT_ACTION[row.kind as keyof typeof EVENT_ACTION] ?? 'visible';
  const runnersOwn = row.kind.startsWith('run.') && row.user_id === actor.id;
  const permitted = needs === 'visible' || (typeof needs === 'string' ? allowed.has(needs) : needs.some((action) => allowed.has(action)));
  if (!permitted && !runnersOwn) return null;
  return eventOf(row, live ? live.name : row.prompt_name);
}

interface Subscriber {
  cursor: number;
  member: () => Ctx;
  listener: (event: ChangeEvent) => void;
  onEnd?: (error: unknown) => void;
  identity: string | undefined;
  closed: boolean;
  /** When `member()` began failing with errors that are not decisions (ms epoch); undefined while it answers. */
  failingSince?: number;
}

/**
 * How long a subscriber's check may keep failing with errors that are not access decisions before
 * its subscription ends (ms). A stream must survive another process holding the write lock for a
 * few seconds (busy_timeout is 5 s) without being ended as though access had been revoked.
 */
const TRANSIENT_GRACE_MS = 30_000;

/**
 * With PROMPTDESK_TRACE_CHANGES=1, one stderr line per subscription start and end and per row a
 * poll hands out (who got what): for finding out, in a process of its own (MCP over stdio), why
 * an event did not arrive. Off by default; never on stdout, which may carry a protocol.
 */
const TRACE_CHANGES = process.env['PROMPTDESK_TRACE_CHANGES'] === '1';
const traceChanges = (line: string): void => {
  if (TRACE_CHANGES) process.stderr.write(`[changes ${Date.now()}] ${line}\n`);
};

/** One `reset` event: the subscriber refetches everything and continues after `seq`. */
const resetAt = (seq: number): ChangeEvent => ({ seq, kind: 'reset', at: new Date().toISOString() });

/** The feed over one store; see ChangeFeed. */
export function createChangeFeed(store: Store, options: ChangeFeedOptions = {}): ChangeFeed {
  const pollMs = options.pollMs ?? 50;
  const recheckMs = options.recheckMs ?? 1000;
  const db = store.db;
  const latest = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM changes');
  const oldest = db.prepare<[], { seq: number | null }>('SELECT min(seq) AS seq FROM changes');
  const after = db.prepare<[number, number], ChangeRow>('SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?');
  const deletedRow = db.prepare<[string], { access: string }>(
    "SELECT access FROM changes WHERE prompt_id = ? AND kind = 'prompt.deleted' ORDER BY seq DESC LIMIT 1",
  );
  const subscribers = new Set<Subscriber>();
  const streams = new StreamLimits();
  let timer: NodeJS.Timeout | null = null;
  let pumping = false;
  let again = false;
  let lastCheck = Date.now();

  const latestSeq = () => latest.get()?.seq ?? 0;
  const deletedAccess = (promptId: string) => {
    const found = deletedRow.get(promptId);
    return found ? (JSON.parse(found.access) as DeletedAccess) : undefined;
  };
  const lost = (since: number, newest: number) => since > newest || (since < newest && (oldest.get()?.seq ?? newest + 1) > since + 1);

  function end(sub: Subscriber, error: unknown): void {
    if (sub.closed) return;
    traceChanges(`end at cursor ${sub.cursor}${error === undefined ? '' : `: ${String(error)}`}`);
    sub.closed = true;
    subscribers.delete(sub);
    if (subscribers.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
    sub.onEnd?.(error);
  }

  /** Hands `event` to one subscriber; a listener that throws ends its own subscription, never the others' delivery. */
  function deliver(sub: Subscriber, event: ChangeEvent): void {
    try {
      sub.listener(event);
    } catch (error) {
      end(sub, error);
    }
  }

  /**
   * Each subscriber's member, checked now: once per identity (or per subscriber without one).
   * A check that throws ends every subscriber that shares it.
   */
  function contexts(subs: Subscriber[]): Map<Subscriber, Ctx> {
    const shared = new Map<string, Ctx | { failed: unknown }>();
    const out = new Map<Subscriber, Ctx>();
    for (const sub of subs) {
      if (sub.closed) continue;
      let result = sub.identity === undefined ? undefined : shared.get(sub.identity);
      if (result === undefined) {
        try {
          result = sub.member();
        } catch (error) {
          result = { failed: error };
        }
        if (sub.identity !== undefined) shared.set(sub.identity, result);
      }
      if (!('failed' in result)) {
        sub.failingSince = undefined;
        out.set(sub, result);
        continue;
      }
      const now = Date.now();
      sub.failingSince ??= now;
      if (result.failed instanceof AppError || now - sub.failingSince >= TRANSIENT_GRACE_MS) end(sub, result.failed);
    }
    return out;
  }

  /** One poll: a page of new rows to every subscriber behind, or (when due or poked) a check of idle ones. */
  function pumpPage(force: boolean): void {
    const newest = latestSeq();
    const behind = [...subscribers].filter((sub) => sub.cursor < newest);
    if (force || Date.now() - lastCheck >= recheckMs) {
      lastCheck = Date.now();
      const idle = [...subscribers].filter((sub) => sub.cursor >= newest);
      contexts(idle);
    }
    if (behind.length === 0) return;
    // Rows this subscriber has not read were pruned: the same reset a resume from there gets.
    for (const sub of behind) {
      if (!sub.closed && lost(sub.cursor, newest)) {
        sub.cursor = newest;
        deliver(sub, resetAt(newest));
      }
    }
    const live = behind.filter((sub) => !sub.closed && sub.cursor < newest);
    if (live.length === 0) return;
    const from = live.reduce((min, sub) => Math.min(min, sub.cursor), Number.POSITIVE_INFINITY);
    const rows = after.all(from, PAGE);
    const ctxOf = contexts(live);
    // Subscribers grouped by who they see as: one decision per (row, group).
    const groups = new Map<string, { ctx: Ctx; subs: Subscriber[] }>();
    for (const [sub, ctx] of ctxOf) {
      const viewer = `${ctx.actor.id}|${ctx.via ? 'api' : 'app'}`;
      const group = groups.get(viewer);
      if (group) group.subs.push(sub);
      else groups.set(viewer, { ctx, subs: [sub] });
    }
    for (const row of rows) {
      for (const { ctx, subs } of groups.values()) {
        let event: ChangeEvent | null | undefined;
        for (const sub of subs) {
          if (sub.closed || sub.cursor >= row.seq) continue;
          sub.cursor = row.seq;
          if (event === undefined) event = deliverable(ctx, row, deletedAccess);
          traceChanges(`row ${row.seq} ${row.kind} -> ${event ? event.kind : 'not shown'}`);
          if (event) deliver(sub, event);
        }
      }
    }
    // More than a page: the rest after other work had a turn (a poll never holds the loop for long).
    if (rows.length === PAGE) again = true;
  }

  function pump(force = false): void {
    // A listener that writes (and so could poke) must not re-enter the loop over subscribers.
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    again = false;
    try {
      pumpPage(force);
    } catch (error) {
      traceChanges(`poll failed: ${String(error)}`);
      // A read that failed for a moment (another process's checkpoint, a busy lock): cursors only
      // move as rows are delivered, so the next poll picks up where this one stopped.
    } finally {
      pumping = false;
    }
    if (again && subscribers.size > 0) setImmediate(() => pump());
  }

  return {
    latestSeq,
    resumeLost: (since) => lost(since, latestSeq()),
    subscribe(member, since, listener, onEnd, subscribeOptions) {
      const newest = latestSeq();
      const sub: Subscriber = { cursor: newest, member, listener, onEnd, identity: subscribeOptions?.identity, closed: false };
      // Rows since+1.. must all still be there: else some were pruned (or `since` is from
      // another stream) and the client must start over.
      const reset = since !== undefined && lost(since, newest);
      if (since !== undefined && !reset) sub.cursor = since;
      subscribers.add(sub);
      traceChanges(`subscribe at ${sub.cursor}${since === undefined ? '' : ` (since ${since})`}`);
      timer ??= setInterval(() => pump(), pollMs).unref();
      setImmediate(() => {
        if (sub.closed) return;
        if (reset) deliver(sub, resetAt(newest));
        pump();
      });
      return () => end(sub, undefined);
    },
    subscriberCount: () => subscribers.size,
    poke: () => pump(true),
    streams,
    close() {
      for (const sub of [...subscribers]) end(sub, undefined);
    },
  };
}
