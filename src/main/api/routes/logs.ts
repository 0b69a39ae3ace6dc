import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import { parseWith, versionQuery } from '../body';
import { ListLogsInput } from '../../../shared/schemas/logs';
import { getLog, listLogs } from '../../core/logs/logs-service';
import { requireApiScope } from '../../core/keys/keys-service';

/** `GET /api/v1/logs`: the Logs screen's filters as query parameters, newest first, paged by cursor. */
export const logsRoutes = new Hono<ApiEnv>()
  .get('/', (c) => {
    const ctx = c.get('ctx');
    requireApiScope(ctx, 'read');
    const many = (key: string) => {
      const values = c.req.queries(key);
      return values && values.length > 1 ? values : values?.[0];
    };
    const input = parseWith(ListLogsInput, {
      prompt: c.req.query('prompt'),
      source: many('source'),
      status: many('status'),
      // The one version-number parser of every door: `?version=0x2` or `2.0` is a 400, not version 2.
      version: versionQuery(c, 'version'),
      userId: c.req.query('member') ?? c.req.query('userId'),
      model: c.req.query('model'),
      from: c.req.query('from'),
      to: c.req.query('to'),
      q: c.req.query('q'),
      cursor: c.req.query('cursor'),
      limit: c.req.query('limit'),
    });
    return c.json(listLogs(ctx, input));
  })
  .get('/:id', (c) => {
    const ctx = c.get('ctx');
    requireApiScope(ctx, 'read');
    return c.json(getLog(ctx, c.req.param('id')));
  });
