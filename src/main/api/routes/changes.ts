import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ApiEnv } from '../env';
import type { Workspace } from '../../core/workspace';
import type { Ctx } from '../../core/context';
import type { ChangeEvent } from '../../../shared/schemas/changes';
import { AppError, invalid } from '../../core/errors';
import { liveKeyUser, requireApiScope } from '../../core/keys/keys-service';
import { route } from '../route';
import { ERRORS } from './responses';

/** Seconds between heartbeat comments when the client does not ask (`?heartbeat=`). */
export const DEFAULT_HEARTBEAT_S = 15;
/** Events queued for a client that does not read: past this the stream ends (resume with Last-Event-ID). */
const MAX_QUEUED = 10_000;

/** A sequence number from the Last-Event-ID header or `?since=`, naming the field it came from. */
function resumePoint(c: Context<ApiEnv>): number | undefined {
  const header = c.req.header('last-event-id');
  const [raw, field] = header !== undefined ? [header, 'Last-Event-ID'] : [c.req.query('since'), 'since'];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw invalid(`${field} is a sequence number (an event's id: 0 or more)`, field);
  return Number(raw);
}

function heartbeatSeconds(c: Context<ApiEnv>): number {
  const raw = c.req.query('heartbeat');
  if (raw === undefined) return DEFAULT_HEARTBEAT_S;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value < 0.05 || value > 300) throw invalid('heartbeat is seconds between keep-alive comments, 0.05 to 300', 'heartbeat');
  return value;
}

/**
 * `GET /api/v1/changes`: the change stream (core/changes) as server-sent events, for the key's
 * member: `id:` = seq, `event:` = kind, `data:` = the ChangeEvent JSON. Resumes after the
 * Last-Event-ID header (or `?since=`); without either it starts now. A `: heartbeat` comment every
 * `?heartbeat=` seconds (default 15) keeps idle connections open. The `Promptdesk-Seq` header
 * names the sequence number the stream starts after (resume from it if it breaks first). The key is checked again for
 * every batch: revoked, expired or a deactivated member ends the stream.
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
    responses: { 200: 'text/event-stream of { seq, kind, at, prompt?: { id, name }, version?, previousVersion?, runId?, fields? }', ...ERRORS },
    handler: (c, { api: { workspace } }) => {
      const ctx = c.get('ctx');
      requireApiScope(ctx, 'read');
      const since = resumePoint(c);
      const heartbeatMs = heartbeatSeconds(c) * 1000;
      const key = ctx.via?.key;
      // Evaluated for every batch, so access and the key's life apply at delivery time.
      const member = (): Ctx => {
        const info = key ? workspace.store.keys.get(key.id) : undefined;
        const user = info ? liveKeyUser(workspace.store, workspace.clock.now(), info) : null;
        if (!user) throw new AppError('unauthenticated', 'The API key is no longer valid');
        return { ...ctx, actor: user };
      };
      member();
      // Subscribed from an explicit point, so the header below names exactly where the stream starts.
      const from = since ?? workspace.changes.latestSeq();
      c.header('Promptdesk-Seq', String(from));
      return streamChanges(c, workspace, member, from, heartbeatMs);
    },
  }),
];

/**
 * Streams the change feed to one client as server-sent events from `from` (a seq): `id:` = seq,
 * `event:` = kind, `data:` = the ChangeEvent JSON, a `: heartbeat` comment every `heartbeatMs`.
 * `member` is evaluated for every batch (it throws once the caller's key or session has ended,
 * which ends the stream). Shared by `GET /api/v1/changes` and the headless bridge's stream.
 */
export function streamChanges(c: Context<ApiEnv>, workspace: Workspace, member: () => Ctx, from: number, heartbeatMs: number): Response {
  return streamSSE(c, async (stream) => {
    const queue: ChangeEvent[] = [];
    let ended = false;
    let wake: (() => void) | null = null;
    const stop = workspace.changes.subscribe(
      member,
      from,
      (event) => {
        // A client that stopped reading: drop what is queued and end; it resumes from the last id it got.
        if (queue.length >= MAX_QUEUED) {
          queue.length = 0;
          ended = true;
          stop();
        } else queue.push(event);
        wake?.();
      },
      () => {
        ended = true;
        wake?.();
      },
    );
    stream.onAbort(() => {
      ended = true;
      stop();
      wake?.();
    });
    try {
      // Sent at once so a client knows it is connected (and proxies flush headers).
      await stream.write(': connected\n\n');
      for (;;) {
        while (queue.length > 0) {
          const event = queue.shift()!;
          await stream.writeSSE({ id: String(event.seq), event: event.kind, data: JSON.stringify(event) });
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
      stop();
    }
  });
}
