import type { AppState } from './store';
import type { RefetchTarget } from './live-refresh';

/**
 * Refetches each target that is on screen and already loaded (one that never loaded loads itself
 * when its screen opens). The editor follows without touching a draft with unsaved edits.
 */
export function applyRefetch(targets: ReadonlySet<RefetchTarget>, s: AppState): void {
  const showing = s.route.current.name === 'editor' ? s.route.current.promptName : null;
  const open = (slice: { promptName: string | null; status: string }) => showing !== null && slice.promptName === showing && slice.status === 'ready';
  if (targets.has('library') && s.library.loaded) void s.library.load();
  if (targets.has('launcher') && s.launcher.loaded) void s.launcher.load();
  if (targets.has('editor') && open(s.editor)) void s.editor.followChanges();
  if (targets.has('versions') && open(s.versions)) void s.versions.load();
  if (targets.has('history') && open(s.history)) void s.history.load();
  if (targets.has('sharing') && open(s.sharing)) void s.sharing.load();
  if (targets.has('promptApi') && open(s.promptApi)) void s.promptApi.load();
  if (targets.has('readiness') && open(s.readiness)) void s.readiness.load();
  if (targets.has('logs') && s.logs.status === 'ready') void s.logs.refresh();
}
