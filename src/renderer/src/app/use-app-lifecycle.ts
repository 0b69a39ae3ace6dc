import { useEffect } from 'react';
import { onAppEvent } from '../lib/app-events';
import { routeHref } from '../state/route';
import { useAppStore } from '../state/store';
import { followSystemTheme } from '../state/theme';

/** Wires the store to the world outside React: the URL, the OS theme and main-process events. */
export function useAppLifecycle(): void {
  useEffect(() => {
    const { route, session } = useAppStore.getState();
    if (location.hash === '' || location.hash === '#') history.replaceState(null, '', routeHref(route.current));
    void session.loadInfo();

    const onHashChange = () => useAppStore.getState().route.syncFromLocation();
    window.addEventListener('hashchange', onHashChange);
    const stopTheme = followSystemTheme(() => useAppStore.getState().session.theme);
    // Another window (or the HTTP API) changed prompts: refresh what the library shows.
    const stopEvents = onAppEvent('prompts:changed', () => {
      const { library } = useAppStore.getState();
      if (library.loaded) void library.load();
    });
    return () => {
      window.removeEventListener('hashchange', onHashChange);
      stopTheme();
      stopEvents();
    };
  }, []);
}

/** Tests and the Electron shell wait on `html[data-app-ready]`: set once the first screen has its data. */
export function useAppReadyFlag(): void {
  const ready = useAppStore((s) => {
    if (s.session.infoStatus !== 'ready' && s.session.infoStatus !== 'error') return false;
    switch (s.route.current.name) {
      case 'library':
        return s.library.loaded;
      case 'editor':
        return s.editor.status === 'ready' || s.editor.status === 'error';
      case 'settings':
        return s.session.usersStatus === 'ready' || s.session.usersStatus === 'error';
      default:
        return true;
    }
  });
  useEffect(() => {
    if (ready) document.documentElement.dataset.appReady = 'true';
  }, [ready]);
}
