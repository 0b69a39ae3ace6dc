import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { member, seedPrompt } from '../../../helpers/workspace';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { getPrompt } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion, listVersions, getVersion } from '../../../../src/main/core/versions/versions-service';
import { pinDeployment, promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { PromoteInput } from '../../../../src/shared/schemas/versions';
import type { Ctx } from '../../../../src/main/core/context';

/**
 * The tester's report on the Open WebUI door (issue 11, /tmp/reports/openwebui-attack.md), one
 * test per fault class, over real HTTP on both mounts where the path matters.
 */
let t: TestHost;
let bob: Ctx;
let bobKey: string;
beforeAll(async () => {
  t = await startTestHost();
  bob = member(t.owner, 'bob@example.com', 'Bob Builder');
  bobKey = createKey(t.owner, { userEmail: bob.actor.email, label: 'bob' }).key;
});
afterAll(() => t.stop());

const V1 = '/compat/openwebui/api/v1/prompts';
const MOUNTS = [V1, '/compat/openwebui/api/prompts'];
const create = async (body: Record<string, unknown>, key = t.key) => {
  const res = await t.call('POST', `${V1}/create`, body, key === t.key ? {} : { authorization: `Bearer ${key}` });
  expect(res.status, res.text).toBe(200);
  return res.json();
};
const update = (id: string, body: Record<string, unknown>) => t.call('POST', `${V1}/id/${id}/update`, body);

describe('Open WebUI door: a chat template is never republished as flat text (item 2)', () => {
  it('the flattened content sent back keeps the messages; a changed content is refused naming content, changing nothing', async () => {
    seedPrompt(t.owner, 'Chat.Thing', 'x', { slashCommand: 'chatthing', api: true });
    saveVersion(t.owner, SaveVersionInput.parse({ name: 'Chat.Thing', template: { kind: 'chat', messages: [{ role: 'system', content: 'You are {{role}}' }, { role: 'user', content: 'Hi {{name}}' }] } }));
    promoteVersion(t.owner, PromoteInput.parse({ name: 'Chat.Thing', number: 2 }));
    const shown = (await t.call('GET', `${V1}/command/chatthing`)).json();
    const renamed = await update(shown.id, { ...shown, name: 'Chat Renamed' });
    expect(renamed.status, renamed.text).toBe(200);
    const latest = getPrompt(t.owner, 'Chat.Thing').latestVersion!;
    expect(getVersion(t.owner, 'Chat.Thing', latest).template).toEqual({ kind: 'chat', messages: [{ role: 'system', content: 'You are {{role}}' }, { role: 'user', content: 'Hi {{name}}' }] });
    expect(renamed.json()).toMatchObject({ name: 'Chat Renamed', content: shown.content });

    const changed = await update(shown.id, { ...shown, name: 'Other', content: `${shown.content} more` });
    expect(changed.status).toBe(400);
    expect(changed.json()).toMatchObject({ field: 'content', detail: expect.stringMatching(/^content: .*chat template/) });
    expect(getPrompt(t.owner, 'Chat.Thing')).toMatchObject({ title: 'Chat Renamed', latestVersion: latest });
  });
});

describe('Open WebUI door: production is what is served (items 3 and 5)', () => {
  it('a pinned deployment shows the pinned version; making another entry production is refused naming version_id', async () => {
    const made = await create({ command: 'race1', name: 'Race', content: 'u 1' });
    for (const n of [2, 3]) expect((await update(made.id, { command: 'race1', name: 'Race', content: `u ${n}` })).status).toBe(200);
    const name = getPrompt(t.owner, 'race1').name;
    pinDeployment(t.owner, name, 2);
    const v2 = getVersion(t.owner, name, 2).id;
    const v3 = getVersion(t.owner, name, 3).id;
    expect((await t.call('GET', `${V1}/id/${made.id}`)).json()).toMatchObject({ version_id: v2, content: 'u 2' });
    const refused = await t.call('POST', `${V1}/id/${made.id}/update/version`, { version_id: v3 });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'version_id', detail: expect.stringContaining('pinned to version 2') });
    expect(getPrompt(t.owner, name).publishedVersion).toBe(3);
    const native = await t.call('GET', `/api/v1/prompts/${name}`);
    expect(native.json().version.number).toBe(2);
    // The pinned entry itself may be made production: it is what is served.
    const same = await t.call('POST', `${V1}/id/${made.id}/update/version`, { version_id: v2 });
    expect([same.status, same.json().version_id]).toEqual([200, v2]);
  });

  it('is_production false: the answer and GET show the form content and the same version_id', async () => {
    const made = await create({ command: 'draftx', name: 'Draft A', content: 'one', tags: ['t1'] });
    const res = await update(made.id, { command: 'draftx', name: 'Draft B', content: 'two', tags: ['t2'], is_production: false });
    expect(res.json()).toMatchObject({ name: 'Draft B', tags: ['t2'], content: 'two', version_id: made.version_id });
    expect((await t.call('GET', `${V1}/id/${made.id}`)).json()).toMatchObject({ name: 'Draft B', content: 'two', version_id: made.version_id });
    // Setting production back to the first entry makes its content the prompt's again.
    const back = await t.call('POST', `${V1}/id/${made.id}/update/version`, { version_id: made.version_id });
    expect(back.json()).toMatchObject({ content: 'one', version_id: made.version_id });
  });
});

describe('Open WebUI door: typed input variables (item 4)', () => {
  it('{{name | type:...}} is accepted and renders natively as the variable', async () => {
    const made = await create({ command: 'sv2', name: 'n', content: 'Write about {{topic | text:placeholder="Enter topic":required}} in a {{tone | select:options=["formal","casual"]}} tone' });
    expect(made.content).toContain('{{topic | text:');
    const rendered = await t.call('POST', `/api/v1/prompts/${getPrompt(t.owner, 'sv2').name}/render`, { variables: { topic: 'owls', tone: 'formal' } });
    expect(rendered.status, rendered.text).toBe(200);
    expect(JSON.stringify(rendered.json())).toContain('Write about owls in a formal tone');
  });
});

describe.each(MOUNTS)('Open WebUI door: Starlette routing (items 6, 7) at %s', (base) => {
  it('a trailing slash is a 307 to the path without it (method kept), with Location', async () => {
    const made = await create({ command: `slash${base.length}`, name: 'S', content: 'x' });
    for (const [method, path] of [
      ['GET', '/tags/'],
      ['GET', '/list/'],
      ['GET', `/id/${made.id}/`],
      ['GET', `/command/slash${base.length}/`],
      ['GET', `/id/${made.id}/history/`],
      ['POST', '/create/'],
    ] as const) {
      const res = await http(t.port, method, `${base}${path}?page=1`, { headers: { authorization: `Bearer ${t.key}` } });
      expect([method, path, res.status]).toEqual([method, path, 307]);
      expect(new URL(res.headers.location!).pathname + new URL(res.headers.location!).search).toBe(`${base}${path.slice(0, -1)}?page=1`);
    }
  });

  it('405 answers carry Allow with the methods the path serves', async () => {
    const wrong = await http(t.port, 'PUT', `${base}/create`, { headers: { authorization: `Bearer ${t.key}` } });
    expect([wrong.status, wrong.headers.allow, wrong.json().detail]).toEqual([405, 'POST', 'Method Not Allowed']);
    // A wrong method is not invalid input (round 2, item 6).
    expect(wrong.json()).toMatchObject({ code: 'method_not_allowed', title: 'Method not allowed' });
    const entry = await http(t.port, 'PUT', `${base}/id/x/history/y`, { headers: { authorization: `Bearer ${t.key}` } });
    expect([entry.status, entry.headers.allow]).toEqual([405, 'DELETE, GET, HEAD']);
  });
});

describe('Open WebUI door: /list filters as the real product (items 8-10)', () => {
  it('tag is case-insensitive; query is a substring of name, command, content, owner name or email; direction any text', async () => {
    const mine = await create({ command: 'listed-owl', name: 'Night Bird', content: 'Hoots at {{time}}', tags: ['demo'] }, bobKey);
    const ids = async (query: string) => {
      const res = await http(t.port, 'GET', `${V1}/list?${query}`, { headers: { authorization: `Bearer ${bobKey}` } });
      expect(res.status, res.text).toBe(200);
      return res.json().items.map((p: { id: string }) => p.id);
    };
    expect(await ids('tag=DEMO')).toEqual([mine.id]);
    for (const q of ['bob@example.com', 'BOB BUILDER', 'isted-o', 'ight bi', 'hoots AT']) expect([q, await ids(`query=${encodeURIComponent(q)}`)]).toEqual([q, [mine.id]]);
    expect(await ids('query=nothing-like-it')).toEqual([]);
    expect(await ids('direction=descending')).toContain(mine.id);
  });
});

describe('Open WebUI door: content_diff splits lines as Python (item 11)', () => {
  it('\\r, \\f, \\x85 and \\u2028 end lines', async () => {
    for (const sep of ['\r', '\f', '\x85', '\u2028', '\r\n']) {
      const made = await create({ command: `diff-${sep.charCodeAt(0)}-${sep.length}`, name: 'D', content: `a${sep}b${sep}c` });
      const res = await update(made.id, { command: made.command, name: 'D', content: `a${sep}X${sep}c` });
      const to = res.json().version_id;
      const diff = (await t.call('GET', `${V1}/id/${made.id}/history/diff?from_id=${made.version_id}&to_id=${to}`)).json();
      expect(diff.content_diff.slice(2)).toEqual(['@@ -1,3 +1,3 @@', ` a${sep}`, `-b${sep}`, `+X${sep}`, ' c']);
    }
  });
});

describe("Open WebUI door: errors name the client's fields (item 14)", () => {
  it('access_control group ids, tags and a pinned history entry', async () => {
    const made = await create({ command: 'fields', name: 'F', content: 'x' });
    const group = await update(made.id, { command: 'fields', name: 'F', content: 'x', access_control: { read: { group_ids: ['g'] } } });
    expect([group.status, group.json().field]).toEqual([400, 'access_control.read.group_ids.0']);
    const member = await update(made.id, { command: 'fields', name: 'F', content: 'x', access_control: { write: { user_ids: ['nobody'] } } });
    expect([member.status, member.json().field]).toEqual([400, 'access_control.write.user_ids.0']);
    const tag = await update(made.id, { command: 'fields', name: 'F', content: 'x', tags: ['!bad'] });
    expect(tag.json()).toMatchObject({ field: 'tags.0', detail: expect.stringMatching(/^tags\.0: /) });
    const name = getPrompt(t.owner, 'fields').name;
    await update(made.id, { command: 'fields', name: 'F', content: 'y' });
    pinDeployment(t.owner, name, 1);
    const pinned = await t.call('DELETE', `${V1}/id/${made.id}/history/${made.version_id}`);
    expect(pinned.status).toBe(400);
    expect(pinned.json().field).toBe('history_id');
    expect(pinned.json().detail).not.toMatch(/Version \d/);
    // Version 1 is pinned, version 2 published: the refusal is for the pin (round 2, item 6).
    expect(pinned.json().detail).toBe('Cannot delete the pinned version: unpin the API deployment first');
  });

  it('data and meta past their bound are refused naming the field, nothing saved', async () => {
    for (const field of ['data', 'meta']) {
      const res = await t.call('POST', `${V1}/create`, { command: `big-${field}`, name: 'B', content: 'x', [field]: { k: 'z'.repeat(70_000) } });
      expect([res.status, res.json().field]).toEqual([400, field]);
      expect(t.owner.store.prompts.getRowBySlashCommand(`big-${field}`)).toBeUndefined();
    }
  });
});

describe('Open WebUI door: prompts made in the app without a slash command (item 15)', () => {
  it('show their name as command, are found by it, and save through the door keeping no slash command', async () => {
    seedPrompt(t.owner, 'app-made', 'Made in the app', { api: true });
    seedPrompt(t.owner, 'app-made-2', 'Also', { api: true });
    const list = (await t.call('GET', `${V1}/`)).json() as { command: string; id: string }[];
    const commands = list.map((p) => p.command);
    expect(commands).toEqual(expect.arrayContaining(['app-made', 'app-made-2']));
    expect(new Set(commands).size).toBe(commands.length);
    const shown = (await t.call('GET', `${V1}/command/app-made`)).json();
    const saved = await update(shown.id, { ...shown, content: 'Changed through the door' });
    expect(saved.status, saved.text).toBe(200);
    expect(getPrompt(t.owner, 'app-made')).toMatchObject({ slashCommand: null });
    const meta = await t.call('POST', `${V1}/id/${shown.id}/update/meta`, { name: 'Renamed', command: 'app-made', tags: [] });
    expect(meta.status, meta.text).toBe(200);
    expect(listVersions(t.owner, 'app-made')).toHaveLength(2);
  });
});

describe('Open WebUI door: retried saves while pinned', () => {
  it('a publishing update sent again saves no copy, pinned or not', async () => {
    const made = await create({ command: 'retry-pin', name: 'R', content: 'one' });
    const name = getPrompt(t.owner, 'retry-pin').name;
    pinDeployment(t.owner, name, 1);
    for (let i = 0; i < 3; i++) {
      const res = await update(made.id, { command: 'retry-pin', name: 'R', content: 'two', is_production: true });
      expect(res.json()).toMatchObject({ version_id: made.version_id, content: 'two' });
    }
    expect(listVersions(t.owner, name).map((v) => v.number)).toEqual([2, 1]);
  });
});
