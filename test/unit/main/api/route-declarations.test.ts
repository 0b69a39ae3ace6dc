/**
 * Issue 13, Door 1: a route is declared once (api/route.ts) and both the served route and its
 * OpenAPI operation come from the declaration. Over every declared route (native and compat):
 * - a body member the path sets (`bodyFromPath`) is left out of the documented body, and a body
 *   that sends it anyway is refused 400 naming it, nothing changed;
 * - every documented body is the schema the route parses with (a member the schema does not
 *   read is refused naming it on the native API);
 * and mountRoutes itself: both spellings for `slashOptional`, the path-before-body order, and
 * refusals of a declaration that cannot be served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { z } from 'zod';
import { NATIVE_ROUTES } from '../../../../src/main/api/routes';
import { COMPAT_ROUTES } from '../../../../src/main/api/compat';
import { mountRoutes, route, type RouteDeclaration, type ServedApi } from '../../../../src/main/api/route';
import { documentedBody } from '../../../../src/main/api/openapi';
import { AppError } from '../../../../src/main/core/errors';
import { problemResponse } from '../../../../src/main/api/problem';
import type { ApiEnv } from '../../../../src/main/api/env';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';

const ALL: readonly RouteDeclaration[] = [...NATIVE_ROUTES, ...COMPAT_ROUTES];
const label = (r: RouteDeclaration) => `${r.method.toUpperCase()} ${r.path}`;
const FROM_PATH = NATIVE_ROUTES.filter((r) => Object.keys(r.bodyFromPath ?? {}).length > 0);

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
  seedPrompt(t.owner, 'decl-x', 'Hi {{who}}', { api: true });
});
afterAll(() => t.stop());

describe('route declarations', () => {
  it('declare each method and path once', () => {
    const labels = ALL.map(label);
    expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([]);
  });

  it('document no body member the path sets, and only on object bodies', () => {
    expect(FROM_PATH.length).toBeGreaterThanOrEqual(8);
    for (const r of ALL) {
      const documented = documentedBody(r);
      const fromPath = Object.keys(r.bodyFromPath ?? {});
      if (fromPath.length === 0) {
        expect(documented, label(r)).toBe(r.body);
        continue;
      }
      const shape = (documented as z.ZodObject).shape;
      for (const member of fromPath) {
        expect(shape, `${label(r)} documents ${member}`).not.toHaveProperty(member);
        expect((r.body as z.ZodObject).shape, `${label(r)} parses ${member}`).toHaveProperty(member);
      }
    }
  });

  it.each(FROM_PATH.flatMap((r) => Object.keys(r.bodyFromPath!).map((member) => [label(r), member, r] as const)))(
    '%s: a body that sends %s (set by the path) is refused naming it, nothing changes',
    async (_label, member, r) => {
      const before = (await t.call('GET', '/api/v1/prompts/decl-x')).text;
      const path = r.path.replace('{name}', 'decl-x').replace('{number}', '1');
      const res = await t.call(r.method.toUpperCase(), path, { [member]: member === 'number' ? 1 : 'decl-x' });
      expectProblem(res, 400, member);
      expect((await t.call('GET', '/api/v1/prompts/decl-x')).text).toBe(before);
    },
  );
});

describe('mountRoutes', () => {
  const api = {} as ServedApi;
  const app = (routes: RouteDeclaration[], mountedAt = '') => {
    const served = new Hono<ApiEnv>();
    mountRoutes(served, routes, api, mountedAt);
    served.onError((error) => (error instanceof AppError ? problemResponse(error.toJSON()) : new Response(String(error), { status: 500 })));
    return served;
  };

  it('serves a slashOptional route under both spellings and a plain one under its own only', async () => {
    const served = app([
      route({ method: 'get', path: '/p/list/', slashOptional: true, summary: 's', tag: 't', responses: {}, handler: (c) => c.text('list') }),
      route({ method: 'get', path: '/p/one', summary: 's', tag: 't', responses: {}, handler: (c) => c.text('one') }),
    ]);
    expect(await (await served.request('/p/list/')).text()).toBe('list');
    expect(await (await served.request('/p/list')).text()).toBe('list');
    expect((await served.request('/p/one')).status).toBe(200);
    expect((await served.request('/p/one/')).status).toBe(404);
  });

  it('strips the mount prefix, and refuses a route outside it', () => {
    expect(() => app([route({ method: 'get', path: '/other/x', summary: 's', tag: 't', responses: {}, handler: (c) => c.text('x') })], '/compat/door')).toThrow(/not under/);
  });

  it('reads path members before the body, so a bad path segment is the first error', async () => {
    const served = app([
      route({
        method: 'post',
        path: '/v/{number}',
        summary: 's',
        tag: 't',
        responses: {},
        body: z.object({ number: z.number(), text: z.string() }),
        bodyFromPath: {
          number: (c) => {
            const raw = c.req.param('number')!;
            if (!/^\d+$/.test(raw)) throw new AppError('invalid_input', 'number is a whole number', 'number');
            return Number(raw);
          },
        },
        handler: async (c, { body }) => c.json(await body()),
      }),
    ]);
    const send = (path: string, body: string) => served.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await (await send('/v/2', '{"text":"a"}')).json()).toEqual({ number: 2, text: 'a' });
    expect(await (await send('/v/x', 'not json')).json()).toMatchObject({ status: 400, field: 'number' });
    expect(await (await send('/v/2', '{"text":1}')).json()).toMatchObject({ status: 400, field: 'text' });
  });

  it('refuses body() on a route that declares no body', async () => {
    const served = app([route({ method: 'post', path: '/none', summary: 's', tag: 't', responses: {}, handler: async (c, { body }) => c.json(await body()) })]);
    const res = await served.request('/none', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('declares no body');
  });
});
