import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context';
import type { Store } from '../../store/store';
import type { OpResult, SyncOp } from '../../../shared/schemas/sync';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { Template, VariableMeta } from '../../../shared/template/template';
import type { ModelSettings } from '../../../shared/schemas/template';
import { createPrompt, freePromptName, setDataLogging } from '../prompts/prompts-service';
import { saveVersion } from '../versions/versions-service';
import { putTestCase } from '../runs/test-cases-service';
import { replicaOf } from './replica-apply';
import { editsOf } from './prompt-outbox';

/** One version of the member's work as kept: what the editor saved. */
export interface KeptVersion {
  template: Template;
  variables: VariableMeta[];
  modelSettings: ModelSettings;
  displayMessage: string | null;
  commitMessage: string;
}

/** What a notice of kept work says (its `detail`): the team prompt, the personal copy, and the versions' text. */
export interface KeptWork {
  prompt: string;
  personal: string;
  reason: string;
  versions: KeptVersion[];
}

/**
 * Whether a refusal means the member lost the prompt (it is hidden from them now, or they may
 * only view it): then nothing of theirs on it can reach the team, and the next pull takes the
 * prompt away. Any refusal of a version counts too: a version is the member's text.
 */
export function losesWork(op: SyncOp, result: OpResult): boolean {
  if (result.status !== 'rejected') return false;
  if (op.kind === 'version.save') return true;
  if (op.kind === 'prompt.update' || op.kind === 'testcase.put') return result.error.code === 'not_found' || result.error.code === 'forbidden';
  return false;
}

/**
 * Keeps a team prompt's unsent work on this desktop as a new **personal** prompt, so that no
 * refusal (access lost while offline, a revoked device, leaving the team) drops what the member
 * made: the copy is named `<name>-unsynced` (then `-unsynced-2`, …, core/prompts freePromptName),
 * owned by `ctx.actor` (the data folder's owner), with the prompt's details as edited here
 * (title, description, tags, logging level), its versions not yet synced in their order (none
 * pending: the newest version held here, so the copy is usable) and its test cases as they are
 * here. The team prompt's versions, promotions and runs of those versions then leave the outbox
 * (they live on in the copy; sending them again would only be refused again), and its metadata
 * and test-case edits too. A notice (`kept.personal`) names the prompt and the copy and carries
 * the versions' text in its detail. Through the services (createPrompt, saveVersion,
 * putTestCase), so the copy obeys every rule a prompt made by hand does.
 *
 * With `everyVersion` (the server is behind this desktop, server-behind.ts: versions marked
 * synced may be missing there) every version held here is kept, in order, pending or not.
 *
 * @returns the copy's name, or null when the prompt is not held here any more (nothing to keep)
 */
export function keepAsPersonal(ctx: Ctx, promptId: string, reason: string, options: { everyVersion?: boolean } = {}): string | null {
  const { store } = ctx;
  const row = store.prompts.getRowById(promptId);
  if (!row) return null;
  const repo = replicaOf(store);
  const pending = repo.pendingVersions().filter((v) => v.prompt_id === promptId);
  const versions: KeptVersion[] = options.everyVersion
    ? held(store, promptId)
    : pending.length > 0
      ? pending.map((v) => ({
          template: JSON.parse(v.template) as Template,
          variables: JSON.parse(v.variables) as VariableMeta[],
          modelSettings: JSON.parse(v.model_settings) as ModelSettings,
          displayMessage: v.display_message,
          commitMessage: v.commit_message,
        }))
      : newest(store, promptId, row.latest_version);
  const cases = store.testCases.list(promptId);
  return store.tx(() => {
    const name = freePromptName(ctx, `${row.name}-unsynced`.slice(0, 100));
    createPrompt(ctx, { name, title: row.title, description: row.description, tags: JSON.parse(row.tags) as string[] });
    if (row.data_logging !== 'full') setDataLogging(ctx, name, row.data_logging);
    for (const v of versions) {
      saveVersion(ctx, {
        name,
        template: v.template,
        variables: v.variables,
        modelSettings: v.modelSettings,
        displayMessage: v.displayMessage ?? undefined,
        commitMessage: v.commitMessage,
      });
    }
    for (const c of cases) putTestCase(ctx, name, randomUUID(), c.name, c.variables);
    repo.settleUnsent(promptId);
    const edits = editsOf(store);
    const edit = edits.promptEdit(promptId);
    if (edit && edit.kind !== 'create') edits.dropPromptEdit(promptId, edit.op_id);
    for (const e of edits.testCaseEditsOf(promptId)) edits.dropTestCaseEdit(e.test_case_id, e.op_id);
    const detail: KeptWork = { prompt: row.name, personal: name, reason, versions };
    repo.addNotice({
      id: `kept.personal:${promptId}:${randomUUID()}`,
      kind: 'kept.personal',
      prompt_id: null,
      message: `Your unsent work on "${row.name}" could not go to the team (${reason}): saved as personal prompt "${name}", so nothing is lost`,
      detail: JSON.stringify(detail),
      at: ctx.clock.now().toISOString(),
    });
    return name;
  });
}

/**
 * Keeps a team prompt's unsent work as a personal prompt ({@link keepAsPersonal}) if it has any:
 * versions not yet synced, or metadata or test-case edits not yet sent. For a prompt the pull is
 * about to take away (access lost) or a folder leaving its team. Returns the copy's name, or null
 * when there was nothing unsent.
 */
export function keepUnsentOf(ctx: Ctx, promptId: string, reason: string): string | null {
  const { store } = ctx;
  const edits = editsOf(store);
  const edit = edits.promptEdit(promptId);
  const unsent =
    replicaOf(store).pendingNumbers(promptId).length > 0 ||
    (edit !== undefined && edit.kind !== 'create') ||
    edits.testCaseEditsOf(promptId).some((e) => e.deleted !== 1);
  return unsent ? keepAsPersonal(ctx, promptId, reason) : null;
}

/** Every version held here, oldest first. */
function held(store: Store, promptId: string): KeptVersion[] {
  return store.versions
    .list(promptId)
    .map((s) => s.number)
    .sort((a, b) => a - b)
    .flatMap((n) => newest(store, promptId, n));
}

/** The newest version held here, as a one-element list (none: empty). */
function newest(store: Store, promptId: string, latest: number | null): KeptVersion[] {
  const v: PromptVersion | undefined = latest === null ? undefined : store.versions.get(promptId, latest);
  return v ? [{ template: v.template, variables: v.variables, modelSettings: v.modelSettings, displayMessage: v.displayMessage, commitMessage: v.commitMessage }] : [];
}
