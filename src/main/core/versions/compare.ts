import { diffLines, diffWordsWithSpace } from 'diff';
import type { Ctx } from '../context';
import { getVersion } from './versions-service';
import { assertActive } from '../users/users-service';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { DiffPart, FieldChange, VersionComparison } from '../../../shared/schemas/versions';
import type { Template, VariableMeta } from '../../../shared/template/template';

/**
 * What compare may cost. Myers' diff is O(N·D): two long, very different texts blocked the
 * server for minutes (100,000 changed lines never finished), and even with jsdiff's timeout,
 * splitting 200 KB into words takes longer than a request may block. So the word diff runs only
 * on texts up to WORD_DIFF_MAX_CHARS (both together), the line diff on up to LINE_DIFF_MAX_LINES,
 * each within its budget; past that the answer is the linear line diff. `npm run bench:input`
 * prints the event-loop delay this leaves.
 */
export const WORD_DIFF_MAX_CHARS = 50_000;
export const LINE_DIFF_MAX_LINES = 5_000;
export const WORD_DIFF_BUDGET_MS = 15;
export const LINE_DIFF_BUDGET_MS = 15;

/**
 * The cheapest honest line diff, O(N): the common leading and trailing lines are kept, the rest
 * shows as removed then added. Not minimal, but exact (the kept and removed parts join to
 * `from`, the kept and added parts to `to`).
 */
export function linearLineDiff(from: string, to: string): DiffPart[] {
  if (from === to) return from === '' ? [] : [{ value: from }];
  const shorter = Math.min(from.length, to.length);
  let prefix = 0;
  while (prefix < shorter && from.charCodeAt(prefix) === to.charCodeAt(prefix)) prefix++;
  // Keep whole lines only: back to the start of the line where they differ.
  const head = prefix === 0 ? 0 : from.lastIndexOf('\n', prefix - 1) + 1;
  let suffix = 0;
  const room = shorter - head;
  while (suffix < room && from.charCodeAt(from.length - 1 - suffix) === to.charCodeAt(to.length - 1 - suffix)) suffix++;
  // The kept tail starts a line in both texts (or right after the kept head).
  const startsLine = (text: string, at: number) => at === head || text.charCodeAt(at - 1) === 10;
  while (suffix > 0 && !(startsLine(from, from.length - suffix) && startsLine(to, to.length - suffix))) suffix--;
  const parts: DiffPart[] = [];
  if (head > 0) parts.push({ value: from.slice(0, head) });
  if (from.length - suffix > head) parts.push({ value: from.slice(head, from.length - suffix), removed: true });
  if (to.length - suffix > head) parts.push({ value: to.slice(head, to.length - suffix), added: true });
  if (suffix > 0) parts.push({ value: from.slice(from.length - suffix) });
  return parts;
}

function lineCount(text: string): number {
  let count = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** The template as one text, chat messages headed by their role, so both kinds diff alike. */
export function templateAsText(template: Template): string {
  if (template.kind === 'text') return template.text;
  return template.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

function compact(parts: { value: string; added?: boolean; removed?: boolean }[]): DiffPart[] {
  return parts.map((p) => (p.added ? { value: p.value, added: true } : p.removed ? { value: p.value, removed: true } : { value: p.value }));
}

/**
 * Word diff when the texts are short enough and it fits its budget, else a line diff under the
 * same conditions, else the linear line diff: compare never hangs, whatever the two texts.
 */
export function diffTexts(
  from: string,
  to: string,
  budgetMs = WORD_DIFF_BUDGET_MS,
  lineBudgetMs = LINE_DIFF_BUDGET_MS,
): { parts: DiffPart[]; granularity: 'words' | 'lines' } {
  if (from.length + to.length <= WORD_DIFF_MAX_CHARS) {
    const words = diffWordsWithSpace(from, to, { timeout: budgetMs });
    if (words) return { parts: compact(words), granularity: 'words' };
  }
  if (lineCount(from) + lineCount(to) <= LINE_DIFF_MAX_LINES) {
    const lines = diffLines(from, to, { timeout: lineBudgetMs });
    if (lines) return { parts: compact(lines), granularity: 'lines' };
  }
  return { parts: linearLineDiff(from, to), granularity: 'lines' };
}

const show = (value: unknown) => (value === undefined || value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value));

function settingChanges(from: PromptVersion, to: PromptVersion): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of ['models', 'temperature', 'maxTokens'] as const) {
    const a = show(from.modelSettings[field]);
    const b = show(to.modelSettings[field]);
    if (a !== b) changes.push({ field, from: a, to: b });
  }
  return changes;
}

function variableChanges(from: VariableMeta[], to: VariableMeta[]): VersionComparison['variables'] {
  const before = new Map(from.map((v) => [v.name, v]));
  const after = new Map(to.map((v) => [v.name, v]));
  const changed: FieldChange[] = [];
  for (const [name, meta] of after) {
    const old = before.get(name);
    if (!old) continue;
    for (const field of ['description', 'default', 'example'] as const) {
      if (show(old[field]) !== show(meta[field])) changed.push({ field: `${name}.${field}`, from: show(old[field]), to: show(meta[field]) });
    }
  }
  return {
    added: [...after.keys()].filter((n) => !before.has(n)),
    removed: [...before.keys()].filter((n) => !after.has(n)),
    changed,
  };
}

/** Everything that differs between two versions of a prompt. */
export function compareVersions(ctx: Ctx, name: string, fromNumber: number, toNumber: number): VersionComparison {
  assertActive(ctx.actor);
  const from = getVersion(ctx, name, fromNumber);
  const to = getVersion(ctx, name, toNumber);
  const { parts, granularity } = diffTexts(templateAsText(from.template), templateAsText(to.template));
  const summary = (v: PromptVersion) => ({ number: v.number, status: v.status, createdAt: v.createdAt });
  const displayFrom = from.displayMessage ?? '';
  const displayTo = to.displayMessage ?? '';
  return {
    from: summary(from),
    to: summary(to),
    template: parts,
    granularity,
    modelSettings: settingChanges(from, to),
    variables: variableChanges(from.variables, to.variables),
    displayMessage: displayFrom === displayTo ? null : { field: 'displayMessage', from: displayFrom, to: displayTo },
  };
}
