import type { Operation } from './openapi';

const KNOWN_PATH_MEMO = 4096;

/**
 * Whether a request path names an operation of the API (any method): `/api/v1/prompts/{name}`
 * matches `/api/v1/prompts/greet`; a trailing slash is optional. An unknown path answers 404
 * to everyone, key or not (issue 10, item 13): the routes are public (the OpenAPI document), so
 * asking for a key first would only make a mistyped path look like a missing key.
 *
 * @param operations the declared routes (NATIVE_ROUTES and COMPAT_ROUTES)
 * @returns a test of a raw (still percent-encoded) URL pathname
 */
export function knownPathTest(operations: readonly Operation[]): (pathname: string) => boolean {
  const patterns = [...new Set(operations.map((op) => op.path))].map((path) => {
    const body = path
      .replace(/\/$/, '')
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return new RegExp(`^${body}/?$`);
  });
  // Asked on every keyed request, mostly for the same few paths: answers are kept (the routes
  // never change), at most KNOWN_PATH_MEMO, cleared whole past that (a scan of random paths).
  const memo = new Map<string, boolean>();
  return (pathname) => {
    let known = memo.get(pathname);
    if (known === undefined) {
      known = patterns.some((pattern) => pattern.test(pathname));
      if (memo.size >= KNOWN_PATH_MEMO) memo.clear();
      memo.set(pathname, known);
    }
    return known;
  };
}
