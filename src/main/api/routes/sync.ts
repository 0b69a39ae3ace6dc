import { route } from '../route';
import { parseWith } from '../body';
import { ERRORS, WRITE_ERRORS } from './responses';
import { PullQuery, PushInput } from '../../../shared/schemas/sync';
import { applyPush, pullPage } from '../../core/sync/sync-server';
import { liveSyncCaller, syncCaller } from '../../core/sync/sync-caller';
import { DEFAULT_HEARTBEAT_S, streamChanges } from './changes';
import { invalid } from '../../core/errors';

/** Seconds between heartbeats of the sync signal: a desktop takes a silent minute as a lost connection. */
const SIGNAL_HEARTBEAT_S = DEFAULT_HEARTBEAT_S;

/**
 * `/api/v1/sync`: the team server's side of the sync protocol (docs/sync.md), for a desktop's
 * device token or the member's API key (core/sync/sync-caller.ts). Behind the same Host/Origin
 * guard, rate limit and body limit (1 MiB) as every route.
 */
export const SYNC_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/sync/pull',
    summary:
      'Sync protocol 1, pull: a page of what changed after `cursor` that the member may read: whole prompt snapshots (prompt, versions, promotions, shares, test cases, the members they name), `removed` for a prompt deleted or no longer visible, members; then the runs of readable prompts. Ordered by the server sequence, never a clock; applying a page twice changes nothing',
    tag: 'sync',
    scopes: ['read'],
    query: { cursor: 'nextCursor of the previous page ("<prompts>.<runs>"; 0.0 or absent for a fresh replica)', limit: 'Entities (and runs) per page, 1-500 (default 100); a page also stops past 4 MiB' },
    responses: { 200: '{ protocol: 1, teamId, member, entities, runs, nextCursor, hasMore }', ...ERRORS },
    handler: (c) => {
      const ctx = syncCaller(c.get('ctx'), c.get('device'), 'read');
      const query = parseWith(PullQuery, { cursor: c.req.query('cursor'), limit: c.req.query('limit') });
      return c.json(pullPage(ctx, query));
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sync/push',
    summary:
      'Sync protocol 1, push: ops made on a desktop (version.save, promotion.request, run.log, prompt.create, prompt.update, testcase.put, testcase.delete), each applied at most once by its id (a retry answers the stored result); results in order: applied (with the final version number), conflict (a promotion whose expected published version no longer is: who promoted what and when; a metadata field or test case changed on the server since the desktop\'s base: who changed what and when) or rejected (the error)',
    tag: 'sync',
    scopes: ['write'],
    body: PushInput,
    responses: { 200: '{ protocol: 1, results: [{ id, status: applied | conflict | rejected, ... }] }', ...WRITE_ERRORS },
    handler: async (c, { body }) => {
      const ctx = syncCaller(c.get('ctx'), c.get('device'), 'write');
      return c.json(applyPush(ctx, await body()));
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sync/changes',
    summary: 'Sync signal: the change stream (as GET /api/v1/changes) for a device token; a desktop pulls when an event arrives instead of polling',
    tag: 'sync',
    scopes: ['read'],
    query: { since: 'Resume after this sequence number (the Last-Event-ID header wins); absent: from now on' },
    responses: { 200: 'text/event-stream of change events', ...ERRORS },
    handler: (c, { api: { workspace } }) => {
      const device = c.get('device');
      const original = c.get('ctx');
      syncCaller(original, device, 'read');
      const raw = c.req.header('last-event-id') ?? c.req.query('since');
      if (raw !== undefined && !/^\d{1,15}$/.test(raw)) throw invalid('since is a sequence number (an event id: 0 or more)', 'since');
      const since = raw === undefined ? undefined : Number(raw);
      // Re-checked on every poll: a revoked device or deactivated member ends the stream. Counted
      // under the stream limits like every change stream (its device, or its key, is the credential).
      const credential = device ? `device:${device.deviceId}` : `key:${original.via?.key?.id ?? 'none'}`;
      return streamChanges(c, workspace, () => liveSyncCaller(original, device), since, SIGNAL_HEARTBEAT_S * 1000, { memberId: original.actor.id, credential });
    },
  }),
];
