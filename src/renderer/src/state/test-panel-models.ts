/**
 * The models a member ticked in a prompt's test panel, kept in this browser's storage, so they
 * are still ticked after switching tabs, opening another prompt and coming back, or reloading.
 * Only model references are kept (no prompt text), per member and prompt.
 */

const STORAGE_KEY = 'promptdesk.testPanel.models';
/** Remembered prompts per browser; the oldest are forgotten past this. */
export const MAX_REMEMBERED = 200;

/** localStorage, or anything shaped like it (tests pass a Map-backed one). */
type ModelStorage = { getItem(key: string): string | null; setItem(key: string, value: string): void };

const entryKey = (memberId: string | null, promptName: string) => `${memberId ?? ''}|${promptName}`;

function readAll(storage: ModelStorage): Record<string, string[]> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string[]>) : {};
  } catch {
    // Unreadable (edited by hand, another version): start over rather than fail the panel.
    return {};
  }
}

/** The models last chosen for this prompt by this member, or null when none were. */
export function rememberedModels(storage: ModelStorage, memberId: string | null, promptName: string): string[] | null {
  const models = readAll(storage)[entryKey(memberId, promptName)];
  return Array.isArray(models) ? models.filter((m): m is string => typeof m === 'string') : null;
}

/** Keeps `models` as the choice for this prompt and member (most recent last; storage errors are ignored). */
export function rememberModels(storage: ModelStorage, memberId: string | null, promptName: string, models: readonly string[]): void {
  const all = readAll(storage);
  const key = entryKey(memberId, promptName);
  delete all[key];
  all[key] = [...models];
  const keys = Object.keys(all);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_REMEMBERED))) delete all[old];
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(all));
  } catch {
    // Full or refused storage: the choice lasts for this page only.
  }
}

/**
 * Which models start ticked: the ones ticked now that can still run, else the remembered ones
 * that can, else the first available (the prompt's own first). In the panel's list order.
 */
export function startingModels(available: readonly string[], current: readonly string[], remembered: readonly string[] | null): string[] {
  const usable = (list: readonly string[]) => available.filter((m) => list.includes(m));
  const now = usable(current);
  if (now.length > 0) return now;
  const before = usable(remembered ?? []);
  if (before.length > 0) return before;
  return available.length > 0 ? [available[0]!] : [];
}
