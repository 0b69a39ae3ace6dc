import type { Operation } from '../openapi';

/** What Starlette answers for a request no route served (see starletteFallback). */
export type StarletteFallback = { kind: 'method_not_allowed'; allow: string } | { kind: 'redirect'; location: string } | { kind: 'not_found' };

/**
 * Starlette's router for a request no handler took (starlette/routing.py Router.__call__, which
 * FastAPI apps such as Open WebUI use with `redirect_slashes=True`): a path some route serves
 * with other methods is a 405 whose `Allow` lists those methods (HEAD with GET, as Starlette adds
 * it); else, when the path with its trailing slash removed (or added) is served, a 307 to it (the
 * method and body are kept), `Location` the full URL; else 404.
 *
 * @param operations the door's operations (path templates with `{param}` segments)
 * @returns a function of the request method and URL
 */
export function starletteFallback(operations: readonly Operation[]): (method: string, url: string) => StarletteFallback {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const op of operations) {
    const route = routes.get(op.path) ?? {
      pattern: new RegExp(`^${op.path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`),
      methods: new Set<string>(),
    };
    route.methods.add(op.method.toUpperCase());
    if (op.method === 'get') route.methods.add('HEAD');
    routes.set(op.path, route);
  }
  const methodsAt = (path: string): Set<string> | undefined => {
    let found: Set<string> | undefined;
    for (const route of routes.values()) {
      if (route.pattern.test(path)) found = new Set([...(found ?? []), ...route.methods]);
    }
    return found;
  };
  return (_method, url) => {
    const parsed = new URL(url);
    const methods = methodsAt(parsed.pathname);
    if (methods) return { kind: 'method_not_allowed', allow: [...methods].sort().join(', ') };
    const toggled = parsed.pathname.endsWith('/') ? parsed.pathname.slice(0, -1) : `${parsed.pathname}/`;
    if (parsed.pathname !== '/' && methodsAt(toggled)) {
      parsed.pathname = toggled;
      return { kind: 'redirect', location: parsed.toString() };
    }
    return { kind: 'not_found' };
  };
}
