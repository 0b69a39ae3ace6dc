import type { ChangeEvent, ChangeKind } from '../../../shared/schemas/changes';
import { queryKeys, type PromptPart } from './query-keys';

/** Which queries one event kind touches. */
interface Rule {
  /** Lists of prompts (Library, Chat launcher): they show every visible prompt. */
  lists?: true;
  /** Parts of the named prompt's page ('detail': the prompt itself, which its open editor follows). */
  parts?: readonly PromptPart[];
  /** Logged runs: the global Logs screen's and the named prompt's Logs tab's runs and counts. */
  runs?: true;
  /** Workspace lists in Settings (and the launcher's "no model" note for integrations). */
  workspace?: readonly ('members' | 'accessLists' | 'keys' | 'integrations')[];
  /** Names no prompt and may concern any of them: every query. */
  everything?: true;
}

/** A version's content or status moved: the prompt, its Versions and History tabs, and what the API serves. */
const VERSIONS: readonly PromptPart[] = ['detail', 'versions', 'version', 'compare', 'history', 'served', 'runnable'];
/** The same, and the readiness checklist (it is computed for the version chat serves). */
const VERSIONS_READINESS: readonly PromptPart[] = [...VERSIONS, 'readiness'];

/**
 * THE mapping "event kind -> what to refetch", as query keys invalidated whatever the screen:
 * TanStack Query refetches the ones on screen and marks the rest stale, so a screen opened later
 * reads afresh. The open prompt's editor follows its 'detail' query by its own save/dirty rules.
 */
const REFETCH: Record<ChangeKind, Rule> = {
  'prompt.created': { lists: true, workspace: ['accessLists'] },
  'prompt.updated': { lists: true, parts: ['detail', 'served'] },
  'prompt.deleted': { lists: true, parts: ['detail'], workspace: ['accessLists'] },
  'version.saved': { lists: true, parts: VERSIONS_READINESS },
  'version.updated': { lists: true, parts: VERSIONS },
  'version.promoted': { lists: true, parts: VERSIONS_READINESS },
  'deployment.pinned': { lists: true, parts: VERSIONS },
  'sharing.changed': { lists: true, parts: ['detail', 'sharing'], workspace: ['accessLists'] },
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

/**
 * The query keys to invalidate after `events`: the union over the events of REFETCH, each part
 * under the prompt the event names (a run: that prompt's Logs tab and the global Logs screen),
 * each key once; `[]` (every query) alone when any event names no prompt and may concern all.
 * Pure: applying it is live-refresh-apply.ts.
 */
export function refetchKeys(events: readonly ChangeEvent[]): (readonly unknown[])[] {
  const keys = new Map<string, readonly unknown[]>();
  const add = (key: readonly unknown[]) => keys.set(JSON.stringify(key), key);
  for (const event of events) {
    const rule = REFETCH[event.kind];
    const name = event.prompt?.name;
    if (rule.everything) return [queryKeys.all];
    if (rule.lists) add(queryKeys.prompts);
    for (const list of rule.workspace ?? []) add(queryKeys[list]);
    if (name !== undefined) for (const part of rule.parts ?? []) add(queryKeys.part(name, part));
    if (rule.runs) {
      add(queryKeys.logScope(null));
      if (name !== undefined) add(queryKeys.logScope(name));
    }
  }
  return [...keys.values()];
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
