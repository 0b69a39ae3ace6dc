/** Screens the app can show; the hash (`#/prompts/<name>`) is the source of truth. */
export type Route =
  | { name: 'library' }
  | { name: 'editor'; promptName: string }
  | { name: 'chat' }
  | { name: 'logs' }
  | { name: 'settings' }
  | { name: 'not-found'; path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/' || path === '/library') return { name: 'library' };
  if (path === '/chat') return { name: 'chat' };
  if (path === '/logs') return { name: 'logs' };
  if (path === '/settings') return { name: 'settings' };
  const prompt = /^\/prompts\/([^/]+)$/.exec(path);
  if (prompt?.[1]) {
    try {
      return { name: 'editor', promptName: decodeURIComponent(prompt[1]) };
    } catch {
      return { name: 'not-found', path };
    }
  }
  return { name: 'not-found', path };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'editor':
      return `#/prompts/${encodeURIComponent(route.promptName)}`;
    case 'not-found':
      return `#${route.path}`;
    default:
      return `#/${route.name}`;
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return routeHref(a) === routeHref(b);
}
