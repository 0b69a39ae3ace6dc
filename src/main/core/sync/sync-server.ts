import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx } from '../context';
import type { Store } from '../../store/store';
import { AppError, conflict, fromZodError, notFound } from '../errors';
import { allowedActions, requirePrompt, subjectOf } from '../sharing/access';
import { assertActive } from '../users/users-service';
import { saveVersion } from '../versions/versions-service';
import { promoteVersion } from '../versions/lifecycle';
import { limitToLevel } from '../logs/logging-level';
import { noteSent, removalFor } from './sent-prompts';
import { opContentHash } from './op-content-hash';
import { boundedRunStart } from './run-start';
import { promptFor } from './op-prompt';
import { applyPromptOp, isPromptOp } from './sync-server-ops';
import { teamOf } from '../team/team-server';
import { SaveVersionInput } from '../../../shared/schemas/prompts';
import { syncServerRepo, USER_COLUMNS, type SyncTable } from '../../store/repos/sync-server-repo';
import {
  SYNC_PROTOCOL,
  type OpResult,
  type PromptSnapshot,
  type PullAnswer,
  type PullEntity,
  type PullQuery,
  type PushAnswer,
  type PushInput,
  type SyncOp,
  type SyncRow,
  type SyncUser,
} from '../../../shared/schemas/sync';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { LogRecord } from '../../store/repos/logs-repo';

const repos = new WeakMap<Store, ReturnType<typeof syncServerRepo>>();
/** The sync repository of a store, prepared once per store. */
export function syncServerOf(store: Store): ReturnType<typeof syncServerRepo> {
  let repo = repos.get(store);
  if (!repo) repos.set(store, (repo = syncServerRepo(store.db)));
  return repo;
}

/** A page stops adding prompts past this many bytes of JSON (it always carries at least one). */
export const PULL_PAGE_BYTES = 4 * 1024 * 1024;
const TEAM_ID_SETTING = 'sync.team_id';

/**
 * This data folder's id as a team: a replica tags the prompts it holds with it. On a team server
 * it is the team's own id (`teamOf`, what `/team/status` and the device routes say), so the team
 * has one id; a folder pulled from without `--team` (tests, scripts) makes one once.
 */
export function teamIdOf(store: Store): string {
  const team = teamOf(store);
  if (team) return team.id;
  const known = store.settings.get<string>(TEAM_ID_SETTING);
  if (known) return known;
  const id = randomUUID();
  store.tx(() => store.settings.set(TEAM_ID_SETTING, id));
  return id;
}

/** Whether the member may have the prompt in their replica: read permission (running is not reading). */
function replicates(ctx: Ctx, row: PromptRow): boolean {
  return allowedActions(ctx.actor, subjectOf(ctx, row)).has('read');
}

function snapshotOf(ctx: Ctx, promptId: string, seq: number): PromptSnapshot {
  const repo = syncServerOf(ctx.store);
  const rows = repo.snapshot(promptId);
  const users = new Map<string, SyncUser>();
  const collect = (table: SyncTable, list: SyncRow[]) => {
    for (const row of list) {
      for (const column of USER_COLUMNS[table]) {
        const id = row[column];
        if (typeof id === 'string' && !users.has(id)) {
          const user = repo.user(id);
          if (user) users.set(id, user);
        }
      }
    }
  };
  collect('prompts', [rows.prompt!]);
  collect('prompt_versions', rows.versions);
  collect('promotions', rows.promotions);
  collect('prompt_shares', rows.shares);
  return { kind: 'prompt', seq, prompt: rows.prompt!, versions: rows.versions, promotions: rows.promotions, shares: rows.shares, testCases: rows.testCases, users: [...users.values()] };
}

/**
 * One page of the pull (docs/sync.md): what changed after `cursor` ("<prompt seq>.<run seq>")
 * that the member may see. Prompts the member may read come as whole snapshots; a prompt they
 * may no longer read, or that was deleted, comes as `removed` with a key only a replica that
 * holds the prompt can match (removal-key.ts: hidden = missing, not even the id is said);
 * members come as `user`. Once the sequence is exhausted, the
 * runs of readable prompts follow, by the log's own sequence. Ordered by the server's counters
 * only, never by a clock; bounded by `limit` entries and {@link PULL_PAGE_BYTES}. The page
 * records which prompts it sends the member (sent-prompts.ts), so removals reach only replicas
 * that may hold the prompt. A cursor past the server's newest change (a server restored from an
 * older backup) is refused rather than answered with nothing: the desktop would miss every
 * change up to its own cursor.
 *
 * @throws AppError `unauthenticated` for a deactivated member; `conflict` (409) at field `cursor`
 *   for a cursor past the server's sequence or run log
 */
export function pullPage(ctx: Ctx, query: z.output<typeof PullQuery>): PullAnswer {
  assertActive(ctx.actor);
  const repo = syncServerOf(ctx.store);
  const [promptCursor, runCursor] = query.cursor.split('.').map(Number) as [number, number];
  // Made (once) before the transaction below.
  const teamId = teamIdOf(ctx.store);
  // One transaction: every entry and snapshot of the page is from the same commit, and what it
  // records as sent (sent-prompts.ts) is exactly what the page carries.
  return ctx.store.db.transaction(() => {
    const newest = repo.newest();
    if (promptCursor > newest.prompt || runCursor > newest.run) {
      throw conflict(
        `This cursor is past the server's newest change (${newest.prompt}.${newest.run}): the server was probably restored from an older backup; pull again from 0.0`,
        'cursor',
      );
    }
    const entries = repo.since(promptCursor, query.limit + 1);
    const entities: PullEntity[] = [];
    let bytes = 0;
    let nextPrompt = promptCursor;
    let cut = false;
    for (const entry of entries.slice(0, query.limit)) {
      if (entities.length > 0 && bytes > PULL_PAGE_BYTES) {
        cut = true;
        break;
      }
      let entity: PullEntity;
      if (entry.kind === 'user') {
        const user = repo.user(entry.id);
        if (!user) continue;
        entity = { kind: 'user', seq: entry.seq, user };
      } else {
        const row = entry.kind === 'prompt' ? ctx.store.prompts.getRowById(entry.id) : undefined;
        if (row && replicates(ctx, row)) {
          entity = snapshotOf(ctx, entry.id, entry.seq);
          noteSent(repo, ctx, entry.id);
        } else {
          const removal = removalFor(repo, ctx, entry.id, entry.seq, promptCursor);
          // Nothing for a replica that never held it; the cursor still moves past the entry.
          if (!removal) {
            nextPrompt = entry.seq;
            continue;
          }
          entity = removal;
        }
      }
      entities.push(entity);
      bytes += JSON.stringify(entity).length;
      nextPrompt = entry.seq;
    }
    const promptsLeft = cut || entries.length > query.limit;
    let runs: SyncRow[] = [];
    let nextRun = runCursor;
    let runsLeft = false;
    if (!promptsLeft) {
      const viewer = ctx.actor.role === 'admin' ? null : ctx.actor.id;
      const found = repo.runs(viewer, runCursor, query.limit + 1);
      runsLeft = found.length > query.limit;
      runs = found.slice(0, query.limit).map(({ seq, ...run }) => {
        nextRun = seq;
        return run;
      });
    }
    const member = repo.user(ctx.actor.id)!;
    return {
      protocol: SYNC_PROTOCOL,
      teamId,
      member,
      entities,
      runs,
      nextCursor: `${nextPrompt}.${nextRun}`,
      hasMore: promptsLeft || runsLeft,
    } satisfies PullAnswer;
  })();
}

/** Who put the current version in production and when: what a refused promotion request shows. */
function publishedBy(ctx: Ctx, promptId: string) {
  const newest = ctx.store.promotions.newest(promptId);
  const published = ctx.store.versions.publishedNumber(promptId);
  return {
    version: published,
    promotedBy: newest && newest.version === published ? newest.promotedBy : null,
    promotedAt: newest && newest.version === published ? newest.promotedAt : null,
  };
}


/** A version of `row` by the id the desktop gave it, as its (final) number. */
function numberOf(ctx: Ctx, row: PromptRow, versionId: string): number {
  const found = syncServerOf(ctx.store).versionById(versionId);
  if (!found || found.prompt_id !== row.id) throw notFound('Version', 'versionId');
  return found.number;
}

/** `logged`: the runs this op wrote, exported as spans once the page commits (core/telemetry). */
function applyOp(ctx: Ctx, op: SyncOp, logged: LogRecord[]): OpResult {
  if (isPromptOp(op)) return applyPromptOp(ctx, op);
  switch (op.kind) {
    case 'version.save': {
      const row = promptFor(ctx, op.promptId);
      // The same version arriving under another op id (a rebuilt queue) is the same save.
      const existing = syncServerOf(ctx.store).versionById(op.versionId);
      if (existing) {
        if (existing.prompt_id !== row.id) {
          // Hidden = missing: a version id of a prompt the member may not see answers as an op on a prompt that never existed.
          promptFor(ctx, existing.prompt_id);
          throw conflict('This version id is already used', 'versionId');
        }
        requirePrompt(ctx, row.name, 'edit');
        return { id: op.id, status: 'applied', number: existing.number };
      }
      const parsed = SaveVersionInput.safeParse({
        name: row.name,
        template: op.template,
        variables: op.variables,
        modelSettings: op.modelSettings,
        commitMessage: op.commitMessage,
        ...(op.displayMessage === null ? {} : { displayMessage: op.displayMessage }),
      });
      if (!parsed.success) throw fromZodError(parsed.error);
      // The number is the server's: the next after every number ever given, whoever saved offline.
      const version = saveVersion(ctx, parsed.data, { id: op.versionId });
      return { id: op.id, status: 'applied', number: version.number };
    }
    case 'promotion.request': {
      const row = promptFor(ctx, op.promptId);
      requirePrompt(ctx, row.name, 'promote');
      const number = numberOf(ctx, row, op.versionId);
      const published = ctx.store.versions.publishedNumber(row.id);
      if (published === number) return { id: op.id, status: 'applied', version: number };
      if (published !== op.expectPublished) {
        const now = publishedBy(ctx, row.id);
        const who = now.promotedBy ? `${now.promotedBy.name} promoted version ${now.version} at ${now.promotedAt}` : `version ${now.version ?? 'none'} is in production`;
        return {
          id: op.id,
          status: 'conflict',
          message: `Not promoted: you expected version ${op.expectPublished ?? 'none'} in production, but ${who}`,
          published: now,
        };
      }
      promoteVersion(ctx, { name: row.name, number, notes: op.notes });
      return { id: op.id, status: 'applied', version: number };
    }
    case 'run.log': {
      const row = promptFor(ctx, op.promptId);
      requirePrompt(ctx, row.name, 'run');
      if (ctx.store.logs.get(op.id)) return { id: op.id, status: 'applied' };
      const version = op.versionId === null ? null : numberOf(ctx, row, op.versionId);
      // The desktop cut the run to its level already; the server's level, if stricter, cuts again.
      const kept = limitToLevel(op, row.data_logging);
      const record: LogRecord = {
        id: op.id,
        promptId: row.id,
        promptName: row.name,
        version,
        source: op.source,
        userId: ctx.actor.id,
        keyLabel: null,
        model: op.model,
        status: op.status,
        startedAt: boundedRunStart(op.startedAt, ctx.clock.now().getTime()),
        latencyMs: op.latencyMs,
        ttftMs: op.ttftMs,
        tokensIn: op.tokensIn,
        tokensOut: op.tokensOut,
        dataLogging: kept.dataLogging,
        variableNames: kept.variableNames,
        variables: kept.variables,
        messages: kept.messages,
        output: kept.output,
        outputChars: kept.outputChars,
        error: kept.error,
        conversationId: null,
        testCaseId: null,
      };
      ctx.store.logs.insertMany([record]);
      logged.push(record);
      return { id: op.id, status: 'applied', version: version ?? undefined };
    }
  }
}

// A full disk or read-only folder is the server's trouble, not the op's: the push fails (507) and is retried.
const TRANSIENT = new Set(['insufficient_storage', 'read_only_storage', 'rate_limited', 'unauthenticated']);

/**
 * Applies a push (docs/sync.md): each op at most once, in order. The op's effect and its result
 * are committed together in `sync_ops`, keyed by the op's id, so a retry after a lost answer
 * returns the stored result and changes nothing; the same id with other content (op-content-hash.ts)
 * is answered `rejected` (conflict at field `id`, naming the id). An op refused for a reason that will not change
 * (not found, forbidden, invalid) is answered `rejected` and kept too; a failure of the server
 * itself (disk full) fails the whole request so the desktop retries later.
 *
 * @throws AppError `unauthenticated` for a deactivated member; storage errors (507)
 */
export function applyPush(ctx: Ctx, input: z.output<typeof PushInput>): PushAnswer {
  assertActive(ctx.actor);
  const repo = syncServerOf(ctx.store);
  // One transaction for the page (each op a savepoint in it): the store commits with
  // synchronous=FULL, so a commit per op cost an fsync per op (bench:team: ~140 runs/s). A server
  // failure mid-page now rolls the whole page back; the desktop retries it, and each op still
  // applies at most once.
  const logged: LogRecord[] = [];
  const results = ctx.store.tx(() => input.ops.map((op) =>
    ctx.store.tx((): OpResult => {
      const prior = repo.opResult(op.id);
      const hash = opContentHash(op);
      if (prior) {
        if (prior.user_id !== ctx.actor.id) return { id: op.id, status: 'rejected', error: { code: 'conflict', message: 'This op id was already used', field: 'id' } };
        // A retry says the same; other content under a used id is another op, refused, never silently answered as the first.
        if (prior.content_hash !== null && prior.content_hash !== hash) {
          return { id: op.id, status: 'rejected', error: { code: 'conflict', message: `Op ${op.id} was already applied with other content; send a change under a new op id`, field: 'id' } };
        }
        return JSON.parse(prior.result) as OpResult;
      }
      let result: OpResult;
      try {
        result = applyOp(ctx, op, logged);
      } catch (error) {
        if (!(error instanceof AppError) || TRANSIENT.has(error.code)) throw error;
        result = { id: op.id, status: 'rejected', error: error.toJSON() };
      }
      repo.recordOp(op.id, ctx.actor.id, op.kind, JSON.stringify(result), ctx.clock.now().toISOString(), hash);
      return result;
    }),
  ));
  // After the commit: a team's runs reach its collector from the server, cut to the server's level
  // (same trace and span ids as the desktop's own export of the run, run-telemetry.ts).
  for (const record of logged) ctx.runtime.telemetry.record(record);
  return { protocol: SYNC_PROTOCOL, results };
}
