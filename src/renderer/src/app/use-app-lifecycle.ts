import type { QueryKey } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { onChanges } from '../lib/app-events';
import { onSessionEnded } from '../lib/bridge';
import { queryClient } from '../lib/query-client';
import { routeHref } from '../state/route';
import { queryKeys } from '../state/query-keys';
import { useAppStore, type AppState } from '../state/store';
import { followSystemTheme } from '../state/theme';
import { debounceEvents, refetchKeys } from '../state/live-refresh';
import { applyRefetch } from '../state/live-refresh-apply';
import { keepEditorDrafts } from '../state/draft-keeper';
import { lazyPartsLoading, prefetchScreens, subscribeLazyLoading } from './lazy-screens';

/** Wires the store to the world outside React: the URL, the OS theme and main-process events. */
export function useAppLifecycle(): void {
  useEffect(() => {
    const { route, session } = useAppStore.getState();
    if (location.hash === '' || location.hash === '#') history.replaceState(null, '', routeHref(route.current));
    void session.loadInfo();

    const onHashChange = () => useAppStore.getState().route.syncFromLocation();
    window.addEventListener('hashchange', onHashChange);
    const stopTheme = followSystemTheme(() => useAppStore.getState().session.theme);
    // Headless: a call refused for want of a session brings back the sign-in screen.
    const stopSession = onSessionEnded(() => useAppStore.getState().session.sessionEnded());
    // Unsaved editor drafts outlive a session that ends under them (and a reload).
    const stopDrafts = keepEditorDrafts(useAppStore, sessionStorage);
    // The UI is live: changes made anywhere (another window, the CLI, the HTTP API) refetch what
    // they touch on screen, once per burst (state/live-refresh.ts holds the mapping).
    const burst = debounceEvents((events) => applyRefetch(refetchKeys(events), queryClient));
    const stopChanges = onChanges((events) => burst.push(events));
    const stopEvents = () => {
      stopChanges();
      burst.stop();
    };
    return () => {
      window.removeEventListener('hashchange', onHashChange);
      stopTheme();
      stopEvents();
      stopSession();
      stopDrafts();
    };
  }, []);
}

/** Tests and the Electron shell wait on `html[data-app-ready]`: set once the first screen has its data. */
export function useAppReadyFlag(): void {
  const ready = useSyncExternalStore(subscribeReady, () => firstScreenReady(useAppStore.getState()) && !lazyPartsLoading());
  useEffect(() => {
    // Read again here: a lazy part's placeholder counts itself in a layout effect of this commit.
    if (!ready || lazyPartsLoading()) return;
    document.documentElement.dataset.appReady = 'true';
    // The first screen is up: fetch the other screens' code while the user reads it.
    prefetchScreens();
  }, [ready]);
}

/** Readiness depends on the store (route, slices) and on the query cache (screens' data). */
function subscribeReady(onChange: () => void): () => void {
  const stopStore = useAppStore.subscribe(onChange);
  const stopQueries = queryClient.getQueryCache().subscribe(onChange);
  const stopLazy = subscribeLazyLoading(onChange);
  return () => {
    stopStore();
    stopQueries();
    stopLazy();
  };
}

/** Some query under `key` has answered (data or an error). */
function settled(key: QueryKey): boolean {
  return queryClient
    .getQueryCache()
    .findAll({ queryKey: key })
    .some((q) => q.state.status !== 'pending');
}

/** Whether the screen the route shows has its first data (or its error). */
function firstScreenReady(s: AppState): boolean {
  if (s.session.needsSignIn) return !s.session.signingIn;
  if (s.session.infoStatus !== 'ready' && s.session.infoStatus !== 'error') return false;
  switch (s.route.current.name) {
    case 'library':
      return settled(queryKeys.libraryPages);
    case 'editor': {
      const editorDone = s.editor.status === 'ready' || s.editor.status === 'error';
      const tab = s.route.current.tab ?? 'editor';
      if (tab === 'editor' || s.editor.status === 'error') return editorDone;
      const versionsDone = settled(queryKeys.versions(s.route.current.promptName));
      if (tab === 'versions') return editorDone && versionsDone;
      if (tab === 'sharing') return editorDone && settled(queryKeys.sharing(s.route.current.promptName));
      if (tab === 'api') return editorDone && settled(queryKeys.served(s.route.current.promptName));
      return editorDone && versionsDone && settled(queryKeys.part(s.route.current.promptName, 'history'));
    }
    case 'chat':
      return settled(queryKeys.launcherLists);
    case 'settings':
      return settled(queryKeys.memberList) && settled(queryKeys.keys);
    default:
      return true;
  }
}
