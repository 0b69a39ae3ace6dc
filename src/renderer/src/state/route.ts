/** The views of one prompt's page; the editor is the page's default. */
export const PROMPT_TABS = ['editor', 'versions', 'history', 'sharing', 'api', 'logs', 'readiness'] as const;
export type PromptTab = (typeof PROMPT_TABS)[number];

/** Screens the app can show; the hash (`#/prompts/<name>/versions/3`) is the source of truth. */
export type Route =
  | { name: 'library' }
  | {
      name: 'editor';
      promptName: string;
      /** Omitted means the Editor tab. */
      tab?: PromptTab;
      /** On the Versions tab: the version opened read-only. */
      version?: number;
    }
  | { name: 'chat' }
  | { name: 'logs' }
  | { name: 'settings' }
  | { name: 'not-found'; path: string };

const PROMPT_PATH = /^\/prompts\/([^/]+)(?:\/(versions|history|sharing|api|logs|readiness)(?:\/(\d{1,9}))?)?$/;

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/' || path === '/library') return { name: 'library' };
  if (path === '/chat') return { name: 'chat' };
  if (path === '/logs') return { name: 'logs' };
  if (path === '/settings') return { name: 'settings' };
  const prompt = PROMPT_PATH.exec(path);
  if (prompt?.[1]) {
    const [, encoded, tab, version] = prompt;
    if (version !== undefined && tab !== 'versions') return { name: 'not-found', path };
    try {
      return {
        name: 'editor',
        promptName: decodeURIComponent(encoded),
        ...(tab ? { tab: tab as PromptTab } : {}),
        ...(version !== undefined && Number(version) >= 1 ? { version: Number(version) } : {}),
      };
    } catch {
      return { name: 'not-found', path };
    }
  }
  return { name: 'not-found', path };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'editor': {
      const base = `#/prompts/${encodeURIComponent(route.promptName)}`;
      if (!route.tab || route.tab === 'editor') return base;
      if (route.tab === 'versions' && route.version !== undefined) return `${base}/versions/${route.version}`;
      return `${base}/${route.tab}`;
    }
    case 'not-found':
      return `#${route.path}`;
    default:
      return `#/${route.name}`;
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return routeHref(a) === routeHref(b);
}

/** Moving between the tabs of one prompt keeps the editor's draft, so it is not "leaving". */
export function samePrompt(a: Route, b: Route): boolean {
  return a.name === 'editor' && b.name === 'editor' && a.promptName === b.promptName;
}

export function promptTab(route: Route): PromptTab {
  return route.name === 'editor' ? (route.tab ?? 'editor') : 'editor';
}
