import { MODEL_REF_PATTERN } from '../../../shared/schemas/template';

/**
 * The editor's model list as the picker edits it. The draft keeps models as text, one
 * `integration:model` per line (what the version saves); these helpers read and change it.
 */

/** The references in the draft's models text, trimmed, blank lines left out, each once. */
export function modelLines(text: string): string[] {
  return [...new Set(text.split('\n').map((line) => line.trim()).filter(Boolean))];
}

/** The text with `model` added at the end (unchanged when it is already there or blank). */
export function withModel(text: string, model: string): string {
  const lines = modelLines(text);
  const ref = model.trim();
  if (ref === '' || lines.includes(ref)) return lines.join('\n');
  return [...lines, ref].join('\n');
}

/** The text without `model`. */
export function withoutModel(text: string, model: string): string {
  return modelLines(text)
    .filter((line) => line !== model)
    .join('\n');
}

/** At most this many suggestions show at once: the rest are one more word away. */
export const MAX_SUGGESTIONS = 50;

/**
 * Known models matching what was typed, not yet chosen: every word of the query must appear
 * in the reference (case-insensitive), so "gpt mini" finds `openai:gpt-4o-mini`. An empty query
 * offers them all, in the integrations' order.
 */
export function modelSuggestions(known: readonly string[], chosen: readonly string[], query: string): string[] {
  const words = query.toLowerCase().split(/[\s:]+/).filter(Boolean);
  const taken = new Set(chosen);
  return known.filter((ref) => !taken.has(ref) && words.every((word) => ref.toLowerCase().includes(word))).slice(0, MAX_SUGGESTIONS);
}

/** What Enter in the picker's box does: add a reference, say why it cannot, or nothing (empty box). */
export type EnterChoice = { add: string } | { error: string } | null;

/**
 * Enter in the models box (round 2, finding 6): the highlighted suggestion; else the typed text
 * when it is a whole model reference (`integration:model`, the pattern saving checks,
 * shared/schemas/template.ts MODEL_REF_PATTERN: models a provider serves without listing them);
 * else the only suggestion ("rev" picks local:reviser); else an error for the field and nothing
 * added, so a fragment never becomes a chip.
 *
 * @param highlighted the suggestion index the list highlights, -1 for none (downshift's highlightedIndex)
 */
export function enterChoice(query: string, suggestions: readonly string[], highlighted: number): EnterChoice {
  const typed = query.trim();
  const picked = highlighted >= 0 ? suggestions[highlighted] : undefined;
  if (picked !== undefined) return { add: picked };
  if (typed === '') return null;
  if (MODEL_REF_PATTERN.test(typed)) return { add: typed };
  const only = suggestions.length === 1 ? suggestions[0] : undefined;
  if (only !== undefined) return { add: only };
  const hint = suggestions.length > 1 ? 'pick one of the suggestions, or write' : 'write';
  return { error: `"${typed}" is not a model: ${hint} it as integration:model, e.g. openai:gpt-4o` };
}
