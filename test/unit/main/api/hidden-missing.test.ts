/**
 * Issue 10 item 7: a prompt the caller may not see answers exactly like a name that never
 * existed, on EVERY documented route (the OpenAPI operation list is iterated, so a new route is
 * covered, or fails here until it is classified), for every kind of caller. The full responses
 * are compared: status, headers (all but Date) and body, byte for byte.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../../../../src/main/api/openapi';
import { NATIVE_ROUTES } from '../../../../src/main/api/routes';
import { COMPAT_ROUTES } from '../../../../src/main/api/compat';
import { DEFAULT_RATE_LIMITS } from '../../../../src/main/api/rate-limit';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { member, seedPrompt } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';

const addVersion = (ctx: Ctx, name: string, text: string) => saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));

const OPERATIONS: Operation[] = [...NATIVE_ROUTES, ...COMPAT_ROUTES];
const opKey = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;

/** A valid body for every operation that takes one, so requests get past validation to the lookup. */
const OPENWEBUI_BASES = ['/compat/openwebui/api/v1/prompts', '/compat/openwebui/api/prompts'];

const BODIES: Record<string, unknown> = {
  'POST /api/v1/prompts': { name: '$NAME', title: 'Title' },
  'PATCH /api/v1/prompts/{name}': { title: 'Changed' },
  'PUT /api/v1/prompts/{name}/api': { apiAccess: true },
  'POST /api/v1/prompts/{name}/render': { variables: { who: 'x' } },
  'POST /api/v1/prompts/{name}/run': { variables: { who: 'x' }, model: 'local:echo' },
  'POST /api/v1/prompts/{name}/refine': { messages: [{ role: 'user', content: 'Make it shorter' }], model: 'local:echo' },
  'POST /api/v1/prompts/{name}/versions': { template: { kind: 'text', text: 'New {{who}}' } },
  'PATCH /api/v1/prompts/{name}/versions/{number}': { template: { kind: 'text', text: 'Edited {{who}}' } },
  'POST /api/v1/prompts/{name}/versions/{number}/promote': { notes: 'ship it' },
  'PUT /api/v1/prompts/{name}/deployment': { pinnedVersion: 1 },
  'PUT /api/v1/prompts/{name}/sharing': { level: 'library_edit' },
  'POST /api/v1/prompts/{name}/shares': { email: 'carol@example.com', permission: 'view' },
  'POST /api/v1/members': { email: 'new-member@example.com', name: 'New Member' },
  'PATCH /api/v1/members/{id}': { isActive: true },
  'POST /api/v1/keys': { label: 'probe' },
  'PUT /compat/conductor/api/prompts/{name}': 'Hello {{who}}',
  'POST /compat/conductor/api/prompts/{name}': 'Hello {{who}}',
  'PUT /compat/conductor/api/prompts/{name}/tags': [{ key: 'team', value: 'probe', type: 'METADATA' }],
  'DELETE /compat/conductor/api/prompts/{name}/tags': [{ key: 'team', value: 'probe', type: 'METADATA' }],
  'POST /compat/conductor/api/token': { keyId: 'pd_000000000000', keySecret: 'not-a-key' },
  'POST /compat/conductor/api/prompts/test': { prompt: 'Hi', llmProvider: 'local', model: 'echo' },
  // Open WebUI's router at both mounts (compat/openwebui.ts); its `{command}` is the prompt's slash command.
  ...Object.fromEntries(
    OPENWEBUI_BASES.flatMap((p) => [
      [`POST ${p}/create`, { command: '$NAME', name: 'Probe', content: 'Probe {{who}}' }],
      [`POST ${p}/command/{command}/update`, { command: 'probe-cmd', name: 'Probe', content: 'Probe {{who}}' }],
      [`POST ${p}/id/{id}/update`, { command: 'probe-cmd', name: 'Probe', content: 'Probe {{who}}' }],
      [`POST ${p}/id/{id}/update/meta`, { name: 'Probe', command: 'probe-cmd', tags: [] }],
      [`POST ${p}/id/{id}/update/version`, { version_id: 'probe' }],
      [`POST ${p}/id/{id}/access/update`, { access_grants: [] }],
    ]),
  ),
  'POST /compat/respan/api/prompts/list/': { search: '$NAME' },
  'POST /compat/respan/api/prompts/summary/': { search: '$NAME' },
  'POST /compat/respan/api/prompts/': { name: '$NAME' },
  'PATCH /compat/respan/api/prompts/{id}/': { description: 'changed' },
  'POST /compat/respan/api/prompts/{id}/versions/': { messages: [{ role: 'user', content: 'Hi {{who}}' }] },
  'PATCH /compat/respan/api/prompts/{id}/versions/{version}/': { description: 'changed' },
  'POST /compat/respan/api/prompts/{id}/deployments/': { version: 1 },
  'POST /compat/respan/api/prompts/{id}/commits/': { description: 'probe' },
  'POST /api/v1/sync/push': { protocol: 1, ops: [] },
  'POST /api/v1/team/token': { code: 'not-a-code', code_verifier: 'v'.repeat(43) },
};

/** Query strings an operation needs to reach its lookup (required parameters). */
const QUERIES: Record<string, string> = {
  ...Object.fromEntries(OPENWEBUI_BASES.map((p) => [`GET ${p}/id/{id}/history/diff`, 'from_id=a&to_id=b'])),
  'GET /api/v1/prompts': 'query=$NAME',
  'GET /api/v1/logs': 'prompt=$NAME',
  'GET /api/v1/prompts/{name}/compare': 'from=1&to=2',
  'PUT /compat/conductor/api/prompts/{name}': 'description=probe',
  'POST /compat/conductor/api/prompts/{name}': 'description=probe',
  'GET /compat/respan/api/prompts/list/': 'search=$NAME',
};

/**
 * Operations that create under the caller's name: a never-used name is created, so "missing" is
 * not the comparison. A name in use answers one way whoever holds it: compare a hidden name
 * with one the caller can see but may not change (documented in the README).
 */
const CREATES = new Set(['POST /api/v1/prompts', 'PUT /compat/conductor/api/prompts/{name}', 'POST /compat/conductor/api/prompts/{name}', ...OPENWEBUI_BASES.map((p) => `POST ${p}/create`)]);
/** Seed 004 create takes a display name and always makes a new prompt (its key gets a suffix). */
const ALWAYS_NEW = new Set(['POST /compat/respan/api/prompts/']);
/** Operations that name no prompt at all (nothing to hide). */
const NO_PROMPT = new Set([
  ...OPENWEBUI_BASES.flatMap((p) => [`GET ${p}/`, `GET ${p}/tags`, `GET ${p}/list`]),
  'GET /api/v1/health',
  'GET /api/v1/openapi.json',
  // The change stream names no prompt in its request; its events are checked in changes-feed.test.ts.
  'GET /api/v1/changes',
  // The sync names no prompt in its request: what a pull carries (removals by key, never a hidden
  // id) and how a push op on a hidden prompt answers are checked in core/sync/sync.test.ts.
  'GET /api/v1/sync/pull',
  'POST /api/v1/sync/push',
  'POST /api/v1/team/token',
  'GET /api/v1/team/device',
  'GET /api/v1/sync/changes',
  'GET /api/v1/members',
  'POST /api/v1/members',
  'GET /api/v1/keys',
  'POST /api/v1/keys',
  'GET /compat/respan/api/prompts/summary/',
  // Conductor: the token exchange, the list (filtered like the library), a test of unsaved text.
  'POST /compat/conductor/api/token',
  'GET /compat/conductor/api/prompts',
  'POST /compat/conductor/api/prompts/test',
]);
/** Paths whose `{id}` is a member's, a key's or a log entry's, not a prompt's. */
const OTHER_ID = /^\/api\/v1\/(members|keys|logs)\/\{id\}$/;

interface Refs {
  /** The prompt name and id to use. */
  name: string;
  id: string;
  /** Another member's key id, member id or log entry (of the hidden prompt), for those routes. */
  otherId: string;
  logId?: string;
}

function build(op: Operation, refs: Refs, userId: string): { path: string; body?: string; headers: Record<string, string> } {
  const key = opKey(op);
  let path = op.path
    .replace('{name}', encodeURIComponent(refs.name))
    .replace('{number}', '1')
    .replace('{version}', '1')
    .replace('{userId}', userId)
    // Bob's prompts have their names as slash commands (Open WebUI addresses prompts by command).
    .replace('{command}', encodeURIComponent(refs.name));
  const other = op.path.startsWith('/api/v1/logs/') ? (refs.logId ?? refs.otherId) : refs.otherId;
  path = path.replace('{id}', OTHER_ID.test(op.path) ? other : refs.id);
  const query = QUERIES[key];
  if (query) path += `?${query.replace('$NAME', encodeURIComponent(refs.name))}`;
  const sample = BODIES[key];
  if (sample === undefined) return { path, headers: {} };
  if (typeof sample === 'string') return { path, body: sample, headers: { 'content-type': 'text/plain' } };
  return { path, body: JSON.stringify(sample).replaceAll('$NAME', refs.name), headers: { 'content-type': 'application/json' } };
}

/** The response as a comparable value: everything but the Date header. */
function snapshot(res: RawResponse) {
  const { date: _date, ...headers } = res.headers;
  return { status: res.status, headers, body: res.text };
}

let t: TestHost;
let bob: Ctx;
const callers: Record<string, { headers: Record<string, string>; hidden: () => Refs; expect: number }> = {};
const MISSING = (): Refs => ({ name: `never-existed-${randomUUID().slice(0, 8)}`, id: randomUUID(), otherId: randomUUID() });
const ids = {} as Record<string, string>;
let bobKeyId = '';

beforeAll(async () => {
  // Every no-key request is a failed authentication; the per-address budget is not under test here.
  t = await startTestHost({ limits: { ...DEFAULT_RATE_LIMITS, failedAuthPerMinute: 1_000_000 } });
  bob = member(t.owner, 'bob@example.com', 'Bob');
  member(t.owner, 'alice@example.com', 'Alice');
  member(t.owner, 'carol@example.com', 'Carol');
  // Bob's private prompt, on the API: hidden from Alice (no access) and from keyless callers (key required).
  seedPrompt(bob, 'bob-private', 'Secret {{who}}', { api: true, slashCommand: 'bob-private' });
  addVersion(bob, 'bob-private', 'Secret two {{who}}');
  // In the library for everyone, but API access off: hidden from every API caller, admins too.
  seedPrompt(bob, 'bob-api-off', 'Off {{who}}', { slashCommand: 'bob-api-off' });
  addVersion(bob, 'bob-api-off', 'Off two {{who}}');
  setSharingLevel(bob, { name: 'bob-api-off', level: 'library_view' });
  // Visible to Alice (Library View, API on) but not hers to change: the create comparison.
  seedPrompt(bob, 'bob-visible', 'Visible {{who}}', { api: true, slashCommand: 'bob-visible' });
  setSharingLevel(bob, { name: 'bob-visible', level: 'library_view' });
  setApiSettings(bob, { name: 'bob-visible', apiAccess: true });
  for (const name of ['bob-private', 'bob-api-off', 'bob-visible']) ids[name] = t.owner.store.prompts.getRowByName(name)!.id;
  bobKeyId = createKey(t.owner, { userEmail: 'bob@example.com', label: 'bob' }).info.id;
  const aliceKey = createKey(t.owner, { userEmail: 'alice@example.com', label: 'alice' }).key;
  const aliceRead = createKey(t.owner, { userEmail: 'alice@example.com', label: 'alice-read', scopes: ['read'] }).key;
  const aliceRun = createKey(t.owner, { userEmail: 'alice@example.com', label: 'alice-run', scopes: ['run'] }).key;
  // Bob's own run of each hidden prompt, straight into the log (no provider needed).
  const logIds: Record<string, string> = {};
  for (const name of ['bob-private', 'bob-api-off']) {
    logIds[name] = randomUUID();
    await t.host.workspace.runtime.logs.append({
      id: logIds[name], promptId: ids[name]!, promptName: name, version: 1, source: 'api', userId: bob.actor.id, keyLabel: 'bob',
      model: 'local:echo', status: 'success', startedAt: Date.parse('2026-01-02T00:00:00Z'), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 1,
      dataLogging: 'full', variableNames: '["who"]', variables: '{"who":"x"}', messages: '[{"role":"user","content":"Secret x"}]', output: 'out', outputChars: 3, error: null, conversationId: null,
    });
  }
  const hidden = (name: string) => (): Refs => ({ name, id: ids[name]!, otherId: bobKeyId, logId: logIds[name] });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  callers['no key'] = { headers: {}, hidden: hidden('bob-private'), expect: 401 };
  callers['member key'] = { headers: auth(aliceKey), hidden: hidden('bob-private'), expect: 404 };
  callers['member key, API off'] = { headers: auth(aliceKey), hidden: hidden('bob-api-off'), expect: 404 };
  callers['narrowed key (read)'] = { headers: auth(aliceRead), hidden: hidden('bob-private'), expect: 404 };
  callers['narrowed key (run)'] = { headers: auth(aliceRun), hidden: hidden('bob-private'), expect: 404 };
  callers['admin key, API off'] = { headers: auth(t.key), hidden: hidden('bob-api-off'), expect: 404 };
});
afterAll(() => t.stop());

const send = (op: Operation, refs: Refs, headers: Record<string, string>) => {
  const request = build(op, refs, bob.actor.id);
  return http(t.port, op.method.toUpperCase(), request.path, { headers: { ...request.headers, ...headers }, body: request.body });
};

describe('every documented operation is classified', () => {
  it('has a sample body for every operation that takes one', () => {
    const missing = OPERATIONS.filter((op) => (op.body || op.textBody) && BODIES[opKey(op)] === undefined).map(opKey);
    expect(missing).toEqual([]);
  });
  it('knows where every operation takes a prompt (path, query or body), or that it takes none', () => {
    const unplaced = OPERATIONS.filter((op) => !/\{(name|id|command)\}/.test(op.path) && !QUERIES[opKey(op)]?.includes('$NAME') && !JSON.stringify(BODIES[opKey(op)] ?? '').includes('$NAME') && !NO_PROMPT.has(opKey(op))).map(opKey);
    expect(unplaced).toEqual([]);
  });
});

describe('a hidden prompt answers exactly like a name that never existed', () => {
  for (const op of OPERATIONS) {
    const key = opKey(op);
    if (NO_PROMPT.has(key) || CREATES.has(key) || ALWAYS_NEW.has(key)) continue;
    it(key, async () => {
      for (const [kind, caller] of Object.entries(callers)) {
        // Admins see every member, key and log entry: for them only API-off prompts are hidden.
        if (OTHER_ID.test(op.path) && kind.startsWith('admin')) continue;
        const hidden = snapshot(await send(op, caller.hidden(), caller.headers));
        const missing = snapshot(await send(op, MISSING(), caller.headers));
        expect({ kind, ...hidden }).toEqual({ kind, ...missing });
        // The lookup was reached (a sample body that failed validation would prove nothing)...
        if (/\{(name|id|command)\}/.test(op.path) && !OTHER_ID.test(op.path)) expect({ kind, status: hidden.status }).toEqual({ kind, status: caller.expect });
        // ...and no stored name or id of the hidden prompt is echoed.
        const refs = caller.hidden();
        expect(hidden.body).not.toContain(refs.name);
        expect(hidden.body).not.toContain(refs.id);
      }
    });
  }
});

describe('creating under a name in use: one answer whoever holds the name', () => {
  for (const op of OPERATIONS.filter((o) => CREATES.has(opKey(o)))) {
    it(opKey(op), async () => {
      for (const [kind, caller] of Object.entries(callers)) {
        // Without a key every create is the same 401; an admin may change every prompt it can see,
        // so for them there is no visible-but-not-theirs name to compare with (see below).
        if (kind === 'no key' || kind.startsWith('admin')) continue;
        const visible: Refs = { name: 'bob-visible', id: ids['bob-visible']!, otherId: bobKeyId };
        const hidden = snapshot(await send(op, caller.hidden(), caller.headers));
        const shown = snapshot(await send(op, visible, caller.headers));
        expect({ kind, ...hidden }).toEqual({ kind, ...shown });
        expect(hidden.status).toBeGreaterThanOrEqual(400);
        expect(hidden.body).not.toContain(caller.hidden().name);
      }
    });
  }

  it('seed 001 PUT: an admin meets an API-off name with the same 403 a member meets on a name it may not change', async () => {
    const op = OPERATIONS.find((o) => opKey(o) === 'PUT /compat/conductor/api/prompts/{name}')!;
    const asAdmin = snapshot(await send(op, callers['admin key, API off']!.hidden(), callers['admin key, API off']!.headers));
    const asMember = snapshot(await send(op, callers['member key']!.hidden(), callers['member key']!.headers));
    expect(asAdmin).toEqual(asMember);
    expect(asAdmin.status).toBe(403);
  });

  it('seed 004 create always makes a new prompt: a hidden name and a new one answer alike but for the new ids', async () => {
    const op = OPERATIONS.find((o) => ALWAYS_NEW.has(opKey(o)))!;
    const shape = (res: RawResponse) => ({ status: res.status, keys: Object.keys(res.json()).sort(), name: res.json().name === undefined ? null : 'set' });
    const hidden = await send(op, { name: 'bob-private', id: '', otherId: '' }, callers['member key']!.headers);
    const fresh = await send(op, { name: 'brand-new-title', id: '', otherId: '' }, callers['member key']!.headers);
    expect(shape(hidden)).toEqual(shape(fresh));
    expect(hidden.status).toBe(201);
  });
});

describe('bridge and logs filter', () => {
  it('GET /api/v1/logs?prompt= answers a hidden name and a missing one with the same 404 naming the field', async () => {
    const headers = callers['member key']!.headers;
    const hidden = await http(t.port, 'GET', '/api/v1/logs?prompt=bob-private', { headers });
    const missing = await http(t.port, 'GET', '/api/v1/logs?prompt=never-was', { headers });
    expect(snapshot(hidden)).toEqual(snapshot(missing));
    expect(hidden.json()).toMatchObject({ status: 404, field: 'prompt' });
  });
});
