import { route } from '../route';
import { parseWith, versionQuery } from '../body';
import { ListLogsInput } from '../../../shared/schemas/logs';
import { getLog, listLogs } from '../../core/logs/logs-service';
import { requireApiScope } from '../../core/keys/keys-service';
import { ERRORS } from './responses';

/** `GET /api/v1/logs`: the Logs screen's filters as query parameters, newest first, paged by cursor. */
export const LOGS_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/logs',
    summary: 'Execution logs, newest first, paged by cursor',
    tag: 'logs',
    scopes: ['read'],
    query: {
      prompt: 'Prompt name',
      source: 'chat, api, test or refine (repeatable)',
      status: 'success, error, cancelled or running (repeatable)',
      version: 'Version number',
      member: 'Member id',
      model: 'integration:model',
      from: 'Start, inclusive: YYYY-MM-DD (a UTC day) or a date-time with its offset (2026-11-25T10:00:00+01:00); no offset: 400',
      to: 'End, exclusive (a bare date is the start of that UTC day)',
      q: 'Full-text search over logged variables and outputs (words inside CJK/Thai text and symbols are found)',
      cursor: 'nextCursor of the previous page',
      limit: '1-500, default 100',
    },
    responses: { 200: '{ items, nextCursor }', ...ERRORS },
    handler: (c) => {
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
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/logs/{id}',
    summary: 'One execution with its logged variables, messages and output',
    tag: 'logs',
    scopes: ['read'],
    responses: { 200: 'The log entry', ...ERRORS },
    handler: (c) => {
      const ctx = c.get('ctx');
      requireApiScope(ctx, 'read');
      return c.json(getLog(ctx, c.req.param('id')!));
    },
  }),
];
