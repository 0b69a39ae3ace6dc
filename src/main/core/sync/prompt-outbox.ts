import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store';
import type { Clock } from '../context';
import { syncEditsRepo, type PromptEditRow } from '../../store/repos/sync-edits-repo';
import { PROMPT_META_FIELDS, type OpResult, type PromptMeta, type SyncOp, type SyncRow } from '../../../shared/schemas/sync';
import type { TestCase } from '../../../shared/schemas/runs';
import { metaOfRow, sameMeta } from './sync-server-ops';
import { replicaOf } from './replica-apply';

const repos = new WeakMap<Store, ReturnType<typeof syncEditsRepo>>();
/** The outbox repository of prompt metadata, moves and test cases, prepared once per store. */
export function editsOf(store: Store): ReturnType<typeof syncEditsRepo> {
  let repo = repos.get(store);
  if (!repo) repos.set(store, (repo = syncEditsRepo(store.db)));
  return repo;
}

type Meta = Partial<PromptMeta>;
const COLUMN: Record<keyof PromptMeta, string> = { title: 'title', description: 'description', tags: 'tags', slashCommand: 'slash_command', dataLogging: 'data_logging' };
const parseBase = (edit: PromptEditRow): Meta => JSON.parse(edit.base) as Meta;

/** Fields edited here: those whose local value is not what the server had when first edited. */
function editedFields(local: PromptMeta, base: Meta): (keyof PromptMeta)[] {
  return PROMPT_META_FIELDS.filter((f) => f in base && !sameMeta(f, local[f], base[f]));
}

/** `prompt.create` (a move not yet on the server) and `prompt.update` ops, in the order edited. An edit undone before it was sent is dropped. */
export function promptOps(store: Store): SyncOp[] {
  const edits = editsOf(store);
  const ops: SyncOp[] = [];
  for (const edit of edits.promptEdits()) {
    const row = store.prompts.getRowById(edit.prompt_id);
    if (!row) continue;
    const local = metaOfRow(row);
    if (edit.kind === 'create') {
      ops.push({ id: edit.op_id, kind: 'prompt.create', promptId: row.id, name: row.name, sharingLevel: row.sharing_level, ...local });
      continue;
    }
    const base = parseBase(edit);
    const fields = editedFields(local, base);
    if (fields.length === 0) {
      store.tx(() => edits.dropPromptEdit(row.id, edit.op_id));
      continue;
    }
    ops.push({
      id: edit.op_id,
      kind: 'prompt.update',
      promptId: row.id,
      changes: Object.fromEntries(fields.map((f) => [f, local[f]])),
      base: Object.fromEntries(fields.map((f) => [f, base[f]])),
    });
  }
  return ops;
}

/** `testcase.put` and `testcase.delete` ops of team prompts already on the server. A case made and deleted here before it was sent is dropped. */
export function testCaseOps(store: Store): SyncOp[] {
  const edits = editsOf(store);
  const ops: SyncOp[] = [];
  for (const edit of edits.testCaseEdits()) {
    const base = edit.base === null ? null : (JSON.parse(edit.base) as { name: string; variables: TestCase['variables'] });
    const current = store.testCases.get(edit.prompt_id, edit.test_case_id);
    if (edit.deleted === 1 || !current) {
      if (base === null) store.tx(() => edits.dropTestCaseEdit(edit.test_case_id, edit.op_id));
      else ops.push({ id: edit.op_id, kind: 'testcase.delete', promptId: edit.prompt_id, testCaseId: edit.test_case_id, base });
      continue;
    }
    ops.push({ id: edit.op_id, kind: 'testcase.put', promptId: edit.prompt_id, testCaseId: current.id, name: current.name, variables: current.variables, base });
  }
  return ops;
}

/**
 * Applies the server's answers to prompt and test-case ops. An answered op leaves the outbox
 * unless the member edited again while it was in flight: then a new op (a new id) carries the
 * newer edit, from what was sent. A conflict or refusal leaves a notice with the member's own
 * values (nothing is lost silently); the next pull shows the server's. A refused move puts the
 * prompt back in the personal workspace as it was, and says why.
 */
export function applyPromptResults(store: Store, clock: Clock, op: SyncOp, result: OpResult): void {
  const edits = editsOf(store);
  const at = clock.now().toISOString();
  const name = store.prompts.getRowById(op.promptId)?.name ?? op.promptId;
  const notice = (kind: string, message: string, detail: unknown) =>
    replicaOf(store).addNotice({ id: `${kind}:${op.id}`, kind, prompt_id: op.promptId, message, detail: JSON.stringify(detail), at });
  store.tx(() => {
    if (op.kind === 'prompt.create') {
      const edit = edits.promptEdit(op.promptId);
      if (!edit || edit.op_id !== op.id) return;
      if (result.status === 'rejected') {
        const owner = (JSON.parse(edit.base) as { ownerId?: string }).ownerId ?? null;
        edits.backToPersonal(op.promptId, owner);
        notice('move.rejected', `"${op.name}" was not moved to the team: ${result.error.message}`, result.error);
        return;
      }
      if (result.status === 'applied' && result.message) notice('move.private', result.message, { name: op.name });
      const row = store.prompts.getRowById(op.promptId);
      const sent: Meta = Object.fromEntries(PROMPT_META_FIELDS.map((f) => [f, op[f]]));
      if (row && editedFields(metaOfRow(row), sent).length > 0) edits.renewPromptEdit(op.promptId, randomUUID(), JSON.stringify(sent));
      else edits.dropPromptEdit(op.promptId, op.id);
    } else if (op.kind === 'prompt.update') {
      const edit = edits.promptEdit(op.promptId);
      if (result.status === 'conflict') notice('prompt.conflict', result.message, result.detail);
      if (result.status === 'rejected') notice('prompt.rejected', `Your changes to the details of "${name}" were not applied: ${result.error.message}`, { error: result.error, yours: op.changes });
      if (!edit || edit.op_id !== op.id) return;
      const row = store.prompts.getRowById(op.promptId);
      const local = row ? metaOfRow(row) : null;
      const changedSince = local !== null && PROMPT_META_FIELDS.some((f) => f in op.changes && !sameMeta(f, local[f], op.changes[f]));
      if (result.status === 'applied' && changedSince) edits.renewPromptEdit(op.promptId, randomUUID(), JSON.stringify({ ...parseBase(edit), ...op.changes }));
      else edits.dropPromptEdit(op.promptId, op.id);
    } else if (op.kind === 'testcase.put' || op.kind === 'testcase.delete') {
      if (result.status === 'conflict') notice('testcase.conflict', result.message, result.detail);
      if (result.status === 'rejected') notice('testcase.rejected', `A test case change on "${name}" was not applied: ${result.error.message}`, { error: result.error, op });
      const current = store.testCases.get(op.promptId, op.testCaseId);
      const same =
        op.kind === 'testcase.delete'
          ? !current
          : !!current && current.name === op.name && JSON.stringify(current.variables) === JSON.stringify(op.variables);
      if (result.status === 'applied' && !same && op.kind === 'testcase.put') {
        edits.renewTestCaseEdit(op.testCaseId, randomUUID(), JSON.stringify({ name: op.name, variables: op.variables }));
      } else edits.dropTestCaseEdit(op.testCaseId, op.id);
    }
  });
}

/**
 * Keeps this desktop's unsent edits when a pull brings a prompt's snapshot (inside the pull's
 * transaction, before the snapshot is written): edited metadata fields keep their local values
 * (the push sends them with the base they started from), fields not edited here take the
 * server's (and become the base); a prompt moved here and not yet created keeps all of its own.
 * Returns what to do once the snapshot's rows are written (restore test cases changed here).
 */
export function keepLocalEdits(store: Store, prompt: SyncRow): () => void {
  const edits = editsOf(store);
  const id = String(prompt['id']);
  const row = store.prompts.getRowById(id);
  const edit = edits.promptEdit(id);
  if (row && edit) {
    const local = metaOfRow(row);
    const base = edit.kind === 'create' ? null : parseBase(edit);
    const server = metaOfRow({
      title: String(prompt['title']),
      description: String(prompt['description'] ?? ''),
      tags: String(prompt['tags'] ?? '[]'),
      slash_command: (prompt['slash_command'] as string | null) ?? null,
      data_logging: String(prompt['data_logging'] ?? 'full') as PromptMeta['dataLogging'],
    });
    const nextBase: Meta = {};
    for (const f of PROMPT_META_FIELDS) {
      const edited = base === null || (f in base && !sameMeta(f, local[f], base[f]));
      if (edited) {
        prompt[COLUMN[f]] = f === 'tags' ? JSON.stringify(local.tags) : (local[f] as string | null);
        if (base) nextBase[f] = base[f] as never;
      } else nextBase[f] = server[f] as never;
    }
    if (base) edits.setPromptBase(id, JSON.stringify(nextBase));
  }
  const cases = edits.testCaseEditsOf(id);
  if (cases.length === 0) return () => {};
  const held = new Map(store.testCases.list(id).map((c) => [c.id, c]));
  return () => {
    for (const e of cases) {
      const mine = held.get(e.test_case_id);
      if (e.deleted === 1 || !mine) edits.dropCase(id, e.test_case_id);
      else edits.keepCase({ id: mine.id, promptId: id, name: mine.name, variables: JSON.stringify(mine.variables), updatedAt: mine.updatedAt });
    }
  };
}
