import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';
import type { ApiEnv } from '../api/env';

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

/** Serves the built renderer; unknown paths fall back to index.html (hash routing). */
export function mountRendererFiles(app: Hono<ApiEnv>, rendererDir: string): void {
  const root = normalize(rendererDir + sep);
  app.get('*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path.startsWith('/api/') || path.startsWith('/bridge/')) return next();
    let file = normalize(join(root, decodeURIComponent(path)));
    if (!file.startsWith(root) || path.endsWith('/')) file = join(root, 'index.html');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      file = join(root, 'index.html');
      try {
        body = await readFile(file);
      } catch {
        return c.text('The renderer is not built: run "npm run build" first.', 503);
      }
    }
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': RENDERER_CSP,
      'X-Frame-Options': 'DENY',
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    });
  });
}
