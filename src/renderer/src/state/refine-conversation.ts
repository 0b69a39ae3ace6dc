import type { RefineDiff, RefineMessage, RefineProposal, RefineResult } from '../../../shared/schemas/refine';
import type { RunStatus, RunUsage } from '../../../shared/schemas/runs';
import type { Template, VariableMeta } from '../../../shared/template/template';
import { EMPTY_VARIABLE, newMessage, type EditorDraft } from './editor-draft';

/**
 * The refine panel's conversation as the renderer keeps it, and what it sends: every turn
 * sends the conversation whole (the main process keeps nothing between turns, see
 * src/shared/schemas/refine.ts). No rule about templates lives here; the core reads the answer.
 */

export interface RefineMemberTurn {
  kind: 'member';
  id: string;
  text: string;
}

export interface RefineAnswerTurn {
  kind: 'answer';
  id: string;
  runId: string;
  model: string;
  /** The version the turn refined. */
  version: number;
  status: RunStatus;
  /** The answer as it streams (explanation and revision block, raw). */
  text: string;
  cursor: number;
  usage: RunUsage;
  latencyMs: number | null;
  ttftMs: number | null;
  error: { code: string; message: string; retryAfter?: number } | null;
  stopping: boolean;
  /** The answer read by the core once the turn succeeded: explanation, proposal or the reason there is none, diff. */
  result: RefineResult | null;
  /** The version this turn's proposal was saved as (Save as version), so it is not offered again. */
  savedAs?: number;
}

/** A turn that never started (refused before any answer), shown where it happened. */
export interface RefineErrorTurn {
  kind: 'error';
  id: string;
  message: string;
}

export type RefineTurn = RefineMemberTurn | RefineAnswerTurn | RefineErrorTurn;

/**
 * The messages a new turn sends: the member's turns and every answer that finished with a
 * result (its explanation, and its proposal so "shorter" refers to that revision), then `request`.
 * Answers that failed or were stopped are left out: the model never saw them whole.
 *
 * @example conversationMessages([{ kind: 'member', id: 't1', text: 'Shorter' }], 'Keep the JSON')
 * // [{ role: 'user', content: 'Shorter' }, { role: 'user', content: 'Keep the JSON' }]
 */
export function conversationMessages(turns: readonly RefineTurn[], request: string): RefineMessage[] {
  const messages: RefineMessage[] = [];
  for (const turn of turns) {
    if (turn.kind === 'member') messages.push({ role: 'user', content: turn.text });
    else if (turn.kind === 'answer' && turn.status === 'success' && turn.result) {
      messages.push({ role: 'assistant', content: turn.result.explanation, proposal: turn.result.proposal?.template ?? null });
    }
  }
  messages.push({ role: 'user', content: request });
  return messages;
}

/** The newest answer that holds a usable proposal: the one Apply, Save and Try it act on. */
export function latestProposalTurn(turns: readonly RefineTurn[]): (RefineAnswerTurn & { result: RefineResult & { proposal: RefineProposal; diff: RefineDiff } }) | null {
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    if (turn.kind === 'answer' && turn.result?.proposal && turn.result.diff) {
      return turn as RefineAnswerTurn & { result: RefineResult & { proposal: RefineProposal; diff: RefineDiff } };
    }
  }
  return null;
}

/** What the answer's bubble says about its proposal. */
export type ProposalState =
  | { kind: 'streaming' }
  | { kind: 'proposal'; proposal: RefineProposal; diff: RefineDiff }
  | { kind: 'none'; reason: string }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

/** Where one answer stands: still writing, a proposal, no usable revision (with why), failed or stopped. */
export function proposalState(turn: RefineAnswerTurn): ProposalState {
  if (turn.status === 'running') return { kind: 'streaming' };
  if (turn.status === 'cancelled') return { kind: 'stopped' };
  if (turn.status === 'error') return { kind: 'failed', message: turn.error?.message ?? 'The model run failed.' };
  const result = turn.result;
  if (result?.proposal && result.diff) return { kind: 'proposal', proposal: result.proposal, diff: result.diff };
  return { kind: 'none', reason: result?.reason ?? 'The answer holds no proposed revision. Reply to it, or ask for the revised template.' };
}

/**
 * The proposal as text to copy: a text template as it is; chat messages as the compare view
 * shows them (`[role]` then the content), read from the core's diff so both use one format.
 */
export function proposalText(proposal: RefineProposal, diff: RefineDiff): string {
  if (proposal.template.kind === 'text') return proposal.template.text;
  return diff.template
    .filter((part) => !part.removed)
    .map((part) => part.value)
    .join('');
}

/**
 * The note the "Save as version" dialog starts with: the requests that produced revisions (each
 * answered with a proposal), oldest first, on one line. Requests answered with a question, an
 * error or a stop changed nothing, so they are left out.
 */
export function defaultSaveNote(turns: readonly RefineTurn[], maxChars = 200): string {
  const requests: string[] = [];
  let pending: string | null = null;
  for (const turn of turns) {
    if (turn.kind === 'member') pending = turn.text.replace(/\s+/g, ' ').trim();
    else if (turn.kind === 'answer' && turn.result?.proposal && pending !== null) {
      requests.push(pending);
      pending = null;
    }
  }
  const note = requests.join('; ');
  return note.length <= maxChars ? note : `${note.slice(0, maxChars - 1).trimEnd()}…`;
}

/**
 * The editor draft with a proposal's template in place: the draft switches to the proposal's
 * format, and variable notes the draft already has are kept (they may hold unsaved edits);
 * notes for names it lacks come from the proposal. Model settings and display message stay.
 */
export function draftWithProposal(draft: EditorDraft, template: Template, variables: readonly VariableMeta[]): EditorDraft {
  const notes = { ...draft.variables };
  for (const meta of variables) {
    notes[meta.name] ??= { ...EMPTY_VARIABLE, description: meta.description ?? '', default: meta.default ?? '', example: meta.example ?? '' };
  }
  return template.kind === 'text'
    ? { ...draft, mode: 'text', text: template.text, variables: notes }
    : { ...draft, mode: 'chat', messages: template.messages.map((m) => newMessage(m.role, m.content)), variables: notes };
}

/** Column keys of "Try it": the refined version and the proposal, one row per test case. */
export const TRIAL_SIDES = ['current', 'proposal'] as const;
export type TrialSide = (typeof TRIAL_SIDES)[number];

export const trialKey = (caseId: string, side: TrialSide) => `${caseId}|${side}`;
export const trialSideOf = (key: string): TrialSide => (key.endsWith('|proposal') ? 'proposal' : 'current');

/**
 * The values "Try it" needs from the member before it can run the proposal: one per variable
 * the proposal adds (`diff.variables.added`) that has no default, since the saved test cases were
 * written for the refined version and may not hold it. Each value is what the member typed, else
 * the first saved test case that holds a non-empty value under that name, else ''.
 *
 * @returns `names` in the proposal's order, `values` by name, `missing` the names still empty.
 */
export function trialInputs(
  proposal: RefineProposal,
  diff: RefineDiff,
  cases: readonly { variables: Record<string, unknown> }[],
  typed: Readonly<Record<string, string>>,
): { names: string[]; values: Record<string, string>; missing: string[] } {
  const added = new Set(diff.variables.added);
  const names = proposal.variables.filter((v) => added.has(v.name) && (v.default ?? '') === '').map((v) => v.name);
  const values: Record<string, string> = {};
  for (const name of names) {
    const fromCase = cases.map((c) => c.variables[name]).find((v) => v !== undefined && v !== null && String(v) !== '');
    values[name] = typed[name] ?? (fromCase === undefined ? '' : String(fromCase));
  }
  return { names, values, missing: names.filter((name) => values[name]!.trim() === '') };
}
