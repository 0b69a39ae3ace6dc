import type { QueryClient } from '@tanstack/react-query';
import type { AppState } from './store';
import type { RefetchPlan } from './live-refresh';

/**
 * Applies a refetch plan: invalidates its query keys (the ones on screen refetch, the rest are
 * marked stale, so a screen opened later reads afresh) and makes the open prompt's editor follow
 * once it has loaded, without touching a draft with unsaved edits.
 */
export function applyRefetch(plan: RefetchPlan, s: AppState, client: QueryClient): void {
  for (const queryKey of plan.invalidate) void client.invalidateQueries(queryKey.length === 0 ? undefined : { queryKey });
  const showing = s.route.current.name === 'editor' ? s.route.current.promptName : null;
  if (plan.slices.has('editor') && showing !== null && s.editor.promptName === showing && s.editor.status === 'ready') void s.editor.followChanges();
}
