import type { ChangeEvent, ChangeKind } from '../../../shared/schemas/changes';
import { queryKeys, type PromptPart } from './query-keys';
import type { Route } from './route';

/**
 * What on screen is still loaded by its own slice (not a query): the editor, whose draft follows
 * the prompt only without unsaved edits. Reloaded only when it shows the prompt an event is about.
 */
export type SliceTarget = 'editor';

const ALL_SLICES: readonly SliceTarget[] = ['editor'];

/** Which queries and slices one event kind touches. */
interface Rule {
  /** Lists of prompts (Library, Chat launcher): they show every visible prompt. */
  lists?: true;
  /** Parts of the named prompt's page that are queries. */
  parts?: readonly PromptPart[];
  /** Slices refetched when the named prompt's page is open. */
  open?: readonly SliceTarget[];
  /** Logged runs: the global Logs screen's and the named prompt's Logs tab's runs and counts. */
  runs?: true;
  /** Workspace lists in Settings (and the launcher's "no model" note for integrations). */
  workspace?: readonly ('members' | 'accessLists' | 'keys' | 'integrations')[];
  /** Names no prompt and may concern any of them: every query and every loaded slice. */
  everything?: true;
}

/** A version's content or status moved: the Versions and History tabs, and what the API serves. */
const VERSIONS: readonly PromptPart[] = ['versions', 'version', 'compare', 'history', 'served', 'runnable'];
/** The same, and the readiness checklist (it is computed for the version chat serves). */
const VERSIONS_READINESS: readonly PromptPart[] = [...VERSIONS, 'readiness'];

/**
 * THE mapping "event kind -> what to refetch". Queries are invalidated by key whatever the screen
 * (TanStack Query refetches those on screen and marks the rest stale, so a screen opened later
 * reads afresh); slices only when the event names the prompt whose page is open.
 */
const REFETCH: Record<ChangeKind, Rule> = {
  'prompt.created': { lists: true, workspace: ['accessLists'] },
  'prompt.updated': { lists: true, parts: ['served'], open: ['editor'] },
  'prompt.deleted': { lists: true, open: ['editor'], workspace: ['accessLists'] },
  'version.saved': { lists: true, parts: VERSIONS_READINESS, open: ['editor'] },
  'version.updated': { lists: true, parts: VERSIONS, open: ['editor'] },
  'version.promoted': { lists: true, parts: VERSIONS_READINESS, open: ['editor'] },
  'deployment.pinned': { lists: true, parts: VERSIONS, open: ['editor'] },
  'sharing.changed': { lists: true, parts: ['sharing'], open: ['editor'], workspace: ['accessLists'] },
  // The checklist counts runs, ratings and test cases.
  'run.logged': { parts: ['readiness'], runs: true },
  'run.rated': { parts: ['readiness'], runs: true },
  'testcase.changed': { parts: ['testcases', 'readiness'] },
  'readiness.changed': { parts: ['readiness'] },
  'access.changed': { everything: true },
  'member.changed': { workspace: ['members'] },
  'key.changed': { workspace: ['keys'] },
  'integration.changed': { workspace: ['integrations'] },
  reset: { everything: true },
};

/** What a burst of events refetches: query keys to invalidate, and slices to reload. */
export interface RefetchPlan {
  /** Distinct keys (a prefix invalidates every query under it); `[]` is every query. */
  invalidate: (readonly unknown[])[];
  slices: Set<SliceTarget>;
}

/**
 * What to refetch after `events`, given the screen `route` shows: the union over the events of
 * REFETCH: query keys of the prompt each event names (a run: its Logs tab's runs and the global
 * Logs screen's), and the editor when the event names the prompt whose page is open. Pure:
 * applying it is live-refresh-apply.ts.
 */
export function refetchPlan(events: readonly ChangeEvent[], route: Route): RefetchPlan {
  const keys = new Map<string, readonly unknown[]>();
  const add = (key: readonly unknown[]) => keys.set(JSON.stringify(key), key);
  const slices = new Set<SliceTarget>();
  const openPrompt = route.name === 'editor' ? route.promptName : null;
  for (const event of events) {
    const rule = REFETCH[event.kind];
    const name = event.prompt?.name;
    if (rule.everything) {
      add(queryKeys.all);
      for (const slice of ALL_SLICES) slices.add(slice);
    }
    if (rule.lists) add(queryKeys.prompts);
    for (const list of rule.workspace ?? []) add(queryKeys[list]);
    if (name !== undefined) for (const part of rule.parts ?? []) add(queryKeys.part(name, part));
    if (openPrompt !== null && name === openPrompt) for (const slice of rule.open ?? []) slices.add(slice);
    if (rule.runs) {
      add(queryKeys.logScope(null));
      if (name !== undefined) add(queryKeys.logScope(name));
    }
  }
  // Every query already covers any other key.
  const invalidate = keys.has('[]') ? [queryKeys.all] : [...keys.values()];
  return { invalidate, slices };
}

/** How long a burst of events is gathered before one refetch (ms). */
export const REFETCH_DEBOUNCE_MS = 150;

/**
 * Gathers events and calls `apply` once per burst: `REFETCH_DEBOUNCE_MS` after the last event,
 * or at most `maxWaitMs` after the first, so a steady stream still refreshes the screen.
 * @returns `push` (add events) and `stop` (drop what is pending)
 */
export function debounceEvents(apply: (events: ChangeEvent[]) => void, waitMs = REFETCH_DEBOUNCE_MS, maxWaitMs = 1_000) {
  let pending: ChangeEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstAt = 0;
  const flush = () => {
    timer = undefined;
    const events = pending;
    pending = [];
    if (events.length > 0) apply(events);
  };
  return {
    push(events: readonly ChangeEvent[]) {
      if (events.length === 0) return;
      if (pending.length === 0) firstAt = Date.now();
      pending.push(...events);
      clearTimeout(timer);
      timer = setTimeout(flush, Math.max(0, Math.min(waitMs, firstAt + maxWaitMs - Date.now())));
    },
    stop() {
      clearTimeout(timer);
      pending = [];
    },
  };
}
