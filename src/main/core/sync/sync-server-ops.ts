import type { Ctx } from '../context';
import { AppError, conflict } from '../errors';
import { requirePrompt } from '../sharing/access';
import { createPrompt, setDataLogging, updatePrompt } from '../prompts/prompts-service';
import { setSharingLevel } from '../sharing/sharing-service';
import { deleteTestCase, putTestCase } from '../runs/test-cases-service';
import { describeAuthor, testCaseItem } from './sync-authors';
import { promptFor } from './op-prompt';
import { PROMPT_META_FIELDS, type OpResult, type PromptMeta, type SyncOp } from '../../../shared/schemas/sync';
import type { TestCase } from '../../../shared/schemas/runs';
import type { PromptRow } from '../../store/repos/prompts-repo';

type PromptOp = Extract<SyncOp, { kind: 'prompt.create' | 'prompt.update' | 'testcase.put' | 'testcase.delete' }>;

/** Whether an op is one of a prompt's own (its creation, metadata, test cases) rather than a version, promotion or run. */
export const isPromptOp = (op: SyncOp): op is PromptOp =>
  op.kind === 'prompt.create' || op.kind === 'prompt.update' || op.kind === 'testcase.put' || op.kind === 'testcase.delete';

const LABELS: Record<keyof PromptMeta, string> = {
  title: 'title',
  description: 'description',
  tags: 'tags',
  slashCommand: 'slash command',
  dataLogging: 'data logging level',
};

/** The metadata of a stored prompt, as ops carry it. */
export function metaOfRow(row: Pick<PromptRow, 'title' | 'description' | 'tags' | 'slash_command' | 'data_logging'>): PromptMeta {
  return { title: row.title, description: row.description, tags: JSON.parse(row.tags) as string[], slashCommand: row.slash_command, dataLogging: row.data_logging };
}

/** Two values of a metadata field are the same (tags as a set). */
export function sameMeta<K extends keyof PromptMeta>(field: K, a: PromptMeta[K] | undefined, b: PromptMeta[K] | undefined): boolean {
  if (field === 'tags' && Array.isArray(a) && Array.isArray(b)) return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

const sameVariables = (a: TestCase['variables'], b: TestCase['variables']) =>
  JSON.stringify(Object.entries(a).sort(([x], [y]) => x.localeCompare(y))) === JSON.stringify(Object.entries(b).sort(([x], [y]) => x.localeCompare(y)));
const sameCase = (c: Pick<TestCase, 'name' | 'variables'>, base: { name: string; variables: TestCase['variables'] }) =>
  c.name === base.name && sameVariables(c.variables, base.variables);

const quote = (value: unknown) => {
  const text = Array.isArray(value) ? value.join(', ') : String(value ?? 'none');
  return `"${text.length > 80 ? `${text.slice(0, 79)}…` : text}"`;
};
const when = (at: string | null) => (at ? ` at ${at}` : '');

/** A name for a desktop's test case that lost a race, free among the prompt's cases: "<name> (<member>)", then " 2", " 3"… */
function copyName(ctx: Ctx, promptId: string, name: string): string {
  const taken = new Set(ctx.store.testCases.list(promptId).map((c) => c.name));
  const base = `${name} (${ctx.actor.name})`.slice(0, 96);
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base} ${n}`;
  return candidate;
}

function createOp(ctx: Ctx, op: Extract<PromptOp, { kind: 'prompt.create' }>): OpResult {
  const existing = ctx.store.prompts.getRowById(op.promptId);
  if (existing) throw conflict('This prompt id is already used', 'promptId');
  // Refused at the field when the name (or slash command) is taken on the server, hidden prompts' names included (nameTaken).
  createPrompt(ctx, { name: op.name, title: op.title, description: op.description, tags: op.tags, slashCommand: op.slashCommand }, { id: op.promptId });
  if (op.dataLogging !== ctx.store.prompts.getRowById(op.promptId)!.data_logging) setDataLogging(ctx, op.name, op.dataLogging);
  if (op.sharingLevel === 'private') return { id: op.id, status: 'applied' };
  try {
    setSharingLevel(ctx, { name: op.name, level: op.sharingLevel });
    return { id: op.id, status: 'applied' };
  } catch (error) {
    // The server's rules on widening (the readiness checklist) decide: the prompt arrives, Private.
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    return { id: op.id, status: 'applied', message: `Moved to the team as Private: ${error.message}` };
  }
}

function updateOp(ctx: Ctx, op: Extract<PromptOp, { kind: 'prompt.update' }>): OpResult {
  const row = promptFor(ctx, op.promptId);
  requirePrompt(ctx, row.name, 'edit');
  const current = metaOfRow(row);
  const apply: Partial<PromptMeta> = {};
  const refused: { field: keyof PromptMeta; yours: unknown; theirs: unknown; by: string; at: string | null }[] = [];
  for (const field of PROMPT_META_FIELDS) {
    if (!(field in op.changes)) continue;
    const yours = op.changes[field];
    // Applied when the server still holds what the desktop started from (or already holds the edit).
    if (sameMeta(field, current[field], op.base[field]) || sameMeta(field, current[field], yours)) Object.assign(apply, { [field]: yours });
    else {
      const author = describeAuthor(ctx.store, row.id, field);
      refused.push({ field, yours, theirs: current[field], by: author.who, at: author.at });
    }
  }
  const { dataLogging, ...meta } = apply;
  if (Object.keys(meta).length > 0) updatePrompt(ctx, { name: row.name, ...meta });
  if (dataLogging !== undefined && dataLogging !== current.dataLogging) setDataLogging(ctx, row.name, dataLogging);
  if (refused.length === 0) return { id: op.id, status: 'applied' };
  const said = refused.map((r) => `${r.by} changed the ${LABELS[r.field]} of "${row.name}"${when(r.at)} to ${quote(r.theirs)}; yours was ${quote(r.yours)}`);
  return {
    id: op.id,
    status: 'conflict',
    message: `Not applied: ${said.join('; ')}`,
    detail: { prompt: row.name, applied: Object.keys(apply), refused },
  };
}

function putOp(ctx: Ctx, op: Extract<PromptOp, { kind: 'testcase.put' }>): OpResult {
  const row = promptFor(ctx, op.promptId);
  requirePrompt(ctx, row.name, 'edit');
  const current = ctx.store.testCases.get(row.id, op.testCaseId);
  const unchangedHere = !current || (op.base !== null && sameCase(current, op.base)) || sameCase(current, op);
  const nameHolder = ctx.store.testCases.list(row.id).find((c) => c.name === op.name && c.id !== op.testCaseId);
  if (unchangedHere && !nameHolder) {
    // New, unchanged on the server since, or deleted there meanwhile (an edit outweighs a delete: nothing is lost).
    putTestCase(ctx, row.name, op.testCaseId, op.name, op.variables);
    return { id: op.id, status: 'applied' };
  }
  // Someone changed this case on the server (or made another of the same name): theirs stays, ours is kept beside it.
  const other = nameHolder ?? current!;
  const author = describeAuthor(ctx.store, row.id, testCaseItem(other.id));
  const kept = copyName(ctx, row.id, op.name);
  putTestCase(ctx, row.name, op.id, kept, op.variables);
  return {
    id: op.id,
    status: 'conflict',
    message: `${author.who} changed test case "${other.name}" of "${row.name}"${when(author.at)}; your values are kept as test case "${kept}"`,
    detail: { prompt: row.name, testCase: other.name, keptAs: kept, by: author.who, at: author.at },
  };
}

function deleteOp(ctx: Ctx, op: Extract<PromptOp, { kind: 'testcase.delete' }>): OpResult {
  const row = promptFor(ctx, op.promptId);
  requirePrompt(ctx, row.name, 'edit');
  const current = ctx.store.testCases.get(row.id, op.testCaseId);
  if (!current) return { id: op.id, status: 'applied' };
  if (op.base === null || sameCase(current, op.base)) {
    deleteTestCase(ctx, row.name, current.id);
    return { id: op.id, status: 'applied' };
  }
  const author = describeAuthor(ctx.store, row.id, testCaseItem(current.id));
  return {
    id: op.id,
    status: 'conflict',
    message: `Not deleted: ${author.who} changed test case "${current.name}" of "${row.name}"${when(author.at)}`,
    detail: { prompt: row.name, testCase: current.name, by: author.who, at: author.at },
  };
}

/**
 * Applies a desktop's op on a prompt's own data (docs/sync.md "Op kinds", "Conflicts") through
 * the same services every door uses: `prompt.create` (a personal prompt moved to the team, under
 * its desktop id; a taken name is refused at `name`), `prompt.update` (each field applied only
 * if the server still holds the desktop's base, else a conflict naming who changed it, when, and
 * both values), `testcase.put` (a case changed on the server since is kept, the desktop's values
 * beside it as "<name> (<member>)": nothing is lost) and `testcase.delete` (not deleted when
 * changed on the server since). Called inside the push's per-op savepoint (sync-server.ts).
 *
 * @throws AppError as the services do (the push answers it as `rejected`)
 */
export function applyPromptOp(ctx: Ctx, op: PromptOp): OpResult {
  switch (op.kind) {
    case 'prompt.create':
      return createOp(ctx, op);
    case 'prompt.update':
      return updateOp(ctx, op);
    case 'testcase.put':
      return putOp(ctx, op);
    case 'testcase.delete':
      return deleteOp(ctx, op);
  }
}
