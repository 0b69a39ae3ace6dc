import type { Store } from '../../store/store';
import type { Clock, Ctx } from '../context';
import { RunLogOp, type OpResult, type SyncOp } from '../../../shared/schemas/sync';
import type { DataLoggingLevel, RunSource, RunStatus } from '../../../shared/schemas/runs';
import { limitToLevel } from '../logs/logging-level';
import { acknowledgeVersion, replicaOf } from './replica-apply';
import { applyPromptResults, promptOps, testCaseOps } from './prompt-outbox';
import { keepAsPersonal, losesWork } from './keep-unsent';

/**
 * The outbox: what this desktop made on team prompts and the server has not acknowledged. It is
 * not a second copy of the changes: it is the rows marked pending by migration 0240's triggers
 * in the same transaction that wrote them (a save survives a kill -9 with its place in the queue),
 * and each op's id is the id of its row (version, promotion, run), so an op rebuilt after a
 * crash or a lost answer carries the same id and the server applies it at most once.
 *
 * Ops go in three phases, each built after the previous one's answers are applied: versions
 * (their final numbers arrive), then promotion requests (naming versions whose numbers are now
 * final), then runs of synced versions.
 */
export type OutboxPhase = 'prompts' | 'versions' | 'testcases' | 'promotions' | 'runs';
/**
 * `prompts` first: a prompt moved to the team must exist on the server before its versions and
 * test cases (they wait for its acknowledgement), and metadata edits go with it (prompt-outbox.ts).
 */
export const OUTBOX_PHASES: readonly OutboxPhase[] = ['prompts', 'versions', 'testcases', 'promotions', 'runs'];

/** Ops per push page and bytes of JSON per page (the server's body limit is 1 MiB). */
export const PUSH_PAGE_OPS = 100;
export const PUSH_PAGE_BYTES = 512 * 1024;

/** The ops of one phase, in order. Runs are cut to their prompt's data-logging level here, before they leave the machine. */
export function outboxOps(store: Store, phase: OutboxPhase, limit = 1000): SyncOp[] {
  const repo = replicaOf(store);
  if (phase === 'prompts') return promptOps(store).slice(0, limit);
  if (phase === 'testcases') return testCaseOps(store).slice(0, limit);
  if (phase === 'versions') {
    return repo.pendingVersions().slice(0, limit).map((v) => ({
      id: v.id,
      kind: 'version.save',
      promptId: v.prompt_id,
      versionId: v.id,
      template: JSON.parse(v.template),
      variables: JSON.parse(v.variables),
      modelSettings: JSON.parse(v.model_settings),
      displayMessage: v.display_message,
      commitMessage: v.commit_message,
    }));
  }
  if (phase === 'promotions') {
    return repo
      .pendingPromotions()
      .filter((p) => p.version_id !== null && p.version_state === 'synced')
      .slice(0, limit)
      .map((p) => ({ id: p.id, kind: 'promotion.request', promptId: p.prompt_id, versionId: p.version_id!, expectPublished: p.previous_version, notes: p.notes }));
  }
  return repo.pendingRuns(limit).map((run) => {
    // What may leave the machine: the stricter of the level the run was logged under and the prompt's level now.
    const kept = limitToLevel(
      {
        dataLogging: run['data_logging'] as DataLoggingLevel,
        variableNames: run['variable_names'] as string | null,
        variables: run['variables'] as string | null,
        messages: run['messages'] as string | null,
        output: run['output'] as string | null,
        outputChars: run['output_chars'] as number | null,
        error: run['error'] as string | null,
      },
      run.prompt_logging as DataLoggingLevel,
    );
    const op: SyncOp = {
      id: run.id,
      kind: 'run.log',
      promptId: run.prompt_id,
      versionId: run.version_id,
      source: run['source'] as RunSource,
      model: String(run['model']),
      status: run['status'] as RunStatus,
      startedAt: Number(run['started_at']),
      latencyMs: run['latency_ms'] as number | null,
      ttftMs: run['ttft_ms'] as number | null,
      tokensIn: run['tokens_in'] as number | null,
      tokensOut: run['tokens_out'] as number | null,
      ...kept,
    };
    return fitsPush(op) ? op : { ...op, ...limitToLevel(kept, 'metadata') };
  });
}

/** The most bytes of JSON one run may take in a push (the server's body limit is 1 MiB for the whole page). */
export const MAX_RUN_OP_BYTES = 900 * 1024;

/**
 * Whether a run's op can be sent as it is: its text within the protocol's limits (RunLogOp) and
 * its JSON within {@link MAX_RUN_OP_BYTES}. One that cannot (a long output) is sent as Metadata
 * only: the server gets less, never more, and the outbox is never blocked by a page it refuses.
 */
function fitsPush(op: SyncOp): boolean {
  return RunLogOp.safeParse(op).success && JSON.stringify(op).length <= MAX_RUN_OP_BYTES;
}

/** Splits ops into push pages within {@link PUSH_PAGE_OPS} and {@link PUSH_PAGE_BYTES} (an op alone may exceed the bytes). */
export function pushPages(ops: SyncOp[]): SyncOp[][] {
  const pages: SyncOp[][] = [];
  let page: SyncOp[] = [];
  let bytes = 0;
  for (const op of ops) {
    const size = JSON.stringify(op).length;
    if (page.length > 0 && (page.length >= PUSH_PAGE_OPS || bytes + size > PUSH_PAGE_BYTES)) {
      pages.push(page);
      page = [];
      bytes = 0;
    }
    page.push(op);
    bytes += size;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/**
 * Applies the server's answers to the ops sent: a saved version takes its final number; a
 * promotion request leaves the outbox whatever the answer (the next pull shows the server's
 * history), a conflict or refusal leaving a notice saying who promoted what and when; a run is
 * marked synced, or, refused, kept here only. A refusal that would lose the member's work (any
 * refused version; a metadata or test-case edit on a prompt now hidden or view-only) keeps the
 * prompt's unsent work as a personal prompt owned by `keeper()`'s actor (core/sync/keep-unsent.ts).
 */
export function applyResults(store: Store, clock: Clock, ops: SyncOp[], results: OpResult[], keeper?: () => Ctx): void {
  const repo = replicaOf(store);
  const byId = new Map(ops.map((op) => [op.id, op]));
  const at = clock.now().toISOString();
  // A refusal that would drop the member's work (a version, or edits on a prompt they lost) keeps
  // the prompt's unsent work as a personal prompt first, while the prompt is still held here
  // (the pull that follows takes a lost prompt away); its other answers then have nothing to settle.
  const kept = new Map<string, string>();
  if (keeper) {
    for (const result of results) {
      const op = byId.get(result.id);
      if (!op || op.kind === 'prompt.create' || kept.has(op.promptId) || !losesWork(op, result) || result.status !== 'rejected') continue;
      kept.set(op.promptId, result.error.message);
    }
    // Versions of those prompts the server took in this page are the team's: acknowledged first, not copied.
    for (const result of results) {
      const op = byId.get(result.id);
      if (op?.kind === 'version.save' && kept.has(op.promptId) && result.status === 'applied' && result.number !== undefined) acknowledgeVersion(store, op.versionId, result.number);
    }
    for (const [promptId, reason] of kept) keepAsPersonal(keeper(), promptId, reason);
  }
  for (const result of results) {
    const op = byId.get(result.id);
    if (!op) continue;
    if (kept.has(op.promptId) && op.kind !== 'prompt.create') continue;
    if (op.kind === 'prompt.create' || op.kind === 'prompt.update' || op.kind === 'testcase.put' || op.kind === 'testcase.delete') {
      applyPromptResults(store, clock, op, result);
      continue;
    }
    // The prompt's name as the member knew it (still held here: the pull that may take it away comes after).
    const name = store.prompts.getRowById(op.promptId)?.name ?? op.promptId;
    const notice = (kind: string, message: string, detail: unknown) =>
      store.tx(() => repo.addNotice({ id: `${kind}:${op.id}`, kind, prompt_id: op.promptId, message, detail: JSON.stringify(detail), at }));
    if (op.kind === 'version.save') {
      if (result.status === 'applied' && result.number !== undefined) acknowledgeVersion(store, op.versionId, result.number);
      else if (result.status === 'rejected') {
        // Without a keeper (no folder owner to own a copy) the notice itself keeps the text.
        notice('version.rejected', `A version of "${name}" saved offline was not accepted: ${result.error.message}`, { error: result.error, prompt: name, template: op.template, variables: op.variables, modelSettings: op.modelSettings });
      }
    } else if (op.kind === 'promotion.request') {
      store.tx(() => repo.deletePromotion(op.id));
      if (result.status === 'conflict') notice('promotion.conflict', result.message, result.published);
      else if (result.status === 'rejected') notice('promotion.rejected', `A promotion of "${name}" made offline was not applied: ${result.error.message}`, result.error);
    } else if (op.kind === 'run.log') {
      store.tx(() => repo.setRunState(op.id, result.status === 'applied' ? 'synced' : null));
      if (result.status === 'rejected') notice('run.rejected', `A run of "${name}" was not sent to the team: ${result.error.message}`, result.error);
    }
  }
}
