/**
 * What a request path may be, for every mode (the Electron app's API server and the headless
 * host that also serves the UI). One module, so the API's 404s, the 400 for a malformed path
 * and the UI's file serving agree.
 */

/**
 * Path prefixes that belong to machines: an unknown path under one of them is a 404
 * problem+json, never the UI's HTML (clients such as the compat SDKs parse the answer as data).
 */
export const RESERVED_PREFIXES = ['/api', '/compat', '/bridge', '/docs', '/mcp'] as const;

/** The UI's own entry points: it routes by `#hash`, so these are the only pages it has. */
export const UI_ENTRY_PATHS: ReadonlySet<string> = new Set(['/', '/index.html']);

/**
 * True when `pathname` (as sent, still percent-encoded) is under a reserved prefix. Compared
 * case-insensitively and after decoding, so `/API/x` or `/%61pi/x` cannot reach the UI fallback.
 *
 * @example isReservedPath('/compat/anything') // true
 * @example isReservedPath('/apiary') // false
 */
export function isReservedPath(pathname: string): boolean {
  let path = pathname;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    // A malformed path never gets this far (see malformedPath); keep the raw text.
  }
  path = path.toLowerCase();
  return RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Why a request target cannot be decoded, or null when it can: every `%` must start a
 * two-hex-digit escape and the bytes must be valid UTF-8 (RFC 3986 §2.1, WHATWG URL).
 * Routers decode paths leniently, but handlers and file lookups call decodeURIComponent,
 * which throws, so the request is refused here first, as a 400 naming `path`.
 *
 * @example malformedPath('/%E0%A4%A') // 'The path has an incomplete or invalid percent-encoding ...'
 */
export function malformedPath(pathname: string): string | null {
  // The decoded text is compared, not just computed: the production bundler (rolldown) treats
  // decodeURIComponent as pure and drops a call whose result is unused, throw and all, which let
  // every malformed path through to a handler's own decode (a 500 and a stack on stderr).
  return decoded(pathname) === null
    ? 'The path has an incomplete or invalid percent-encoding: write "%" as "%25", and encode text as UTF-8 bytes (e.g. "é" as "%C3%A9")'
    : null;
}

/**
 * The same check for the query string (`?a=%zz`, `?q=%E0%A4%A`, `?x=%`): the router would
 * otherwise hand the handler the escape undecoded, so a search or filter silently used text
 * the client never meant. Null when it decodes.
 */
export function malformedQuery(search: string): string | null {
  return decoded(search) === null
    ? 'The query string has an incomplete or invalid percent-encoding: write "%" as "%25", and encode text as UTF-8 bytes (e.g. "é" as "%C3%A9")'
    : null;
}

/** `text` (a path or a query string) percent-decoded, or null when its encoding is malformed. */
function decoded(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The path and query of a request URL that is already a serialised absolute URL (a fetch
 * Request's `url`, which the Node adapter builds with `new URL(...).href`): the same `pathname`
 * and `search` as `new URL(href)`, by slicing, without parsing it again on every request.
 *
 * @example requestTarget('http://127.0.0.1:4319/api/v1/prompts?q=a#x') // { pathname: '/api/v1/prompts', search: '?q=a' }
 */
export function requestTarget(href: string): { pathname: string; search: string } {
  const start = href.indexOf('/', href.indexOf('//') + 2);
  if (start === -1) return { pathname: '/', search: '' };
  const hash = href.indexOf('#', start);
  const end = hash === -1 ? href.length : hash;
  const query = href.indexOf('?', start);
  if (query === -1 || query > end) return { pathname: href.slice(start, end), search: '' };
  // `new URL` gives '' for a lone '?'.
  return { pathname: href.slice(start, query), search: end - query > 1 ? href.slice(query, end) : '' };
}
