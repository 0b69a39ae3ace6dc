/**
 * Issue 13, Door 1: each route declares the key scopes it needs once (`scopes` in routes/*.ts and
 * compat/*.ts), and the OpenAPI document shows them as the bearer requirement's roles. The core
 * services enforce scopes (a rule lives in one place), so this test keeps the declarations
 * honest, for every native and compat route (the registries are iterated, so a new route is
 * covered or fails here):
 * - a key lacking any one declared scope is refused naming that scope (403; Open WebUI's door
 *   answers 401 ACCESS_PROHIBITED as its product does, the scope in `reason`);
 * - a key with exactly the declared scopes is not refused for its scopes (no 401/403/404).
 * The caller is the workspace owner (an admin), so only the key's scopes can refuse.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_ROUTES } from '../../../../src/main/api/routes';
import { COMPAT_ROUTES } from '../../../../src/main/api/compat';
import { DEFAULT_RATE_LIMITS } from '../../../../src/main/api/rate-limit';
import type { RouteDeclaration } from '../../../../src/main/api/route';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { addShare } from '../../../../src/main/core/sharing/sharing-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { KEY_SCOPES, type KeyScope } from '../../../../src/shared/schemas/users';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { member, seedPrompt } from '../../../helpers/workspace';

/** Open WebUI's router is served at its real mount and at the seed page's. */
const OPENWEBUI_BASES = ['/compat/openwebui/api/v1/prompts', '/compat/openwebui/api/prompts'];

/** A valid body for each route that takes one, so a request gets past validation to the scope check. */
const BODIES: Record<string, (f: Fixture) => unknown> = {
  'post /api/v1/prompts': (f) => ({ name: `${f.name}-new`, title: 'Title' }),
  'patch /api/v1/prompts/{name}': () => ({ title: 'Changed' }),
  'put /api/v1/prompts/{name}/api': () => ({ apiAccess: true }),
  'post /api/v1/prompts/{name}/render': () => ({ variables: { who: 'x' } }),
  'post /api/v1/prompts/{name}/run': () => ({ variables: { who: 'x' }, model: 'local:echo' }),
  'post /api/v1/prompts/{name}/refine': () => ({ messages: [{ role: 'user', content: 'Make it shorter' }], model: 'local:echo' }),
  'post /api/v1/prompts/{name}/versions': () => ({ template: { kind: 'text', text: 'New {{who}}' } }),
  'patch /api/v1/prompts/{name}/versions/{number}': () => ({ commitMessage: 'edited' }),
  'post /api/v1/prompts/{name}/versions/{number}/promote': () => ({ notes: 'ship it' }),
  'put /api/v1/prompts/{name}/deployment': () => ({ pinnedVersion: 1 }),
  'put /api/v1/prompts/{name}/sharing': () => ({ level: 'library_view' }),
  'post /api/v1/prompts/{name}/shares': () => ({ email: 'scope-mate@example.com', permission: 'view' }),
  'post /api/v1/members': (f) => ({ email: `${f.name}@example.com`, name: 'New Member' }),
  'patch /api/v1/members/{id}': () => ({ isActive: true }),
  'post /api/v1/keys': () => ({ label: 'probe' }),
  'post /api/v1/sync/push': () => ({ protocol: 1, ops: [] }),
  'post /compat/conductor/api/prompts/test': () => ({ prompt: 'Hi', llmProvider: 'local', model: 'echo' }),
  ...Object.fromEntries(
    OPENWEBUI_BASES.flatMap((p) => [
      [`post ${p}/create`, (f: Fixture) => ({ command: `${f.name}-new`, name: 'Probe', content: 'Probe {{who}}' })],
      [`post ${p}/command/{command}/update`, (f: Fixture) => ({ command: f.name, name: 'Probe', content: 'Probe {{who}}' })],
      [`post ${p}/id/{id}/update`, (f: Fixture) => ({ command: f.name, name: 'Probe', content: 'Probe {{who}}' })],
      [`post ${p}/id/{id}/update/meta`, (f: Fixture) => ({ name: 'Probe', command: f.name, tags: [] })],
      [`post ${p}/id/{id}/update/version`, (f: Fixture) => ({ version_id: f.versionIds[1] })],
      [`post ${p}/id/{id}/access/update`, () => ({ access_grants: [] })],
    ]),
  ),
  'post /compat/respan/api/prompts/list/': () => ({}),
  'post /compat/respan/api/prompts/summary/': () => ({}),
  'post /compat/respan/api/prompts/': (f) => ({ name: `${f.name}-new` }),
  'patch /compat/respan/api/prompts/{id}/': () => ({ description: 'changed' }),
  'post /compat/respan/api/prompts/{id}/versions/': () => ({ messages: [{ role: 'user', content: 'Hi {{who}}' }] }),
  'patch /compat/respan/api/prompts/{id}/versions/{version}/': () => ({ description: 'changed' }),
  'post /compat/respan/api/prompts/{id}/deployments/': () => ({ version: 1 }),
  'post /compat/respan/api/prompts/{id}/commits/': () => ({ description: 'probe' }),
};

/** Text and JSON-array bodies of the Conductor door (seed 001's raw template, the tag calls). */
const RAW_BODIES: Record<string, { type: string; body: string }> = {
  'put /compat/conductor/api/prompts/{name}': { type: 'text/plain', body: 'Hello {{who}}' },
  'post /compat/conductor/api/prompts/{name}': { type: 'text/plain', body: 'Hello {{who}}' },
  'put /compat/conductor/api/prompts/{name}/tags': { type: 'application/json', body: '[{"key":"team","value":"probe","type":"METADATA"}]' },
  'delete /compat/conductor/api/prompts/{name}/tags': { type: 'application/json', body: '[{"key":"team","value":"probe","type":"METADATA"}]' },
};

/** Query strings a route needs to reach its scope check. */
const QUERIES: Record<string, (f: Fixture) => string> = {
  'get /api/v1/prompts/{name}/compare': () => 'from=1&to=2',
  'put /compat/conductor/api/prompts/{name}': () => 'description=probe',
  'post /compat/conductor/api/prompts/{name}': () => 'description=probe',
  ...Object.fromEntries(OPENWEBUI_BASES.map((p) => [`get ${p}/id/{id}/history/diff`, (f: Fixture) => `from_id=${f.versionIds[0]}&to_id=${f.versionIds[1]}`])),
};

/** One prompt (three versions, API on, shared with the mate), a key and a log entry of its own for each request. */
interface Fixture {
  /** The prompt's name, also its slash command (Open WebUI's `{command}`). */
  name: string;
  promptId: string;
  /** Its versions' ids, oldest first (Open WebUI's history entries). */
  versionIds: string[];
  keyId: string;
  logId: string;
}

let provider: FakeProvider;
let t: TestHost;
let mateId = '';
let counter = 0;
const keys = new Map<string, string>();

/** A key of the owner carrying exactly `scopes` (made once per set). */
const keyWith = (scopes: readonly KeyScope[]) => {
  const id = [...scopes].sort().join('+');
  if (!keys.has(id)) keys.set(id, createKey(t.owner, { userEmail: t.owner.actor.email, label: `scopes ${id}`, scopes: [...scopes] }).key);
  return keys.get(id)!;
};

async function fixture(): Promise<Fixture> {
  const name = `scoped-${++counter}`;
  seedPrompt(t.owner, name, 'One {{who}}', { api: true, slashCommand: name });
  for (const text of ['Two {{who}}', 'Three {{who}}']) saveVersion(t.owner, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
  addShare(t.owner, { name, email: 'scope-mate@example.com', permission: 'view' });
  const logId = randomUUID();
  const promptId = t.owner.store.prompts.getRowByName(name)!.id;
  await t.host.workspace.runtime.logs.append({
    id: logId, promptId, promptName: name, version: 1, source: 'api', userId: t.owner.actor.id, keyLabel: 'test',
    model: 'local:echo', status: 'success', startedAt: Date.parse('2026-01-02T00:00:00Z'), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 1,
    dataLogging: 'full', variableNames: '["who"]', variables: '{"who":"x"}', messages: '[{"role":"user","content":"One x"}]', output: 'out', outputChars: 3, error: null, conversationId: null,
  });
  const versionIds = [1, 2, 3].map((n) => t.owner.store.versions.get(promptId, n)!.id);
  return { name, promptId, versionIds, keyId: createKey(t.owner, { userEmail: t.owner.actor.email, label: `revocable ${name}` }).info.id, logId };
}

const label = (route: RouteDeclaration) => `${route.method} ${route.path}`;

/** The route's path with the fixture's values in its parameters. */
function pathOf(route: RouteDeclaration, f: Fixture): string {
  const native = route.path.startsWith('/api/');
  const id = route.path.startsWith('/api/v1/keys/') ? f.keyId : route.path.startsWith('/api/v1/logs/') ? f.logId : native ? mateId : f.promptId;
  return route.path
    .replace('{name}', f.name)
    .replace('{command}', f.name)
    .replace('{number}', route.method === 'delete' ? '2' : '3')
    .replace('{version}', route.method === 'delete' ? '2' : '3')
    .replace('{history_id}', f.versionIds[0]!)
    .replace('{userId}', mateId)
    .replace('{id}', id);
}

/** Sends `route` with `key` on the fixture; the status and, unless it streams, the body. */
async function send(route: RouteDeclaration, f: Fixture, key: string): Promise<{ status: number; text: string }> {
  const query = QUERIES[label(route)];
  const path = pathOf(route, f) + (query ? `?${query(f)}` : '');
  const sample = BODIES[label(route)];
  const raw = RAW_BODIES[label(route)];
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${t.port}${path}`, {
    method: route.method.toUpperCase(),
    headers: { authorization: `Bearer ${key}`, ...(sample ? { 'content-type': 'application/json' } : raw ? { 'content-type': raw.type } : {}) },
    body: sample ? JSON.stringify(sample(f)) : raw?.body,
    signal: controller.signal,
  });
  // The change stream never ends: its status is the answer.
  if (res.headers.get('content-type')?.startsWith('text/event-stream') && route.method === 'get') {
    controller.abort();
    return { status: res.status, text: '' };
  }
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  provider = await startFakeProvider();
  t = await startTestHost({ limits: { ...DEFAULT_RATE_LIMITS, perKeyPerSecond: 1_000_000, perKeyBurst: 1_000_000 } });
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  mateId = member(t.owner, 'scope-mate@example.com', 'Mate').actor.id;
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

const keyed = [...NATIVE_ROUTES, ...COMPAT_ROUTES].filter((route) => !route.public);

describe('declared key scopes (`scopes` of each route declaration)', () => {
  it('every keyed route declares its scopes, and every body route has a sample here', () => {
    expect(keyed.filter((route) => !route.scopes?.length).map(label)).toEqual([]);
    expect(keyed.filter((route) => route.body && !BODIES[label(route)]).map(label)).toEqual([]);
  });

  it('the OpenAPI document shows each operation its declared scopes', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json')).json() as { paths: Record<string, Record<string, { security?: unknown }>> };
    for (const route of keyed) expect(doc.paths[route.path]![route.method]!.security, label(route)).toEqual([{ bearer: [...route.scopes!] }]);
  });

  const cases = keyed.flatMap((route) => (route.scopes ?? []).map((scope) => [label(route), scope, route] as const));
  it.each(cases)('%s: a key without %s is refused naming it', async (_label, scope, route) => {
    const res = await send(route, await fixture(), keyWith(KEY_SCOPES.filter((s) => s !== scope)));
    const problem = JSON.parse(res.text) as { code: string; detail: string; reason?: string };
    // Open WebUI answers a refusal as its router does: 401 ACCESS_PROHIBITED, the cause in `reason`.
    const openWebUi = route.path.startsWith('/compat/openwebui/');
    expect(res.status, res.text).toBe(openWebUi ? 401 : 403);
    expect(problem.code, res.text).toBe('forbidden');
    expect(openWebUi ? problem.reason : problem.detail, res.text).toContain(`lacks the "${scope}" scope`);
  });

  it.each(keyed.map((route) => [label(route), route] as const))('%s: a key with exactly its declared scopes is not refused', async (_label, route) => {
    const res = await send(route, await fixture(), keyWith(route.scopes!));
    expect([401, 403, 404], `${res.status} ${res.text}`).not.toContain(res.status);
    expect(res.status, res.text).toBeLessThan(500);
  });
});
