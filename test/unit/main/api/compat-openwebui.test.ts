import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { member, seedPrompt } from '../../../helpers/workspace';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { getPrompt } from '../../../../src/main/core/prompts/prompts-service';
import { getSharing } from '../../../../src/main/core/sharing/sharing-service';
import { getVersion, listVersions } from '../../../../src/main/core/versions/versions-service';
import { FRONTEND_SOURCE, frontend, frontendHeaders, type FrontendCall } from '../../../fixtures/openwebui-frontend';
import type { Ctx } from '../../../../src/main/core/context';

/**
 * Open WebUI's frontend against the Open WebUI door: every call of src/lib/apis/prompts/index.ts
 * with the body it builds (test/fixtures/openwebui-frontend.ts names the source), over real HTTP,
 * asserting what the frontend reads back. Run against both mounts: the real one
 * (`/api/v1/prompts`, WEBUI_API_BASE_URL = `<host>/api/v1`) and the seed page's (`/api/prompts`).
 */
let t: TestHost;
let bob: Ctx;
let bobKey: string;
beforeAll(async () => {
  t = await startTestHost();
  bob = member(t.owner, 'bob@example.com', 'Bob');
  bobKey = createKey(t.owner, { userEmail: bob.actor.email, label: 'bob' }).key;
});
afterAll(() => t.stop());

const MOUNTS = [
  ['real mount', '/compat/openwebui/api/v1'],
  ['seed mount', '/compat/openwebui/api'],
] as const;

/** Sends a frontend call as the frontend does (its headers, JSON body) to `base` + its path. */
function send(base: string, call: FrontendCall, token = t.key): Promise<RawResponse> {
  return http(t.port, call.method, `${base}${call.path}`, {
    headers: frontendHeaders(token, call.fn),
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
}

/** The frontend's own reading: the JSON on success, else it throws `detail`. */
async function read(base: string, call: FrontendCall, token = t.key) {
  const res = await send(base, call, token);
  expect(res.status, `${call.fn}: ${res.text}`).toBe(200);
  return res.json();
}

/** What the frontend gets as its error: `detail`, a string, with the status. */
async function refused(base: string, call: FrontendCall, status: number, token = t.key): Promise<string> {
  const res = await send(base, call, token);
  expect(res.status, `${call.fn}: ${res.text}`).toBe(status);
  const body = res.json();
  expect(typeof body.detail).toBe('string');
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:promptdesk:problem:/) });
  return body.detail;
}

const PROMPT_FIELDS = ['id', 'command', 'user_id', 'name', 'content', 'data', 'meta', 'tags', 'is_active', 'version_id', 'created_at', 'updated_at', 'access_grants'];

describe.each(MOUNTS)('Open WebUI frontend calls (%s)', (_label, base) => {
  const cmd = base.includes('/v1') ? 'ow-real' : 'ow-seed';
  let id = '';
  let firstVersion = '';

  it('createNewPrompt: the prompt, its content as the production history entry', async () => {
    expect(FRONTEND_SOURCE.path).toBe('src/lib/apis/prompts/index.ts');
    const created = await read(base, frontend.createNewPrompt({ command: `/${cmd}`, name: 'Summarizer', content: 'Summarize {{input}}', access_grants: [] }));
    expect(Object.keys(created).sort()).toEqual([...PROMPT_FIELDS].sort());
    expect(created).toMatchObject({ command: cmd, name: 'Summarizer', content: 'Summarize {{input}}', tags: [], is_active: true, access_grants: [], user_id: t.owner.actor.id, data: {}, meta: {} });
    id = created.id;
    firstVersion = created.version_id;
    // The editor's PromptItem has no tags: they are set through the metadata call.
    expect(await read(base, frontend.updatePromptMetadata(id, 'Summarizer', cmd, ['writing']))).toMatchObject({ tags: ['writing'] });
    const version = getVersion(t.owner, getPrompt(t.owner, cmd).name, 1);
    expect(version).toMatchObject({ id: firstVersion, status: 'published', commitMessage: 'Initial version' });
  });

  it('createNewPrompt with a command in use: 400 COMMAND_TAKEN, nothing created', async () => {
    const detail = await refused(base, frontend.createNewPrompt({ command: cmd, name: 'Again', content: 'x' }), 400);
    expect(detail).toBe('Uh-oh! This command is already registered. Please choose another command string.');
  });

  it('getPrompts, getPromptTags, getPromptList, getPromptItems', async () => {
    const all = await read(base, frontend.getPrompts());
    expect(all.find((p: { id: string }) => p.id === id)).toMatchObject({ command: cmd, content: 'Summarize {{input}}' });
    expect(await read(base, frontend.getPromptTags())).toContain('writing');
    const list = await read(base, frontend.getPromptList());
    expect(list.total).toBe(list.items.length);
    expect(list.items.find((p: { id: string }) => p.id === id)).toMatchObject({ write_access: true, user: { id: t.owner.actor.id, role: 'admin' } });
    const items = await read(base, frontend.getPromptItems('summarize', 'created', 'writing', 'name', 'asc', 1));
    expect(items.items.map((p: { id: string }) => p.id)).toContain(id);
    const shared = await read(base, frontend.getPromptItems(null, 'shared', null, null, null, 1));
    expect(shared.items.map((p: { id: string }) => p.id)).not.toContain(id);
  });

  it('getPromptById and getPromptByCommand: PromptAccessResponse', async () => {
    const byId = await read(base, frontend.getPromptById(id));
    expect(byId).toMatchObject({ id, command: cmd, write_access: true, user: { email: t.owner.actor.email } });
    expect(await read(base, frontend.getPromptByCommand(cmd))).toMatchObject({ id, content: 'Summarize {{input}}' });
  });

  it('updatePromptById with the full PromptItem: a new history entry, production moves; is_production false keeps it', async () => {
    const current = await read(base, frontend.getPromptById(id));
    const updated = await read(base, frontend.updatePromptById({ ...current, content: 'Summarize briefly: {{input}}', commit_message: 'Shorter', is_production: true }));
    expect(updated).toMatchObject({ content: 'Summarize briefly: {{input}}' });
    expect(updated.version_id).not.toBe(firstVersion);
    const draft = await read(base, frontend.updatePromptById({ ...updated, content: 'Draft {{input}}', commit_message: 'Try', is_production: false }));
    // As update_prompt_by_id: the prompt's content is the form's; only version_id stays on production.
    expect(draft).toMatchObject({ content: 'Draft {{input}}', version_id: updated.version_id });
    expect(await read(base, frontend.getPromptById(id))).toMatchObject({ content: 'Draft {{input}}', version_id: updated.version_id });
    expect(listVersions(t.owner, getPrompt(t.owner, cmd).name).map((v) => v.status)).toEqual(['draft', 'published', 'archived']);
  });

  it('getPromptHistory, getPromptHistoryEntry, getPromptDiff', async () => {
    const history = await read(base, frontend.getPromptHistory(id, 0));
    expect(history).toHaveLength(3);
    expect(history.map((h: { commit_message: string }) => h.commit_message)).toEqual(['Try', 'Shorter', 'Initial version']);
    expect(history[0]).toMatchObject({ prompt_id: id, parent_id: history[1].id, user_id: t.owner.actor.id, user: { id: t.owner.actor.id }, snapshot: { content: 'Draft {{input}}', name: 'Summarizer', command: cmd } });
    expect(history[2].parent_id).toBeNull();
    const entry = await read(base, frontend.getPromptHistoryEntry(id, firstVersion));
    expect(entry).toMatchObject({ id: firstVersion, snapshot: { content: 'Summarize {{input}}' } });
    expect(entry).not.toHaveProperty('user');
    const diff = await read(base, frontend.getPromptDiff(id, firstVersion, history[1].id));
    expect(diff).toMatchObject({ from_id: firstVersion, to_id: history[1].id, name_changed: false, access_grants_changed: false });
    expect(diff.content_diff).toEqual([`--- v${firstVersion.slice(0, 8)}`, `+++ v${history[1].id.slice(0, 8)}`, '@@ -1 +1 @@', '-Summarize {{input}}', '+Summarize briefly: {{input}}']);
    expect(await read(base, frontend.getPromptHistory(id, 1))).toEqual([]);
  });

  it('setProductionPromptVersion: an archived entry becomes production again', async () => {
    const restored = await read(base, frontend.setProductionPromptVersion(id, firstVersion));
    expect(restored).toMatchObject({ version_id: firstVersion, content: 'Summarize {{input}}' });
    expect(getVersion(t.owner, getPrompt(t.owner, cmd).name, 1).status).toBe('published');
    await refused(base, frontend.setProductionPromptVersion(id, 'not-an-entry'), 400);
  });

  it('deletePromptHistoryVersion: not the production entry (400), another one (true)', async () => {
    expect(await refused(base, frontend.deletePromptHistoryVersion(id, firstVersion), 400)).toBe('Cannot delete the active production version');
    const history = await read(base, frontend.getPromptHistory(id));
    expect(await read(base, frontend.deletePromptHistoryVersion(id, history[0].id))).toBe(true);
    expect(await read(base, frontend.getPromptHistory(id))).toHaveLength(2);
    expect(await refused(base, frontend.getPromptHistoryEntry(id, history[0].id), 404)).toBe("We could not find what you're looking for :/");
  });

  it('updatePromptMetadata: name, command, tags; no history entry', async () => {
    const meta = await read(base, frontend.updatePromptMetadata(id, 'Summarizer Pro', `${cmd}-pro`, ['writing', 'pro']));
    expect(meta).toMatchObject({ name: 'Summarizer Pro', command: `${cmd}-pro`, tags: ['writing', 'pro'] });
    expect(await read(base, frontend.getPromptHistory(id))).toHaveLength(2);
    await read(base, frontend.updatePromptMetadata(id, 'Summarizer', cmd, ['writing']));
  });

  it("updatePromptById and updatePromptMetadata with another prompt's command: 400 in each route's wording, naming command; nothing changes", async () => {
    const other = await read(base, frontend.createNewPrompt({ command: `${cmd}-taken`, name: 'Other', content: 'Other {{x}}' }));
    const current = await read(base, frontend.getPromptById(id));
    const versions = listVersions(t.owner, getPrompt(t.owner, cmd).name).length;
    const update = await send(base, frontend.updatePromptById({ ...current, name: 'Renamed', command: other.command, content: 'Changed {{input}}' }));
    expect(update.status).toBe(400);
    expect(update.json()).toMatchObject({ field: 'command', detail: `Command '/${other.command}' is already in use by another prompt` });
    const meta = await send(base, frontend.updatePromptMetadata(id, 'Renamed', other.command, ['x']));
    expect(meta.status).toBe(400);
    expect(meta.json()).toMatchObject({ field: 'command', detail: `Command '/${other.command}' is already in use` });
    expect(await read(base, frontend.getPromptById(id))).toMatchObject({ name: current.name, command: cmd, content: current.content, tags: current.tags });
    expect(listVersions(t.owner, getPrompt(t.owner, cmd).name)).toHaveLength(versions);
    await read(base, frontend.deletePromptById(other.id));
  });

  it('updatePromptAccessGrants: the public grant and a member grant become sharing, and read back as full grants', async () => {
    const after = await read(
      base,
      frontend.updatePromptAccessGrants(id, [
        { principal_type: 'user', principal_id: '*', permission: 'read' },
        { principal_type: 'user', principal_id: bob.actor.id, permission: 'read' },
        { principal_type: 'user', principal_id: bob.actor.id, permission: 'write' },
      ]),
    );
    const sharing = getSharing(t.owner, getPrompt(t.owner, cmd).name);
    expect(sharing.level).toBe('library_view');
    expect(sharing.shares.map((s) => [s.user.id, s.permission])).toEqual([[bob.actor.id, 'edit']]);
    expect(after.access_grants).toHaveLength(3);
    for (const grant of after.access_grants) {
      expect(grant).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), resource_type: 'prompt', resource_id: id, principal_type: 'user', created_at: expect.any(Number) });
    }
    expect(after.access_grants.map((g: { principal_id: string; permission: string }) => `${g.principal_id}:${g.permission}`).sort()).toEqual(
      [`*:read`, `${bob.actor.id}:read`, `${bob.actor.id}:write`].sort(),
    );
    // Bob now reads it (the public grant) and may write it (his grant).
    expect(await read(base, frontend.getPromptById(id), bobKey)).toMatchObject({ write_access: true });
  });

  it('togglePromptById: refused with a reason (Promptdesk has no active switch)', async () => {
    expect(await refused(base, frontend.togglePromptById(id), 400)).toMatch(/cannot be deactivated/);
  });

  it('updatePromptByCommand (older frontend: title, access_control) and deletePromptByCommand', async () => {
    const updated = await read(base, frontend.updatePromptByCommand({ command: cmd, title: 'Old style', content: 'Old {{input}}', access_control: {} }));
    expect(updated).toMatchObject({ name: 'Old style', content: 'Old {{input}}', access_grants: [] });
    expect(getSharing(t.owner, getPrompt(t.owner, cmd).name).level).toBe('private');
    expect(await read(base, frontend.deletePromptByCommand(`/${cmd}`))).toBe(true);
    expect(await refused(base, frontend.getPromptById(id), 404)).toBe("We could not find what you're looking for :/");
  });

  it('deletePromptById: true, then the prompt is gone', async () => {
    const other = await read(base, frontend.createNewPrompt({ command: `${cmd}-del`, name: 'Delete me', content: 'x' }));
    expect(await read(base, frontend.deletePromptById(other.id))).toBe(true);
    expect(await refused(base, frontend.deletePromptById(other.id), 404)).toBe("We could not find what you're looking for :/");
  });
});

describe("Open WebUI's errors", () => {
  const base = '/compat/openwebui/api/v1';
  it('unknown paths: FastAPI 404 {"detail":"Not Found"}; a served path with another method: 405', async () => {
    for (const path of ['/prompts/nope', '/prompts/id/x/y/z', '/models', '/prompts/id/x/history/y/z']) {
      const res = await http(t.port, 'GET', `${base}${path}`, { headers: frontendHeaders(t.key) });
      expect(res.status, path).toBe(404);
      expect(res.json().detail, path).toBe('Not Found');
    }
    for (const path of ['/compat/openwebui', '/compat/openwebui/', '/compat/openwebui/api/v2/prompts/']) {
      const res = await http(t.port, 'GET', path, { headers: frontendHeaders(t.key) });
      expect([path, res.status, res.json().detail]).toEqual([path, 404, 'Not Found']);
    }
    const wrong = await http(t.port, 'PUT', `${base}/prompts/create`, { headers: frontendHeaders(t.key) });
    expect(wrong.status).toBe(405);
    expect(wrong.json().detail).toBe('Method Not Allowed');
  });

  it('no key: 401 "Not authenticated"; a wrong key: 401 INVALID_TOKEN', async () => {
    const none = await http(t.port, 'GET', `${base}/prompts/`, {});
    expect([none.status, none.json().detail]).toEqual([401, 'Not authenticated']);
    const wrong = await http(t.port, 'GET', `${base}/prompts/`, { headers: frontendHeaders('sk-not-a-key') });
    expect([wrong.status, wrong.json().detail]).toEqual([401, 'Your session has expired or the token is invalid. Please sign in again.']);
  });

  it('a hidden prompt answers exactly as one that never existed, naming nothing', async () => {
    seedPrompt(t.owner, 'owner-secret', 'Secret {{x}}', { api: true, slashCommand: 'owner-secret' });
    const secretId = t.owner.store.prompts.getRowByName('owner-secret')!.id;
    const calls = (pid: string, command: string) => [
      frontend.getPromptById(pid),
      frontend.getPromptByCommand(command),
      frontend.getPromptHistory(pid),
      frontend.updatePromptById({ id: pid, command: 'hijack', name: 'x', content: 'x' }),
      frontend.updatePromptAccessGrants(pid, []),
      frontend.deletePromptById(pid),
      frontend.setProductionPromptVersion(pid, 'x'),
    ];
    const hidden = calls(secretId, 'owner-secret');
    const missing = calls('00000000-0000-4000-8000-000000000000', 'never-was');
    for (const [i, call] of hidden.entries()) {
      const a = await send(base, call, bobKey);
      const b = await send(base, missing[i]!, bobKey);
      expect([call.fn, a.status, a.text]).toEqual([call.fn, 404, b.text]);
      expect(a.text).not.toContain('owner-secret');
      expect(a.text).not.toContain(secretId);
    }
    expect(getPrompt(t.owner, 'owner-secret').title).toBe('owner-secret');
  });

  it('a read grant reads but cannot write; a write grant writes but cannot change grants (owner or admin)', async () => {
    const made = await read(base, frontend.createNewPrompt({ command: 'granted', name: 'Granted', content: 'Granted {{x}}' }));
    const prohibited = 'You do not have permission to access this resource. Please contact your administrator for assistance.';
    await read(base, frontend.updatePromptAccessGrants(made.id, [{ principal_type: 'user', principal_id: bob.actor.id, permission: 'read' }]));
    expect(await read(base, frontend.getPromptById(made.id), bobKey)).toMatchObject({ write_access: false, content: 'Granted {{x}}' });
    const edit = frontend.updatePromptById({ id: made.id, command: 'granted', name: 'Bob was here', content: 'Bob {{x}}' });
    expect(await refused(base, edit, 401, bobKey)).toBe(prohibited);
    expect(await refused(base, frontend.deletePromptById(made.id), 401, bobKey)).toBe(prohibited);
    expect(getPrompt(t.owner, 'granted')).toMatchObject({ title: 'Granted', latestVersion: 1 });
    await read(base, frontend.updatePromptAccessGrants(made.id, [{ principal_type: 'user', principal_id: bob.actor.id, permission: 'write' }]));
    expect(await read(base, edit, bobKey)).toMatchObject({ name: 'Bob was here', content: 'Bob {{x}}' });
    expect(await refused(base, frontend.updatePromptAccessGrants(made.id, []), 401, bobKey)).toBe(prohibited);
    expect(getSharing(t.owner, 'granted').shares.map((s) => s.permission)).toEqual(['edit']);
  });

  it('a command Promptdesk cannot hold names `command`; nothing is created', async () => {
    const res = await send(base, frontend.createNewPrompt({ command: 'Bad Command', name: 'Bad', content: 'x' }));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ field: 'command', detail: expect.stringMatching(/^command: /) });
    expect(t.owner.store.prompts.getRowByName('bad-command')).toBeUndefined();
  });

  it('a refused template names the frontend\'s field (content), with its line and column', async () => {
    const res = await send(base, frontend.createNewPrompt({ command: 'bad-template', name: 'Bad', content: 'Hi {{a b}}' }));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ field: 'content', detail: expect.stringContaining('line 1, column 4') });
    expect(t.owner.store.prompts.getRowBySlashCommand('bad-template')).toBeUndefined();
  });
});
