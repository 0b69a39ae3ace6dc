import type { Ctx } from '../context';
import { AppError } from '../errors';
import { requireApiScope } from '../keys/keys-service';
import { requirePrompt } from '../sharing/access';
import { noSavedVersion, versionOf } from '../versions/versions-service';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { LogRow } from '../../store/repos/logs-repo';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { TestCase } from '../../../shared/schemas/runs';

/** Test cases sent to the model: enough to show the prompt's range of inputs, bounded in size. */
export const MAX_CONTEXT_TEST_CASES = 20;
/** Test runs read to find each case's latest output (newest first). */
const TEST_RUNS_SCANNED = 200;

type Values = Record<string, string | number | boolean>;

/** A saved test case with the output of its newest successful test run, when the logs kept it. */
export interface ContextTestCase {
  name: string;
  variables: Values;
  latestOutput: { text: string; version: number | null } | null;
}

/** Everything a refine turn knows about the prompt, loaded once per turn. */
export interface RefineContext {
  row: PromptRow;
  version: PromptVersion;
  /** Whether the member may edit the prompt: save a proposal, see its test cases. */
  canEdit: boolean;
  testCases: ContextTestCase[];
}

/**
 * Who may refine: refining shows the template to the member and to the model, so it needs read
 * permission (a Chat-only member or a `run` share gets 403, a hidden prompt 404); and it calls a
 * model as /run does, so over the API the key also needs the `run` scope. Keyless calls follow
 * the prompt's keyless rule (read and run from this machine), as /run does.
 *
 * @throws AppError not_found (hidden or missing prompt), forbidden, unauthenticated
 */
export function requireRefinable(ctx: Ctx, name: string): PromptRow {
  const row = requirePrompt(ctx, name, 'read');
  requireApiScope(ctx, 'run');
  return row;
}

/** Whether the actor may edit the prompt (the sharing rule and, over the API, the key's scope). */
function mayEdit(ctx: Ctx, name: string): boolean {
  try {
    requirePrompt(ctx, name, 'edit');
    return true;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'forbidden' || error.code === 'unauthenticated')) return false;
    throw error;
  }
}

/** The version a refine turn works on: the one named, else the newest (what the editor opens). */
function refinedVersion(ctx: Ctx, row: PromptRow, number: number | undefined): PromptVersion {
  if (number !== undefined) return versionOf(ctx, row, number);
  if (row.latest_version === null) throw noSavedVersion(row.name, 'refining');
  return versionOf(ctx, row, row.latest_version);
}

const sameValues = (a: Values, b: Values) => {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((n) => Object.hasOwn(b, n) && String(a[n]) === String(b[n]));
};

function parseValues(json: string | null): Values | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as Values;
  } catch {
    return null;
  }
}

/**
 * Each case with the output of its newest successful test run. Runs are matched by their logged
 * values, so a prompt logging Metadata only or None has no outputs here (nothing to read back).
 */
function withLatestOutputs(ctx: Ctx, promptId: string, cases: TestCase[]): ContextTestCase[] {
  const runs: LogRow[] = cases.length === 0 ? [] : ctx.store.logs.page({ viewer: null, promptId, sources: ['test'], statuses: ['success'] }, null, TEST_RUNS_SCANNED, 'all');
  const logged = runs.flatMap((run) => {
    const values = parseValues(run.variables);
    return values && run.output !== null ? [{ values, output: run.output, version: run.version }] : [];
  });
  return cases.map((testCase) => {
    const newest = logged.find((run) => sameValues(run.values, testCase.variables));
    return { name: testCase.name, variables: testCase.variables, latestOutput: newest ? { text: newest.output, version: newest.version } : null };
  });
}

/**
 * Loads what a refine turn sends the model: the version (template, variables with metadata,
 * model settings, display message), the prompt's title and description, and, for a member who
 * may edit (test cases belong to the prompt's editors), up to MAX_CONTEXT_TEST_CASES saved test
 * cases with their latest outputs.
 *
 * @throws as requireRefinable; not_found for an unknown version; conflict when none is saved
 */
export function loadRefineContext(ctx: Ctx, name: string, versionNumber: number | undefined): RefineContext {
  const row = requireRefinable(ctx, name);
  const version = refinedVersion(ctx, row, versionNumber);
  const canEdit = mayEdit(ctx, name);
  const cases = canEdit ? ctx.store.testCases.list(row.id).slice(0, MAX_CONTEXT_TEST_CASES) : [];
  return { row, version, canEdit, testCases: withLatestOutputs(ctx, row.id, cases) };
}
