import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';
import type { ApiEnv } from '../api/env';
import { isReservedPath, UI_ENTRY_PATHS } from '../api/request-path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Same policy the Electron window enforces. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built renderer: its files, and index.html for the UI's own entry paths (it routes
 * by `#hash`, so it has no others). Everything else falls through to the API app's 404
 * problem+json: above all the reserved prefixes (`/api`, `/compat`, `/bridge`, `/docs`,
 * `/mcp`), where clients parse the answer as data and must never get the app's HTML.
 */
export function mountRendererFiles(app: Hono<ApiEnv>, rendererDir: string): void {
  const root = normalize(rendererDir + sep);
  app.get('*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (isReservedPath(path)) return next();
    // The API app refused an undecodable path before this runs.
    const requested = normalize(join(root, decodeURIComponent(path)));
    const entry = UI_ENTRY_PATHS.has(path);
    // Outside the renderer folder (`..` in any spelling) is nothing this serves.
    if (!entry && !requested.startsWith(root)) return next();
    const file = entry ? join(root, 'index.html') : requested;
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      if (!entry) return next();
      return c.text('The renderer is not built: run "npm run build" first.', 503);
    }
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': RENDERER_CSP,
      'X-Frame-Options': 'DENY',
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    });
  });
}
