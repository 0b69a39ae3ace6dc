import { hasEditsToKeep } from './editor-slice';
import type { SliceCreator } from './store';
import { parseHash, routeHref, samePrompt, sameRoute, type Route } from './route';

export interface RouteSlice {
  route: {
    current: Route;
    /** Where the user asked to go while the editor had unsaved changes. */
    pending: Route | null;
    navigate(to: Route): void;
    /** Reacts to the URL changing under us (back/forward, typed hash). */
    syncFromLocation(): void;
    confirmLeave(): void;
    cancelLeave(): void;
  };
}

export const createRouteSlice: SliceCreator<RouteSlice> = (set, get) => {
  const patch = (partial: Partial<RouteSlice['route']>) => set((s) => ({ route: { ...s.route, ...partial } }));

  const mustConfirm = (to: Route) => {
    const { current } = get().route;
    // The draft lives in the store, so switching between a prompt's tabs keeps it.
    return current.name === 'editor' && hasEditsToKeep(get().editor) && !samePrompt(current, to);
  };

  const commit = (to: Route) => {
    if (location.hash !== routeHref(to)) history.pushState(null, '', routeHref(to));
    patch({ current: to, pending: null });
  };

  return {
    route: {
      current: parseHash(location.hash),
      pending: null,
      navigate(to) {
        if (sameRoute(get().route.current, to)) return;
        if (mustConfirm(to)) patch({ pending: to });
        else commit(to);
      },
      syncFromLocation() {
        const to = parseHash(location.hash);
        const { current } = get().route;
        if (sameRoute(current, to)) return;
        if (mustConfirm(to)) {
          // Put the editor's URL back so history matches what is on screen until the user decides.
          history.pushState(null, '', routeHref(current));
          patch({ pending: to });
        } else {
          patch({ current: to, pending: null });
        }
      },
      confirmLeave() {
        const { pending } = get().route;
        if (!pending) return;
        get().editor.discardChanges();
        commit(pending);
      },
      cancelLeave() {
        patch({ pending: null });
      },
    },
  };
};
