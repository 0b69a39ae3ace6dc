import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcMain } from 'electron';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { getReadiness, setReadinessRequired, tickReadiness } from '../../../../src/main/core/readiness/readiness-service';
import type { AppError } from '../../../../src/main/core/errors';
import { registerIpc } from '../../../../src/main/ipc/register';
import { SHARING_LEVELS } from '../../../../src/shared/schemas/sharing';
import { READINESS_ITEMS } from '../../../../src/shared/schemas/readiness';
import type { User } from '../../../../src/shared/schemas/users';
import { ACTORS, HTTP_STATUS, expected, type Actor } from '../../../fixtures/permission-matrix';
import { buildMatrixWorld, deactivate, promptFor } from '../../../helpers/matrix-world';
import { expectProblem, startBridgeHost, startTestHost, type BridgeHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { http } from '../../../helpers/http';

const outcome = (status: number) => (status < 300 ? 'Y' : (Object.entries(HTTP_STATUS).find(([, s]) => s === status)?.[0] ?? String(status)));

describe('readiness read: the permission matrix (as reading the prompt)', () => {
  let t: TestHost;
  let users: Record<Actor, User>;
  const keys = {} as Record<Actor, string>;
  beforeAll(async () => {
    t = await startTestHost();
    users = buildMatrixWorld(t.owner);
    for (const actor of ACTORS) keys[actor] = createKey(t.owner, { userEmail: users[actor].email, label: actor }).key;
    deactivate(t.owner, users);
  });
  afterAll(() => t.stop());

  for (const level of SHARING_LEVELS) {
    it(`${level}: each actor through the service and GET /api/v1/prompts/{name}/readiness`, async () => {
      const service: string[] = [];
      const api: string[] = [];
      for (const actor of ACTORS) {
        const name = promptFor(level, actor, 'read');
        const ctx = { ...t.owner, actor: t.host.workspace.store.users.get(users[actor].id)! };
        try {
          getReadiness(ctx, name);
          service.push('Y');
        } catch (error) {
          const code = (error as AppError).code;
          service.push(code === 'forbidden' ? 'F' : code === 'not_found' ? 'N' : code === 'unauthenticated' ? 'U' : code);
        }
        const res = await http(t.port, 'GET', `/api/v1/prompts/${name}/readiness`, { headers: { authorization: `Bearer ${keys[actor]}` } });
        api.push(outcome(res.status));
        if (res.status === 200) expect(res.json()).toMatchObject({ prompt: name, version: 2, items: READINESS_ITEMS.map((id) => expect.objectContaining({ id })) });
      }
      const want = ACTORS.map((actor) => expected(level, actor, 'read')).join('');
      expect(service.join('')).toBe(want);
      expect(api.join('')).toBe(want);
    });
  }

  it('ticks follow edit (edge cases, naming) and share (access levels), and the answer says who may tick', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'Y';
      } catch (error) {
        const c = (error as AppError).code;
        return c === 'forbidden' ? 'F' : c === 'not_found' ? 'N' : c === 'unauthenticated' ? 'U' : c;
      }
    };
    for (const level of SHARING_LEVELS) {
      for (const actor of ACTORS) {
        const ctx = { ...t.owner, actor: t.host.workspace.store.users.get(users[actor].id)! };
        const edge = code(() => tickReadiness(ctx, { name: promptFor(level, actor, 'edit'), item: 'edge_cases', ticked: true }));
        const access = code(() => tickReadiness(ctx, { name: promptFor(level, actor, 'share'), item: 'access_levels', ticked: true }));
        expect(`${level} ${actor} ${edge}${access}`).toBe(`${level} ${actor} ${expected(level, actor, 'edit')}${expected(level, actor, 'share')}`);
        if (expected(level, actor, 'read') === 'Y') {
          const items = getReadiness(ctx, promptFor(level, actor, 'read')).items;
          expect(items.find((i) => i.id === 'edge_cases')!.canTick).toBe(expected(level, actor, 'edit') === 'Y');
          expect(items.find((i) => i.id === 'access_levels')!.canTick).toBe(expected(level, actor, 'share') === 'Y');
        }
      }
    }
  });

  it('a hidden prompt answers exactly like a missing one', async () => {
    const headers = { authorization: `Bearer ${keys.otherMember}` };
    const hidden = await http(t.port, 'GET', `/api/v1/prompts/${promptFor('private', 'otherMember', 'read')}/readiness`, { headers });
    const missing = await http(t.port, 'GET', '/api/v1/prompts/never-existed/readiness', { headers });
    expectProblem(hidden, 404);
    expect([hidden.status, hidden.text, hidden.headers['content-type']]).toEqual([missing.status, missing.text, missing.headers['content-type']]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json')).json();
    expect(doc.paths['/api/v1/prompts/{name}/readiness'].get.summary).toMatch(/readiness/i);
  });
});

describe('widening access with the checklist required: refused at every door', () => {
  let t: BridgeHost;
  beforeAll(async () => {
    t = await startBridgeHost();
    const owner = t.host.workspace.as(t.host.workspace.owner.id);
    for (const name of ['api-door', 'bridge-door', 'ipc-door', 'owui-door']) seedPrompt(owner, name, 'Hello {{who}}', { api: true });
    setReadinessRequired(owner, true);
  });
  afterAll(() => t.stop());

  it('HTTP API: PUT /sharing answers 409 problem+json naming level, and nothing changes', async () => {
    const owner = t.host.workspace.as(t.host.workspace.owner.id);
    const key = createKey(owner, { userEmail: owner.actor.email, label: 'k' }).key;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const res = await http(t.port, 'PUT', '/api/v1/prompts/api-door/sharing', { headers, body: JSON.stringify({ level: 'library_view' }) });
    const problem = expectProblem(res, 409, 'level');
    expect(problem.detail).toContain('readiness checklist');
    const after = await http(t.port, 'GET', '/api/v1/prompts/api-door/sharing', { headers });
    expect(after.json().level).toBe('private');
    // Narrowing and keeping the level are never refused.
    expect((await http(t.port, 'PUT', '/api/v1/prompts/api-door/sharing', { headers, body: JSON.stringify({ level: 'private' }) })).status).toBe(200);
  });

  it('Open WebUI access grants: a public grant is refused in that door\'s shape, and nothing changes', async () => {
    const owner = t.host.workspace.as(t.host.workspace.owner.id);
    const key = createKey(owner, { userEmail: owner.actor.email, label: 'owui' }).key;
    const row = t.host.workspace.store.prompts.getRowByName('owui-door')!;
    const res = await http(t.port, 'POST', `/compat/openwebui/api/v1/prompts/id/${row.id}/access/update`, {
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }] }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).toContain('readiness checklist');
    expect(t.host.workspace.store.prompts.getRowByName('owui-door')!.sharing_level).toBe('private');
  });

  it('browser bridge: sharing:set-level answers the conflict naming level', async () => {
    const res = await t.bridge('sharing:set-level', { name: 'bridge-door', level: 'chat_only' });
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'conflict', field: 'level' } });
    expect((await t.bridge('readiness:get', { name: 'bridge-door' })).json()).toMatchObject({ ok: true, value: { sharingLevel: 'private', requiredForWidening: true } });
  });

  it('Electron IPC: the same refusal through the registered handler', async () => {
    const handlers = new Map<string, (event: unknown, input: unknown) => unknown>();
    const ipcMain = { handle: (channel: string, fn: (event: unknown, input: unknown) => unknown) => handlers.set(channel, fn) } as unknown as Pick<IpcMain, 'handle'>;
    const owner = t.host.workspace.as(t.host.workspace.owner.id);
    registerIpc(ipcMain, t.host.handlers, { context: () => owner, trustedUrl: () => 'file:///app/index.html' });
    const event = { senderFrame: { url: 'file:///app/index.html' } };
    const refused = await handlers.get('sharing:set-level')!(event, { name: 'ipc-door', level: 'library_edit' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', field: 'level' } });
    // Ticks alone do not make it ready (no test runs, no description, no ratings): still refused, still private.
    for (const item of ['edge_cases', 'clear_naming', 'access_levels'] as const) tickReadiness(owner, { name: 'ipc-door', item, ticked: true });
    expect(getReadiness(owner, 'ipc-door').open).toEqual(['tested', 'clear_naming', 'data_logging', 'useful_ratings']);
    expect(await handlers.get('sharing:set-level')!(event, { name: 'ipc-door', level: 'chat_only' })).toMatchObject({ ok: false, error: { field: 'level' } });
    expect(getReadiness(owner, 'ipc-door').sharingLevel).toBe('private');
    // A bad tick item is refused naming the field.
    const ticked = await handlers.get('readiness:tick')!(event, { name: 'ipc-door', item: 'nonsense', ticked: true });
    expect(ticked).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'item' } });
  });
});
