import * as crypto from 'node:crypto';
import type { Context } from 'hono';

/**
 * The entity tag of a JSON answer: sha256 of the exact bytes served, so it changes when anything
 * served changes (the version, its text or settings, the prompt's metadata, and for render the
 * variables' effect on the messages) and not otherwise. Strong: the bytes are identical.
 */
export function etagOf(body: string): string {
  return `"${sha256Base64url(body).slice(0, 32)}"`;
}

// crypto.hash (Node 20.12+/21.7+) hashes in one call, without a Hash object per answer; the same SHA-256.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;
const sha256Base64url = oneShot
  ? (text: string) => oneShot('sha256', text, 'base64url')
  : (text: string) => crypto.createHash('sha256').update(text).digest('base64url');

/** The Cache-Control of an answer with an ETag: caches revalidate every time rather than serve a stale copy. */
export const ETAG_CACHE_CONTROL = 'private, no-cache';

/** Whether an If-None-Match header (a list, weak tags and `*` allowed) matches `tag`. */
function matches(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const t = part.trim();
    return t === '*' || t === tag || t === `W/${tag}`;
  });
}

/**
 * Answers `value` as JSON with its ETag, or 304 (no body) when the request's If-None-Match names
 * it: caching clients revalidate for free. Used by prompt reads and render (a POST: the tag also
 * covers the variables sent, through the rendered messages). `Cache-Control: no-cache` makes a
 * cache revalidate every time rather than serve a stale copy.
 */
export function jsonWithETag(c: Context, value: unknown): Response {
  const body = JSON.stringify(value);
  const tag = etagOf(body);
  const headers = { ETag: tag, 'Cache-Control': ETAG_CACHE_CONTROL };
  if (matches(c.req.header('if-none-match'), tag)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, 'Content-Type': 'application/json' });
}
