import { diffLines, diffWordsWithSpace } from 'diff';
import type { Ctx } from '../context';
import { getVersion } from './versions-service';
import { assertActive } from '../users/users-service';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { DiffPart, FieldChange, VersionComparison } from '../../../shared/schemas/versions';
import type { Template, VariableMeta } from '../../../shared/template/template';

/** A word diff of two 20 KB texts takes a few ms; a pathological pair is cut off here. */
export const WORD_DIFF_BUDGET_MS = 40;

/** The template as one text, chat messages headed by their role, so both kinds diff alike. */
export function templateAsText(template: Template): string {
  if (template.kind === 'text') return template.text;
  return template.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

function compact(parts: { value: string; added?: boolean; removed?: boolean }[]): DiffPart[] {
  return parts.map((p) => (p.added ? { value: p.value, added: true } : p.removed ? { value: p.value, removed: true } : { value: p.value }));
}

/** Word diff within a time budget, else a line diff (always fast): compare never hangs. */
export function diffTexts(from: string, to: string, budgetMs = WORD_DIFF_BUDGET_MS): { parts: DiffPart[]; granularity: 'words' | 'lines' } {
  const words = diffWordsWithSpace(from, to, { timeout: budgetMs });
  if (words) return { parts: compact(words), granularity: 'words' };
  return { parts: compact(diffLines(from, to)), granularity: 'lines' };
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
