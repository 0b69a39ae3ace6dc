import type { QueryClient } from '@tanstack/react-query';
import type { AppState } from './store';
import type { RefetchPlan } from './live-refresh';

/**
 * Applies a refetch plan: invalidates its query keys (the ones on screen refetch, the rest are
 * marked stale) and reloads each slice that is on screen and already loaded (one that never
 * loaded loads itself when its screen opens). The editor follows without touching a draft with
 * unsaved edits.
 */
export function applyRefetch(plan: RefetchPlan, s: AppState, client: QueryClient): void {
  for (const queryKey of plan.invalidate) void client.invalidateQueries(queryKey.length === 0 ? undefined : { queryKey });
  const targets = plan.slices;
  const showing = s.route.current.name === 'editor' ? s.route.current.promptName : null;
  const open = (slice: { promptName: string | null; status: string }) => showing !== null && slice.promptName === showing && slice.status === 'ready';
  if (targets.has('editor') && open(s.editor)) void s.editor.followChanges();
  if (targets.has('logs') && s.logs.status === 'ready') void s.logs.refresh();
}
