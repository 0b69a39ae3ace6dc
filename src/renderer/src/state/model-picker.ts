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
