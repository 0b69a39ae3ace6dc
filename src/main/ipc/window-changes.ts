import type { ChangeFeed } from '../core/changes/change-feed';
import type { Ctx } from '../core/context';
import type { AppEvent } from '../../shared/contract/channels';
import type { ChangeEvent } from '../../shared/schemas/changes';

/**
 * What forwarding needs of a window: Electron's `WebContents` satisfies it, a test passes a fake.
 * Kept to these two calls so the decision below runs (and is tested) without Electron.
 */
export interface ChangesTarget {
  send(channel: AppEvent, events: ChangeEvent[]): void;
  isDestroyed(): boolean;
}

export interface ForwardChangesOptions {
  /**
   * Runs `flush` once the feed has delivered what it had (default `setImmediate`): the feed hands
   * over a poll's events synchronously, so one deferred flush sends them as one batch.
   */
  defer?: (flush: () => void) => void;
}

/**
 * Sends `target` the change stream as the member it acts as sees it: one `prompts:changed` IPC
 * message per burst, carrying the typed events (shared/schemas/changes.ts) in commit order, the
 * same events a browser tab gets from `GET /bridge/changes`.
 *
 * - Who sees what is the feed's one rule (core/changes/change-feed.ts `deliverable`), judged for
 *   `member()` as it is when the feed reads each page, so an "Acting as" switch applies at once.
 * - An event judged for a member the window no longer acts as when the batch leaves (a switch
 *   between the feed's read and the send) is not sent: it may name a prompt the new member cannot
 *   see. One `reset` event (no prompt) goes instead, so the window refetches what it shows.
 * - A destroyed target ends the subscription (checked before each send; the shell also calls the
 *   returned stop when the window closes), so closed windows leave no subscriber behind. A `send`
 *   that throws ends it too. If `member()` throws, the feed ends the subscription.
 * @returns stop (idempotent): unsubscribes and drops what has not been sent
 * @example
 * const stop = forwardChanges(workspace.changes, () => workspace.as(host.currentUserId()), window.webContents);
 * window.on('closed', stop);
 */
export function forwardChanges(feed: ChangeFeed, member: () => Ctx, target: ChangesTarget, options: ForwardChangesOptions = {}): () => void {
  const defer = options.defer ?? ((flush: () => void) => void setImmediate(flush));
  let stopped = false;
  /** The member the feed is judging rows for now (set each time it asks). */
  let judgedFor = '';
  let pending: { event: ChangeEvent; memberId: string }[] = [];

  const judge = (): Ctx => {
    const ctx = member();
    judgedFor = ctx.actor.id;
    return ctx;
  };

  const stop = () => {
    if (stopped) return;
    stopped = true;
    pending = [];
    unsubscribe();
  };

  const flush = () => {
    const batch = pending;
    pending = [];
    if (stopped || batch.length === 0) return;
    if (target.isDestroyed()) return stop();
    let actingAs: string;
    try {
      actingAs = member().actor.id;
    } catch {
      return stop();
    }
    const events = batch.filter((item) => item.memberId === actingAs).map((item) => item.event);
    const dropped = batch.filter((item) => item.memberId !== actingAs);
    if (dropped.length > 0) {
      const last = dropped[dropped.length - 1]!.event;
      events.unshift({ seq: last.seq, kind: 'reset', at: last.at });
    }
    try {
      target.send('prompts:changed', events);
    } catch {
      // Destroyed between the check and the send: nothing more can reach it.
      stop();
    }
  };

  const unsubscribe = feed.subscribe(
    judge,
    undefined,
    (event) => {
      if (stopped) return;
      pending.push({ event, memberId: judgedFor });
      if (pending.length === 1) defer(flush);
    },
    () => {
      stopped = true;
      pending = [];
    },
  );
  return stop;
}
