import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { NATIVE_ROUTES } from '../../../../src/main/api/routes';
import { COMPAT_ROUTES } from '../../../../src/main/api/compat';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { addUser } from '../../../../src/main/core/users/users-service';
import { createPrompt, setApiSettings, updatePrompt } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { commitVersion, promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { addShare } from '../../../../src/main/core/sharing/sharing-service';
import { CreatePromptInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { AddUserInput, KEY_SCOPES, type KeyScope } from '../../../../src/shared/schemas/users';
import { templateText } from '../../../../src/shared/template/template';
import type { Ctx } from '../../../../src/main/core/context';
import { MODELS } from '../../../fixtures/respan-sdk';

/**
 * Issue 10 item 3: a write that was saved answers success. Every write operation in the OpenAPI
 * document (native and compat) x every key scope set that allows the write: the answer is 2xx and
 * the change is in the store exactly once. A key without `read` must not get a 403 for a change
 * already committed.
 */

/** POST operations that write nothing (they render, run or list). */
/** Open WebUI's router is served at its real mount and at the seed page's. */
const OPENWEBUI_BASES = ['/compat/openwebui/api/v1/prompts', '/compat/openwebui/api/prompts'];

const NOT_WRITES = new Set([
  // Refused: Promptdesk prompts have no active switch (core/compat/openwebui.ts).
  ...OPENWEBUI_BASES.map((p) => `post ${p}/id/{id}/toggle`),
  'post /api/v1/prompts/{name}/render',
  'post /api/v1/prompts/{name}/run',
  // A refine turn runs a model and logs it, as /run does; saving its proposal is the versions POST.
  'post /api/v1/prompts/{name}/refine',
  // Conductor: exchanging a key for a token and testing unsaved text store nothing but a log.
  'post /compat/conductor/api/token',
  // Keyless like Conductor's token exchange: a one-time sign-in code for a device token (core/team/device-grants.ts).
  'post /api/v1/team/token',
  'post /compat/conductor/api/prompts/test',
  'post /compat/respan/api/prompts/list/',
  'post /compat/respan/api/prompts/summary/',
]);

interface Fixture {
  /** A prompt of its own: v1 archived, v2 published, v3 draft, v4 committed draft; shared with `mate`. */
  name: string;
  id: string;
  /** A unique token for names the write creates. */
  tag: string;
  /** A member of its own (for member writes), and a key of its own (for key writes). */
  memberId: string;
  keyId: string;
}

interface Case {
  scope: KeyScope;
  request: (f: Fixture) => { method: string; path: string; body?: unknown; text?: string };
  /** Asserts the change is there exactly once. */
  check: (f: Fixture, res: RawResponse) => void;
}

let t: TestHost;
let app: Ctx;
let mate: { id: string; email: string };
let seq = 0;

const store = () => t.host.workspace.store;
const row = (name: string) => store().prompts.getRowByName(name);
const versions = (f: Fixture) => store().versions.list(f.id);
const texts = (f: Fixture) => versions(f).map((v) => templateText(store().versions.get(f.id, v.number)!.template));
const once = (list: unknown[], value: unknown) => expect(list.filter((x) => x === value)).toHaveLength(1);

function fixture(): Fixture {
  const tag = `w${++seq}`;
  const name = `write-${tag}`;
  const save = (text: string) => saveVersion(app, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
  createPrompt(app, CreatePromptInput.parse({ name, title: name }));
  setApiSettings(app, { name, apiAccess: true });
  save('one {{x}}');
  save('two {{x}}');
  save('three {{x}}');
  save('four {{x}}');
  promoteVersion(app, { name, number: 1, notes: '' });
  promoteVersion(app, { name, number: 2, notes: '' });
  commitVersion(app, name, 4);
  addShare(app, { name, email: mate.email, permission: 'view' });
  const member = addUser(app, AddUserInput.parse({ email: `${tag}@example.com`, name: `Member ${tag}` }));
  const key = createKey(app, { userEmail: app.actor.email, label: `victim-${tag}` });
  return { name, id: row(name)!.id, tag, memberId: member.id, keyId: key.info.id };
}

const CASES: Record<string, Case> = {
  // Sync protocol 1 (docs/sync.md): an offline save pushed by a desktop, numbered by the server.
  'post /api/v1/sync/push': {
    scope: 'write',
    request: (f) => ({
      method: 'POST',
      path: '/api/v1/sync/push',
      body: { protocol: 1, ops: [{ id: crypto.randomUUID(), kind: 'version.save', promptId: f.id, versionId: crypto.randomUUID(), template: { kind: 'text', text: `pushed ${f.tag}` } }] },
    }),
    check: (f, res) => {
      once(texts(f), `pushed ${f.tag}`);
      expect(res.json().results).toMatchObject([{ status: 'applied', number: 5 }]);
    },
  },
  'post /api/v1/prompts': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: '/api/v1/prompts', body: { name: `new-${f.tag}`, title: 'New' } }),
    check: (f) => expect(row(`new-${f.tag}`)).toBeDefined(),
  },
  'patch /api/v1/prompts/{name}': {
    scope: 'write',
    request: (f) => ({ method: 'PATCH', path: `/api/v1/prompts/${f.name}`, body: { title: `Changed ${f.tag}` } }),
    check: (f) => expect(row(f.name)!.title).toBe(`Changed ${f.tag}`),
  },
  'delete /api/v1/prompts/{name}': {
    scope: 'write',
    request: (f) => ({ method: 'DELETE', path: `/api/v1/prompts/${f.name}` }),
    check: (f) => expect(row(f.name)).toBeUndefined(),
  },
  'put /api/v1/prompts/{name}/api': {
    scope: 'write',
    request: (f) => ({ method: 'PUT', path: `/api/v1/prompts/${f.name}/api`, body: { keyRequired: row(f.name)!.api_key_required !== 1 } }),
    check: () => undefined, // checked below against the value before
  },
  'post /api/v1/prompts/{name}/versions': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/api/v1/prompts/${f.name}/versions`, body: { template: { kind: 'text', text: `saved ${f.tag}` } } }),
    check: (f, res) => {
      once(texts(f), `saved ${f.tag}`);
      expect(res.json()).toMatchObject({ number: 5 });
    },
  },
  'patch /api/v1/prompts/{name}/versions/{number}': {
    scope: 'write',
    request: (f) => ({ method: 'PATCH', path: `/api/v1/prompts/${f.name}/versions/3`, body: { template: { kind: 'text', text: `edited ${f.tag}` } } }),
    check: (f) => {
      expect(texts(f)).toHaveLength(4);
      once(texts(f), `edited ${f.tag}`);
    },
  },
  'delete /api/v1/prompts/{name}/versions/{number}': {
    scope: 'write',
    request: (f) => ({ method: 'DELETE', path: `/api/v1/prompts/${f.name}/versions/3` }),
    check: (f) => expect(versions(f).map((v) => v.number)).toEqual([4, 2, 1]),
  },
  'post /api/v1/prompts/{name}/versions/{number}/commit': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/api/v1/prompts/${f.name}/versions/3/commit` }),
    check: (f) => expect(store().versions.get(f.id, 3)!.committed).toBe(true),
  },
  'post /api/v1/prompts/{name}/versions/{number}/promote': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/api/v1/prompts/${f.name}/versions/3/promote`, body: { notes: f.tag } }),
    check: (f) => {
      expect(store().versions.publishedNumber(f.id)).toBe(3);
      once(store().promotions.list(f.id, { userId: null, from: null, to: null }).map((p) => p.notes), f.tag);
    },
  },
  'post /api/v1/prompts/{name}/versions/{number}/unarchive': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/api/v1/prompts/${f.name}/versions/1/unarchive` }),
    check: (f) => expect(store().versions.get(f.id, 1)!.status).toBe('draft'),
  },
  'put /api/v1/prompts/{name}/deployment': {
    scope: 'write',
    request: (f) => ({ method: 'PUT', path: `/api/v1/prompts/${f.name}/deployment`, body: { pinnedVersion: 3 } }),
    check: (f, res) => {
      expect(row(f.name)!.pinned_version).toBe(3);
      expect(res.json()).toMatchObject({ pinnedVersion: 3, servedVersion: 3 });
    },
  },
  'put /api/v1/prompts/{name}/sharing': {
    scope: 'write',
    request: (f) => ({ method: 'PUT', path: `/api/v1/prompts/${f.name}/sharing`, body: { level: 'library_view' } }),
    check: (f) => expect(row(f.name)!.sharing_level).toBe('library_view'),
  },
  'post /api/v1/prompts/{name}/shares': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/api/v1/prompts/${f.name}/shares`, body: { email: `${f.tag}@example.com`, permission: 'edit' } }),
    check: (f) => once(store().shares.list(f.id).map((s) => s.user.id), f.memberId),
  },
  'delete /api/v1/prompts/{name}/shares/{userId}': {
    scope: 'write',
    request: (f) => ({ method: 'DELETE', path: `/api/v1/prompts/${f.name}/shares/${mate.id}` }),
    check: (f) => expect(store().shares.list(f.id)).toEqual([]),
  },
  'post /api/v1/members': {
    scope: 'admin',
    request: (f) => ({ method: 'POST', path: '/api/v1/members', body: { email: `added-${f.tag}@example.com`, name: 'Added' } }),
    check: (f) => expect(store().users.getByEmail(`added-${f.tag}@example.com`)).toBeDefined(),
  },
  'patch /api/v1/members/{id}': {
    scope: 'admin',
    request: (f) => ({ method: 'PATCH', path: `/api/v1/members/${f.memberId}`, body: { isActive: false } }),
    check: (f) => expect(store().users.get(f.memberId)!.isActive).toBe(false),
  },
  'post /api/v1/keys': {
    scope: 'admin',
    request: (f) => ({ method: 'POST', path: '/api/v1/keys', body: { label: `made-${f.tag}` } }),
    check: (f) => expect(store().keys.listAll().filter((k) => k.label === `made-${f.tag}`)).toHaveLength(1),
  },
  'delete /api/v1/keys/{id}': {
    scope: 'admin',
    request: (f) => ({ method: 'DELETE', path: `/api/v1/keys/${f.keyId}` }),
    check: (f) => expect(store().keys.listAll().find((k) => k.id === f.keyId)!.revokedAt).not.toBeNull(),
  },
  'put /compat/conductor/api/prompts/{name}': {
    scope: 'write',
    request: (f) => ({ method: 'PUT', path: `/compat/conductor/api/prompts/${f.name}?description=d`, text: `conducted ${f.tag}` }),
    check: (f) => once(texts(f), `conducted ${f.tag}`),
  },
  'post /compat/conductor/api/prompts/{name}': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/compat/conductor/api/prompts/${f.name}?description=d&autoIncrement=true`, text: `auto ${f.tag}` }),
    check: (f) => {
      once(texts(f), `auto ${f.tag}`);
      expect(versions(f)).toHaveLength(5);
    },
  },
  'delete /compat/conductor/api/prompts/{name}': {
    scope: 'write',
    request: (f) => ({ method: 'DELETE', path: `/compat/conductor/api/prompts/${f.name}` }),
    check: (f) => expect(row(f.name)).toBeUndefined(),
  },
  'put /compat/conductor/api/prompts/{name}/tags': {
    scope: 'write',
    request: (f) => ({ method: 'PUT', path: `/compat/conductor/api/prompts/${f.name}/tags`, body: [{ key: 'team', value: f.tag }] }),
    check: (f) => once(JSON.parse(row(f.name)!.tags) as string[], `team:${f.tag}`),
  },
  'delete /compat/conductor/api/prompts/{name}/tags': {
    scope: 'write',
    request: (f) => {
      updatePrompt(app, { name: f.name, tags: ['team:gone', 'keep'] });
      return { method: 'DELETE', path: `/compat/conductor/api/prompts/${f.name}/tags`, body: [{ key: 'team', value: 'gone' }] };
    },
    check: (f) => expect(JSON.parse(row(f.name)!.tags)).toEqual(['keep']),
  },
  ...Object.fromEntries(OPENWEBUI_BASES.flatMap((p) => Object.entries(openWebUiCases(p)))),
  'post /compat/respan/api/prompts/': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: '/compat/respan/api/prompts/', body: { name: `Respan ${f.tag}` } }),
    check: (f) => expect(row(`respan-${f.tag}`)).toMatchObject({ title: `Respan ${f.tag}` }),
  },
  'patch /compat/respan/api/prompts/{id}/': {
    scope: 'write',
    request: (f) => ({ method: 'PATCH', path: `/compat/respan/api/prompts/${f.id}/`, body: { name: `Renamed ${f.tag}` } }),
    check: (f) => expect(row(f.name)!.title).toBe(`Renamed ${f.tag}`),
  },
  'delete /compat/respan/api/prompts/{id}/': {
    scope: 'write',
    request: (f) => ({ method: 'DELETE', path: `/compat/respan/api/prompts/${f.id}/` }),
    check: (f) => expect(row(f.name)).toBeUndefined(),
  },
  'post /compat/respan/api/prompts/{id}/versions/': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/compat/respan/api/prompts/${f.id}/versions/`, body: { messages: [{ role: 'user', content: `respan ${f.tag}` }] } }),
    check: (f) => once(texts(f), `respan ${f.tag}`),
  },
  'patch /compat/respan/api/prompts/{id}/versions/{version}/': {
    scope: 'write',
    request: (f) => ({ method: 'PATCH', path: `/compat/respan/api/prompts/${f.id}/versions/3/`, body: { messages: [{ role: 'user', content: `patched ${f.tag}` }] } }),
    check: (f) => {
      expect(texts(f)).toHaveLength(4);
      once(texts(f), `patched ${f.tag}`);
    },
  },
  'delete /compat/respan/api/prompts/{id}/versions/{version}/': {
    scope: 'write',
    request: (f) => ({ method: 'DELETE', path: `/compat/respan/api/prompts/${f.id}/versions/3/` }),
    check: (f) => expect(versions(f).map((v) => v.number)).toEqual([4, 2, 1]),
  },
  'post /compat/respan/api/prompts/{id}/versions/{version}/commit/': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/compat/respan/api/prompts/${f.id}/versions/3/commit/` }),
    check: (f) => expect(store().versions.get(f.id, 3)!.committed).toBe(true),
  },
  'post /compat/respan/api/prompts/{id}/deployments/': {
    scope: 'write',
    request: (f) => ({ method: 'POST', path: `/compat/respan/api/prompts/${f.id}/deployments/`, body: { version: 4 } }),
    check: (f) => expect(store().versions.publishedNumber(f.id)).toBe(4),
  },
  'post /compat/respan/api/prompts/{id}/commits/': {
    scope: 'write',
    // The fixture's newest (v4) is committed: a fifth, uncommitted version is the draft to commit.
    request: (f) => {
      saveVersion(app, SaveVersionInput.parse({ name: f.name, template: { kind: 'text', text: 'five {{x}}' } }));
      return { method: 'POST', path: `/compat/respan/api/prompts/${f.id}/commits/`, body: { description: `c ${f.tag}` } };
    },
    check: (f) => expect(store().versions.get(f.id, 5)).toMatchObject({ committed: true, commitMessage: `c ${f.tag}` }),
  },
};

/** The version id of version `number` of the fixture's prompt. */
const versionId = (f: Fixture, number: number) => store().versions.get(f.id, number)!.id;
/** Gives the fixture's prompt its tag as slash command, for the routes that address it by command. */
const withCommand = (f: Fixture) => {
  updatePrompt(app, { name: f.name, slashCommand: f.tag });
  return f.tag;
};

/** Open WebUI's writes under one mount (`p`), as its frontend sends them. */
function openWebUiCases(p: string): Record<string, Case> {
  return {
    [`post ${p}/create`]: {
      scope: 'write',
      request: (f) => ({ method: 'POST', path: `${p}/create`, body: { command: `c-${f.tag}`, name: 'Created', content: `created ${f.tag}` } }),
      check: (f) => {
        const created = store().prompts.getRowBySlashCommand(`c-${f.tag}`)!;
        expect(templateText(store().versions.get(created.id, 1)!.template)).toBe(`created ${f.tag}`);
      },
    },
    [`post ${p}/command/{command}/update`]: {
      scope: 'write',
      request: (f) => ({ method: 'POST', path: `${p}/command/${withCommand(f)}/update`, body: { command: f.tag, name: 'OW', content: `owc ${f.tag}` } }),
      check: (f) => {
        once(texts(f), `owc ${f.tag}`);
        expect(store().versions.publishedNumber(f.id)).toBe(5);
      },
    },
    [`delete ${p}/command/{command}/delete`]: {
      scope: 'write',
      request: (f) => ({ method: 'DELETE', path: `${p}/command/${withCommand(f)}/delete` }),
      check: (f) => expect(row(f.name)).toBeUndefined(),
    },
    [`post ${p}/id/{id}/update`]: {
      scope: 'write',
      request: (f) => ({ method: 'POST', path: `${p}/id/${f.id}/update`, body: { command: f.tag, name: 'OW', content: `ow ${f.tag}` } }),
      check: (f) => {
        once(texts(f), `ow ${f.tag}`);
        expect(store().versions.publishedNumber(f.id)).toBe(5);
      },
    },
    [`post ${p}/id/{id}/update/meta`]: {
      scope: 'write',
      request: (f) => ({ method: 'POST', path: `${p}/id/${f.id}/update/meta`, body: { name: `Meta ${f.tag}`, command: f.tag, tags: ['meta'] } }),
      check: (f) => {
        expect(row(f.name)).toMatchObject({ title: `Meta ${f.tag}`, slash_command: f.tag });
        expect(texts(f)).toHaveLength(4);
      },
    },
    [`post ${p}/id/{id}/update/version`]: {
      scope: 'write',
      request: (f) => ({ method: 'POST', path: `${p}/id/${f.id}/update/version`, body: { version_id: versionId(f, 1) } }),
      check: (f) => expect(store().versions.publishedNumber(f.id)).toBe(1),
    },
    [`post ${p}/id/{id}/access/update`]: {
      scope: 'write',
      request: (f) => ({ method: 'POST', path: `${p}/id/${f.id}/access/update`, body: { access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }] } }),
      check: (f) => expect(row(f.name)!.sharing_level).toBe('library_view'),
    },
    [`delete ${p}/id/{id}/delete`]: {
      scope: 'write',
      request: (f) => ({ method: 'DELETE', path: `${p}/id/${f.id}/delete` }),
      check: (f) => expect(row(f.name)).toBeUndefined(),
    },
    [`delete ${p}/id/{id}/history/{history_id}`]: {
      scope: 'write',
      request: (f) => ({ method: 'DELETE', path: `${p}/id/${f.id}/history/${versionId(f, 3)}` }),
      check: (f) => expect(versions(f).map((v) => v.number)).toEqual([4, 2, 1]),
    },
  };
}

/** Every scope set that contains `needed`. */
function scopeSetsWith(needed: KeyScope): KeyScope[][] {
  const others = KEY_SCOPES.filter((s) => s !== needed);
  return Array.from({ length: 1 << others.length }, (_, mask) => [needed, ...others.filter((_, i) => mask & (1 << i))]);
}

const keys = new Map<string, string>();
const keyFor = (scopes: KeyScope[]) => keys.get([...scopes].sort().join(','))!;

beforeAll(async () => {
  t = await startTestHost();
  app = t.owner;
  mate = addUser(app, AddUserInput.parse({ email: 'mate@example.com', name: 'Mate' }));
  for (const needed of ['write', 'admin'] as const) {
    for (const scopes of scopeSetsWith(needed)) {
      const id = [...scopes].sort().join(',');
      if (!keys.has(id)) keys.set(id, createKey(app, { userEmail: app.actor.email, label: `scopes ${id}`, scopes }).key);
    }
  }
});
afterAll(() => t.stop());

describe('a committed write answers success, for every key scope set that allows it (item 3)', () => {
  it('covers every write operation in the OpenAPI document', () => {
    const writes = [...NATIVE_ROUTES, ...COMPAT_ROUTES]
      .filter((op) => op.method !== 'get' && !NOT_WRITES.has(`${op.method} ${op.path}`))
      .map((op) => `${op.method} ${op.path}`);
    expect(writes.filter((w) => !(w in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((c) => !writes.includes(c))).toEqual([]);
  });

  const matrix = Object.entries(CASES).flatMap(([op, c]) => scopeSetsWith(c.scope).map((scopes) => [op, scopes.join('+'), scopes, c] as const));

  it.each(matrix)('%s with a key scoped %s', async (op, _label, scopes, c) => {
    const f = fixture();
    const { method, path, body, text } = c.request(f);
    const keyRequiredBefore = row(f.name)!.api_key_required;
    const headers: Record<string, string> = { authorization: `Bearer ${keyFor(scopes)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (text !== undefined) headers['content-type'] = 'text/plain';
    const res = await http(t.port, method, path, { headers, body: body === undefined ? text : JSON.stringify(body) });
    expect(res.status, `${op}: ${res.text}`).toBeGreaterThanOrEqual(200);
    expect(res.status, `${op}: ${res.text}`).toBeLessThan(300);
    c.check(f, res);
    if (op === 'put /api/v1/prompts/{name}/api') expect(row(f.name)!.api_key_required).toBe(keyRequiredBefore === 1 ? 0 : 1);
    // No write answer carries text the key may not read and did not send: a prompt comes without
    // its newest text, a version (edit, commit, unarchive, deploy) without its template.
    if (!scopes.includes('read')) expect(res.text).not.toMatch(FIXTURE_TEXT);
  });
});

/** The fixture's own version texts: what a key without read never wrote and may not see. */
const FIXTURE_TEXT = /(one|two|three|four) \{\{x\}\}/;

describe('a write on a version that sends no text answers without the text a key may not read (item 3 + scopes)', () => {
  /** Writes on one version that carry no template: their answer is that version. */
  const TEXTLESS: [string, (f: Fixture) => { method: string; path: string; body?: unknown }, (f: Fixture) => void][] = [
    ['PATCH /versions/3 with only commitMessage', (f) => ({ method: 'PATCH', path: `/api/v1/prompts/${f.name}/versions/3`, body: { commitMessage: `m ${f.tag}` } }),
      (f) => expect(store().versions.get(f.id, 3)!.commitMessage).toBe(`m ${f.tag}`)],
    ['POST /versions/3/commit', (f) => ({ method: 'POST', path: `/api/v1/prompts/${f.name}/versions/3/commit` }), (f) => expect(store().versions.get(f.id, 3)!.committed).toBe(true)],
    ['POST /versions/1/unarchive', (f) => ({ method: 'POST', path: `/api/v1/prompts/${f.name}/versions/1/unarchive` }), (f) => expect(store().versions.get(f.id, 1)!.status).toBe('draft')],
    ['POST /versions/3/promote', (f) => ({ method: 'POST', path: `/api/v1/prompts/${f.name}/versions/3/promote`, body: {} }), (f) => expect(store().versions.publishedNumber(f.id)).toBe(3)],
    ['Respan PATCH /versions/3/ with only description', (f) => ({ method: 'PATCH', path: `/compat/respan/api/prompts/${f.id}/versions/3/`, body: { description: `d ${f.tag}` } }),
      (f) => expect(store().versions.get(f.id, 3)!.commitMessage).toBe(`d ${f.tag}`)],
    ['Respan PATCH /versions/3/ with only model', (f) => ({ method: 'PATCH', path: `/compat/respan/api/prompts/${f.id}/versions/3/`, body: { model: 'gpt-4o' } }),
      (f) => expect(store().versions.get(f.id, 3)!.modelSettings.models).toEqual(['respan:gpt-4o'])],
    ['Respan POST /versions/3/commit/', (f) => ({ method: 'POST', path: `/compat/respan/api/prompts/${f.id}/versions/3/commit/` }), (f) => expect(store().versions.get(f.id, 3)!.committed).toBe(true)],
    ['Respan POST /deployments/ {version: 4}', (f) => ({ method: 'POST', path: `/compat/respan/api/prompts/${f.id}/deployments/`, body: { version: 4 } }),
      (f) => expect(store().versions.publishedNumber(f.id)).toBe(4)],
  ];
  const withoutRead = scopeSetsWith('write').filter((s) => !s.includes('read'));

  it.each(TEXTLESS.flatMap(([op, request, check]) => withoutRead.map((scopes) => [op, scopes.join('+'), scopes, request, check] as const)))(
    '%s with a key scoped %s: 2xx, written once, no template text',
    async (op, _label, scopes, request, check) => {
      const f = fixture();
      const { method, path, body } = request(f);
      const headers: Record<string, string> = { authorization: `Bearer ${keyFor(scopes)}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await http(t.port, method, path, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(res.status, `${op}: ${res.text}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${op}: ${res.text}`).toBeLessThan(300);
      check(f);
      expect(res.text).not.toMatch(FIXTURE_TEXT);
      if (path.startsWith('/api/v1') && !path.endsWith('/promote')) expect(res.json()).toMatchObject({ template: null });
      // Respan: no `messages` member (the SDK's PromptVersion defaults it to [] and refuses null).
      if (path.startsWith('/compat/respan')) {
        expect(res.json()).not.toHaveProperty('messages');
        expect(MODELS.PromptVersionRetrieveResponse.safeParse(res.json()).success, res.text).toBe(true);
      }
    },
  );

  it.each(TEXTLESS.filter(([op]) => !op.includes('promote')))('%s with a key that may read: the answer carries the text', async (op, request) => {
    const f = fixture();
    const { method, path, body } = request(f);
    const headers: Record<string, string> = { authorization: `Bearer ${keyFor(['read', 'write'])}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await http(t.port, method, path, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status, `${op}: ${res.text}`).toBe(200);
    expect(res.text).toMatch(FIXTURE_TEXT);
  });

  it('an edit that sends new text answers that text, even to a key without read (it is the caller\'s own)', async () => {
    const f = fixture();
    const res = await http(t.port, 'PATCH', `/compat/respan/api/prompts/${f.id}/versions/3/`, {
      headers: { authorization: `Bearer ${keyFor(['write'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: `mine ${f.tag}` }] }),
    });
    expect(res.json()).toMatchObject({ version: 3, messages: [{ role: 'user', content: `mine ${f.tag}` }] });
  });
});

describe('what the answer to a write may show is decided before writing', () => {
  const patch = async (scopes: KeyScope[], f: Fixture) =>
    http(t.port, 'PATCH', `/api/v1/prompts/${f.name}`, {
      headers: { authorization: `Bearer ${keyFor(scopes)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'changed' }),
    });

  it('a key without read gets the prompt without its newest text; a key with read gets it', async () => {
    const f = fixture();
    const writeOnly = await patch(['write'], f);
    expect(writeOnly.status).toBe(200);
    expect(writeOnly.json()).toMatchObject({ name: f.name, description: 'changed', latestVersion: 4, latest: null });
    const readWrite = await patch(['read', 'write'], f);
    expect(readWrite.json().latest).toMatchObject({ number: 4, template: { text: 'four {{x}}' } });
  });

  it('the Open WebUI answer leaves content empty for a key without read', async () => {
    const f = fixture();
    const update = (scopes: KeyScope[], isProduction: boolean) =>
      http(t.port, 'POST', `/compat/openwebui/api/prompts/id/${f.id}/update`, {
        headers: { authorization: `Bearer ${keyFor(scopes)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ command: f.tag, name: 'OW', content: `draft ${f.tag}`, is_production: isProduction }),
      });
    const writeOnly = await update(['write'], false);
    expect(writeOnly.status).toBe(200);
    expect(writeOnly.json()).toMatchObject({ name: 'OW', content: '' });
    // The draft was saved once, and production still serves v2.
    once(texts(f), `draft ${f.tag}`);
    expect(store().versions.publishedNumber(f.id)).toBe(2);
    // Open WebUI's content is the form's (the draft); production (version_id) still v2.
    expect((await update(['read', 'write'], false)).json()).toMatchObject({ content: `draft ${f.tag}` });
  });
});
