import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ApiEnv } from '../env';
import type { Workspace } from '../../core/workspace';
import type { Ctx } from '../../core/context';
import type { ChangeEvent } from '../../../shared/schemas/changes';
import { AppError, invalid } from '../../core/errors';
import { requireApiScope, streamKeyCtx } from '../../core/keys/keys-service';
import { DEFAULT_STREAM_LIMITS, MAX_BUFFERED_EVENTS, type StreamHolder } from '../../core/changes/stream-limits';
import { route } from '../route';
import { ERRORS } from './responses';

/** Seconds between heartbeat comments when the client does not ask (`?heartbeat=`). */
export const DEFAULT_HEARTBEAT_S = 15;
/** The one value of query parameter `name`, or undefined; sent twice is a 400 naming it (which one would win is a guess). */
function singleQuery(c: Context<ApiEnv>, name: string): string | undefined {
  const values = c.req.queries(name);
  if (values && values.length > 1) throw invalid(`${name} may be given once`, name);
  return values?.[0];
}

/**
 * A sequence number from the Last-Event-ID header or `?since=`, naming the field it came from.
 * An empty Last-Event-ID header counts as absent (then `?since=` applies), as EventSource sends none.
 */
function resumePoint(c: Context<ApiEnv>): number | undefined {
  const header = c.req.header('last-event-id');
  const since = singleQuery(c, 'since');
  const [raw, field] = header !== undefined && header !== '' ? [header, 'Last-Event-ID'] : [since, 'since'];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw invalid(`${field} is a sequence number (an event's id: 0 or more)`, field);
  return Number(raw);
}

function heartbeatSeconds(c: Context<ApiEnv>): number {
  const raw = singleQuery(c, 'heartbeat');
  if (raw === undefined) return DEFAULT_HEARTBEAT_S;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value < 0.05 || value > 300) throw invalid('heartbeat is seconds between keep-alive comments, 0.05 to 300', 'heartbeat');
  return value;
}

/**
 * `GET /api/v1/changes`: the change stream (core/changes) as server-sent events, for the key's
 * member: `id:` = seq, `event:` = kind, `data:` = the ChangeEvent JSON. Resumes after the
 * Last-Event-ID header (or `?since=`); without either it starts now. A resume point that lost
 * events (older than what is kept, or newer than the stream) starts with one `reset` event. A
 * `: heartbeat` comment every `?heartbeat=` seconds (default 15) keeps idle connections open. The
 * `Promptdesk-Seq` header names the sequence number the stream really starts after (the newest,
 * after a reset): resume from it if the stream breaks before the first event. The key is checked
 * again on every poll and at least every second (streamKeyCtx): revoked, expired or a
 * deactivated member ends the stream. Open streams are capped per key, per member and in all
 * (core/changes/stream-limits.ts): 429 or 503 with Retry-After.
 */
export const CHANGES_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/changes',
    summary:
      'The change stream as server-sent events (text/event-stream): every change to a prompt the key may see (prompt.created/updated/deleted, version.saved/updated/promoted, deployment.pinned, sharing.changed, run.logged/rated, ...), id = sequence number; resume with Last-Event-ID or ?since= without gaps or repeats; reset = refetch everything; access.changed = a prompt may have been hidden from you, refetch your list',
    tag: 'changes',
    scopes: ['read'],
    query: { since: 'Resume after this sequence number (the Last-Event-ID header wins); absent: from now on', heartbeat: 'Seconds between ": heartbeat" comments, 0.05-300 (default 15)' },
    responses: {
      200: 'text/event-stream of { seq, kind, at, prompt?: { id, name }, version?, previousVersion?, runId?, fields? }',
      ...ERRORS,
      429: `This key (${DEFAULT_STREAM_LIMITS.perKey}) or its member (${DEFAULT_STREAM_LIMITS.perMember}) already holds its open streams (see Retry-After)`,
      503: `The server holds its open streams in all (${DEFAULT_STREAM_LIMITS.total}; see Retry-After)`,
    },
    handler: (c, { api: { workspace } }) => {
      const ctx = c.get('ctx');
      requireApiScope(ctx, 'read');
      const since = resumePoint(c);
      const heartbeatMs = heartbeatSeconds(c) * 1000;
      const key = ctx.via?.key;
      if (!key) throw new AppError('unauthenticated', 'The API key is no longer valid');
      // Evaluated on every poll, so access and the key's life apply at delivery time.
      const member = (): Ctx => streamKeyCtx(ctx, key.id);
      member();
      return streamChanges(c, workspace, member, since, heartbeatMs, { memberId: ctx.actor.id, credential: `key:${key.id}` });
    },
  }),
];

/** Events written to a stream in one write before other work (requests, other streams) gets a turn. */
const WRITE_BATCH = 500;

/**
 * One event as a server-sent event block (`event:`, `data:`, `id:`, as hono's writeSSE writes it),
 * made once per event object: the feed hands the same object to every stream of one member.
 */
const sseBlocks = new WeakMap<ChangeEvent, string>();
function sseBlock(event: ChangeEvent): string {
  let block = sseBlocks.get(event);
  if (block === undefined) {
    block = `event: ${event.kind}\ndata: ${JSON.stringify(event)}\nid: ${event.seq}\n\n`;
    sseBlocks.set(event, block);
  }
  return block;
}

/**
 * Streams the change feed to one client as server-sent events after `since` (a seq; undefined:
 * from now on): `id:` = seq, `event:` = kind, `data:` = the ChangeEvent JSON, a `: heartbeat`
 * comment every `heartbeatMs`; sets the `Promptdesk-Seq` header to where it really starts.
 * `member` is evaluated on every poll (it throws once the caller's key or session has ended, which
 * ends the stream); `holder`'s credential is also the feed identity its checks are shared under.
 * Takes a slot of the workspace's stream limits first, and gives it back when the stream ends;
 * a client that stops reading is cut off once MAX_BUFFERED_EVENTS wait for it.
 * Shared by `GET /api/v1/changes` and the headless bridge's stream.
 * @throws AppError rate_limited (429) or unavailable (503) with retryAfter: over a stream limit
 */
export function streamChanges(c: Context<ApiEnv>, workspace: Workspace, member: () => Ctx, since: number | undefined, heartbeatMs: number, holder: StreamHolder): Response {
  const release = workspace.changes.streams.acquire(holder);
  // Never echo a resume point that lost events: after its reset the stream goes on from the newest.
  const from = since === undefined || workspace.changes.resumeLost(since) ? workspace.changes.latestSeq() : since;
  c.header('Promptdesk-Seq', String(from));
  return streamSSE(c, async (stream) => {
    const queue: ChangeEvent[] = [];
    let ended = false;
    let wake: (() => void) | null = null;
    // However the stream ends, its subscription and its slot go at once, even while a write to a
    // client that stopped reading is still pending.
    const finish = () => {
      ended = true;
      stop();
      release();
      wake?.();
    };
    const stop = workspace.changes.subscribe(
      member,
      since ?? from,
      (event) => {
        if (ended) return;
        if (queue.length < MAX_BUFFERED_EVENTS) {
          queue.push(event);
          wake?.();
          return;
        }
        // A client that stopped reading: drop what is queued and cut it off; it resumes from the last id it got.
        queue.length = 0;
        finish();
        stream.abort();
      },
      finish,
      { identity: holder.credential },
    );
    stream.onAbort(finish);
    try {
      // Sent at once so a client knows it is connected (and proxies flush headers).
      await stream.write(': connected\n\n');
      for (;;) {
        while (queue.length > 0) {
          // One write per batch, then a turn for everything else: writes to a buffered socket
          // resolve at once, so a loop of them would hold the event loop for every stream's backlog.
          await stream.write(queue.splice(0, WRITE_BATCH).map(sseBlock).join(''));
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (ended) break;
        const beat = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), heartbeatMs);
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        wake = null;
        if (beat && !ended) await stream.write(': heartbeat\n\n');
      }
    } finally {
      finish();
    }
  });
}
