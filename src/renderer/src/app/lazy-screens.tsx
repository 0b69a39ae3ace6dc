// The screens the first screen (the Library) does not need, each in its own chunk so the initial
// JavaScript stays small (issue 15: < 500 KB), and fetched after the first paint so opening one
// later does not wait on the network. Chunks load from the page's own origin (script-src 'self'),
// by relative URL: file:// under Electron, the headless host's /assets in a browser.
import { Component, lazy, Suspense, useEffect, useLayoutEffect, useState, type ComponentType, type ReactNode } from 'react';
import { Button } from '../components/Button';
import { EmptyState } from '../components/EmptyState';
import './lazy-screens.css';

/** `import()` of each lazily loaded module; the same promise serves the prefetch and the render. */
const loaders = {
  editor: () => import('../screens/editor/EditorScreen'),
  chat: () => import('../screens/chat/ChatScreen'),
  logs: () => import('../screens/logs/LogsScreen'),
  settings: () => import('../screens/settings/SettingsScreen'),
  versions: () => import('../screens/versions/VersionsPanel'),
  history: () => import('../screens/history/HistoryPanel'),
  sharing: () => import('../screens/sharing/SharingPanel'),
  api: () => import('../screens/api/ApiPanel'),
  promptLogs: () => import('../screens/logs/PromptLogsPanel'),
  readiness: () => import('../screens/readiness/ReadinessPanel'),
};

/** Modules that have arrived (prefetched or rendered once), by loader. */
const arrived = new Map<() => Promise<unknown>, unknown>();

function loadOnce<M>(load: () => Promise<M>): Promise<M> {
  return load().then((module) => {
    arrived.set(load, module);
    return module;
  });
}

/**
 * A named export of a lazily loaded module as a component React can suspend on. Once the module
 * has arrived (the prefetch), the first render gets it from a thenable that answers at once, so
 * React renders the screen in that same pass: with a promise it would show the placeholder and
 * then hold the screen back for its Suspense reveal throttle (300 ms in React 19).
 */
function lazyNamed<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  type Module = { default: ComponentType<unknown> };
  const of = (module: M): Module => ({ default: module[name] as ComponentType<unknown> });
  return lazy(() => {
    if (arrived.has(load)) {
      const module = arrived.get(load) as M;
      // React's lazy only calls then(); a synchronous one marks the component resolved right away.
      return { then: (resolve: (value: Module) => void) => resolve(of(module)) } as unknown as Promise<Module>;
    }
    return loadOnce(load).then(of);
  }) as M[K];
}

export const EditorScreen = lazyNamed(loaders.editor, 'EditorScreen');
export const ChatScreen = lazyNamed(loaders.chat, 'ChatScreen');
export const LogsScreen = lazyNamed(loaders.logs, 'LogsScreen');
export const SettingsScreen = lazyNamed(loaders.settings, 'SettingsScreen');
export const VersionsPanel = lazyNamed(loaders.versions, 'VersionsPanel');
export const HistoryPanel = lazyNamed(loaders.history, 'HistoryPanel');
export const SharingPanel = lazyNamed(loaders.sharing, 'SharingPanel');
export const ApiPanel = lazyNamed(loaders.api, 'ApiPanel');
export const PromptLogsPanel = lazyNamed(loaders.promptLogs, 'PromptLogsPanel');
export const ReadinessPanel = lazyNamed(loaders.readiness, 'ReadinessPanel');

// How many lazy parts are still on their way: the app is not "ready" (html[data-app-ready], which
// tests and the Electron shell wait on) while its first screen is still a loading placeholder.
let loading = 0;
const listeners = new Set<() => void>();

/** Calls `listener` whenever a lazy part starts or finishes loading; returns the unsubscribe. */
export function subscribeLazyLoading(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True while some lazy screen or panel shows its placeholder. */
export const lazyPartsLoading = (): boolean => loading > 0;

function LoadingPlaceholder({ className }: { className: string }) {
  // A layout effect, so the count is up before any passive effect (the ready flag's) reads it.
  useLayoutEffect(() => {
    loading++;
    for (const listener of listeners) listener();
    return () => {
      loading--;
      for (const listener of listeners) listener();
    };
  }, []);
  // The size of what comes (no layout jump when it arrives), and empty at first: on loopback the
  // code is here in a few ms and an indicator would only flash by. Past SLOW_LOAD_MS (a slow link
  // to a team server) a calm "Loading…" says the screen is on its way instead of a blank pane.
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_LOAD_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <div className={className} aria-busy="true" data-lazy-placeholder="">
      {slow && (
        <div className="lazy-loading" role="status">
          <span className="lazy-loading__dots" aria-hidden="true" />
          Loading…
        </div>
      )}
    </div>
  );
}

/** How long a lazy part's code may take before its placeholder says it is loading (ms). */
export const SLOW_LOAD_MS = 300;

/** What Chromium and Vite's preload helper throw when a chunk's file cannot be fetched. */
const isLoadFailure = (error: unknown): boolean =>
  error instanceof Error && /dynamically imported module|Importing a module script failed|Unable to preload/i.test(error.message);

/**
 * A chunk that cannot be fetched (the app was rebuilt or updated under an open window, so its old
 * file names are gone) says so in place of the screen instead of blanking the whole window; any
 * other error goes on up as before. React keeps a failed lazy import failed, so only a reload
 * fetches it again; moving to another screen (`resetKey`) shows that screen.
 */
class LoadFailed extends Component<{ resetKey: string; frameClass?: string; children: ReactNode }, { error: unknown; key: string }> {
  override state = { error: null as unknown, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { key: string }): { error: null; key: string } | null {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    if (!isLoadFailure(error)) throw error;
    return (
      <div className={this.props.frameClass}>
        <EmptyState
          title="This screen could not be loaded"
          action={
            <Button variant="primary" onClick={() => location.reload()}>
              Reload
            </Button>
          }
        >
          <p>Promptdesk may have been updated while this window was open. Reloading loads the new version.</p>
        </EmptyState>
      </div>
    );
  }
}

/**
 * Shows lazily loaded `children`, with a quiet placeholder of `placeholderClass` (e.g. `screen`,
 * the box the screen itself fills) until their chunk has arrived, or a Reload offer if it cannot
 * be fetched, framed by `failureClass` (`screen` for a whole screen). `resetKey` names what is shown
 * (the route, the tab): a new one clears a failure.
 */
export function LazyPart(props: { placeholderClass: string; failureClass?: string; resetKey: string; children: ReactNode }) {
  const { placeholderClass, failureClass, resetKey, children } = props;
  return (
    <LoadFailed resetKey={resetKey} frameClass={failureClass}>
      <Suspense fallback={<LoadingPlaceholder className={placeholderClass} />}>{children}</Suspense>
    </LoadFailed>
  );
}

let prefetched = false;

/**
 * Fetches every lazy chunk once the browser is idle after the first paint, most likely next first
 * (a prompt's editor), so a click on a screen finds its code already here. Marks
 * `html[data-screens-prefetched="true"]` when all have arrived (what `npm run bench:ui` waits on).
 * A failed fetch is left for the render to retry and show.
 */
export function prefetchScreens(): void {
  if (prefetched) return;
  prefetched = true;
  const idle = () =>
    new Promise<void>((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 2_000 }) : setTimeout(resolve, 50)));
  void (async () => {
    // One chunk per idle period: evaluating them all at once could hold up a key the user presses.
    for (const load of Object.values(loaders) as (() => Promise<unknown>)[]) {
      await idle();
      await loadOnce(load).catch(() => undefined);
    }
    document.documentElement.dataset.screensPrefetched = 'true';
  })();
}
