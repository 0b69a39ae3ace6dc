import { timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Hono } from 'hono';
import type { ApiEnv } from '../api/env';
import { readJson } from '../api/body';
import { z } from 'zod';
import { AppError } from '../core/errors';
import { dispatch, isChannel, type createHandlers } from '../core/handlers';
import type { Workspace } from '../core/workspace';

function sameToken(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The headless stand-in for IPC: `POST /bridge/<channel>` runs the same handlers the
 * Electron main process registers, for a browser holding the session token.
 */
export function mountBridge(
  app: Hono<ApiEnv>,
  opts: { workspace: Workspace; handlers: ReturnType<typeof createHandlers>; sessionToken: string; actorId: () => string },
): void {
  const requireSession = (presented: string | undefined) => {
    if (!sameToken(presented ?? '', opts.sessionToken)) {
      throw new AppError('unauthenticated', 'Open the address printed by "promptdesk serve" (it carries the session token)');
    }
  };
  // A finished log export, streamed from its file: the browser's stand-in for a save dialog.
  opts.workspace.runtime.exports.downloadBase = '/bridge/exports/';
  app.get('/bridge/exports/:id', (c) => {
    requireSession(c.req.header('x-promptdesk-session'));
    const file = opts.workspace.runtime.exports.file(opts.workspace.as(opts.actorId()), c.req.param('id'));
    const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream;
    return c.body(body, 200, {
      'Content-Type': file.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
    });
  });
  app.post('/bridge/:channel', async (c) => {
    requireSession(c.req.header('x-promptdesk-session'));
    const channel = c.req.param('channel');
    if (!isChannel(channel)) throw new AppError('not_found', `Unknown call ${channel}`);
    const input = await readJson(c, z.unknown());
    return c.json(await dispatch(opts.handlers, opts.workspace.as(opts.actorId()), channel, input));
  });
}
