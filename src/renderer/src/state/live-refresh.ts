import type { ChangeEvent, ChangeKind } from '../../../shared/schemas/changes';
import type { Route } from './route';

/** What on screen can be refetched when something changes elsewhere. */
export type RefetchTarget = 'library' | 'launcher' | 'editor' | 'versions' | 'history' | 'sharing' | 'promptApi' | 'readiness' | 'logs';

const ALL: readonly RefetchTarget[] = ['library', 'launcher', 'editor', 'versions', 'history', 'sharing', 'promptApi', 'readiness', 'logs'];

/**
 * THE mapping "event kind -> what to refetch", in two parts: `list` is refetched for an event
 * about any prompt (the Library and the Chat launcher list every visible prompt); `open` only
 * when the event is about the prompt whose page is open. `reset` and `access.changed` name no
 * prompt and may concern any of them, so they refetch everything shown.
 */
const REFETCH: Record<ChangeKind, { list: readonly RefetchTarget[]; open: readonly RefetchTarget[] }> = {
  'prompt.created': { list: ['library', 'launcher'], open: [] },
  'prompt.updated': { list: ['library', 'launcher'], open: ['editor', 'promptApi'] },
  'prompt.deleted': { list: ['library', 'launcher'], open: ['editor'] },
  'version.saved': { list: ['library', 'launcher'], open: ['editor', 'versions', 'history', 'readiness'] },
  'version.updated': { list: ['library', 'launcher'], open: ['editor', 'versions', 'history'] },
  'version.promoted': { list: ['library', 'launcher'], open: ['editor', 'versions', 'history', 'promptApi', 'readiness'] },
  'deployment.pinned': { list: ['library', 'launcher'], open: ['editor', 'versions', 'history', 'promptApi'] },
  'sharing.changed': { list: ['library', 'launcher'], open: ['editor', 'sharing', 'promptApi'] },
  'run.logged': { list: [], open: ['readiness'] },
  'run.rated': { list: [], open: ['readiness'] },
  'testcase.changed': { list: [], open: ['readiness'] },
  'readiness.changed': { list: [], open: ['readiness'] },
  'access.changed': { list: ALL, open: [] },
  'member.changed': { list: [], open: [] },
  'key.changed': { list: [], open: [] },
  'integration.changed': { list: [], open: [] },
  reset: { list: ALL, open: [] },
};

/** The prompt whose Logs are on screen: null on the global Logs screen, undefined when no Logs show. */
function logsScope(route: Route): string | null | undefined {
  if (route.name === 'logs') return null;
  if (route.name === 'editor' && route.tab === 'logs') return route.promptName;
  return undefined;
}

/**
 * What to refetch after `events`, given the screen `route` shows: the union over the events of
 * REFETCH (list targets always, open-prompt targets when the event names the prompt whose page
 * is open) plus `logs` for a run of a prompt whose logs are on screen (any prompt on the Logs
 * screen). Pure: the caller decides whether each target is loaded enough to refetch.
 */
export function refetchTargets(events: readonly ChangeEvent[], route: Route): Set<RefetchTarget> {
  const targets = new Set<RefetchTarget>();
  const openPrompt = route.name === 'editor' ? route.promptName : null;
  const logs = logsScope(route);
  for (const event of events) {
    const rule = REFETCH[event.kind];
    for (const target of rule.list) targets.add(target);
    const aboutOpen = openPrompt !== null && event.prompt?.name === openPrompt;
    if (aboutOpen) for (const target of rule.open) targets.add(target);
    if (event.kind.startsWith('run.') && logs !== undefined && (logs === null || event.prompt?.name === logs)) targets.add('logs');
  }
  return targets;
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
