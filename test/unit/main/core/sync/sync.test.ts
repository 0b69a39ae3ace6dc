import { afterEach, describe, expect, it, vi } from 'vitest';
import { desktop, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { buildMatrixWorld, promptFor } from '../../../../helpers/matrix-world';
import { ACTORS, MATRIX_ACTIONS, expected } from '../../../../fixtures/permission-matrix';
import { SHARING_LEVELS } from '../../../../../src/shared/schemas/sharing';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../../src/main/core/versions/lifecycle';
import { createPrompt, getPrompt, setDataLogging } from '../../../../../src/main/core/prompts/prompts-service';
import { addShare, removeShare, setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { CreatePromptInput, SaveVersionInput } from '../../../../../src/shared/schemas/prompts';
import { DATA_LOGGING_LEVELS, type DataLoggingLevel } from '../../../../../src/shared/schemas/runs';
import type { Ctx } from '../../../../../src/main/core/context';
import type { Store } from '../../../../../src/main/store/store';
import { createKey } from '../../../../../src/main/core/keys/keys-service';
import { http } from '../../../../helpers/http';
import { createSyncEngine } from '../../../../../src/main/core/sync/sync-engine';
import { createSyncClient } from '../../../../../src/main/core/sync/sync-client';
import { attachSyncEngine } from '../../../../../src/main/core/sync/sync-service';
import { applyPullPage } from '../../../../../src/main/core/sync/replica-apply';
import { outboxOps } from '../../../../../src/main/core/sync/outbox';
import { dispatch } from '../../../../../src/main/core/handlers';
import { serviceHandlers } from '../../../../helpers/handlers';
import { expectProblem } from '../../../../helpers/host';

let server: TestHost | undefined;
const desktops: Desktop[] = [];
afterEach(async () => {
  for (const d of desktops.splice(0)) d.cleanup();
  await server?.stop();
  server = undefined;
});

async function team() {
  server = await startTestHost();
  return server;
}
function join(s: TestHost, memberId: string, options: { pullLimit?: number } = {}): Desktop {
  const d = desktop(s, memberId, options);
  desktops.push(d);
  return d;
}
const save = (ctx: Ctx, name: string, text: string) => saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
const names = (store: Store) => (store.db.prepare('SELECT name FROM prompts WHERE team_id IS NOT NULL ORDER BY name').all() as { name: string }[]).map((r) => r.name);
const versions = (store: Store, name: string) =>
  store.db
    .prepare('SELECT v.id, v.number, v.status, v.sync_state AS state FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = ? ORDER BY v.number')
    .all(name) as { id: string; number: number; status: string; state: string | null }[];
const promotions = (store: Store, name: string) =>
  store.db.prepare('SELECT h.version, h.previous_version AS previous FROM promotions h JOIN prompts p ON p.id = h.prompt_id WHERE p.name = ? ORDER BY h.seq').all(name);

describe('a fresh replica', () => {
  it('holds every prompt its member may read, with all versions, and nothing else (permission matrix)', async () => {
    const s = await team();
    const users = buildMatrixWorld(s.owner);
    for (const actor of ACTORS.filter((a) => a !== 'deactivated')) {
      const d = join(s, users[actor].id, { pullLimit: 37 });
      const status = await d.engine.syncNow();
      expect(status, actor).toMatchObject({ state: 'online', pending: 0, lastError: null });
      const want = SHARING_LEVELS.flatMap((level) => ACTORS.flatMap((a) => MATRIX_ACTIONS.map((action) => ({ level, name: promptFor(level, a, action) }))))
        .filter(({ level }) => expected(level, actor, 'read') === 'Y')
        .map((p) => p.name)
        .sort();
      expect(names(d.workspace.store), actor).toEqual(want);
      for (const name of want.slice(0, 3)) expect(versions(d.workspace.store, name).map((v) => [v.number, v.state])).toEqual([[1, 'synced'], [2, 'synced']]);
    }
  });

  it('a replica page applied twice changes nothing, and a deactivated member cannot pull', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_view' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    const before = versions(d.workspace.store, 'greet');
    d.workspace.store.settings.set('sync.cursor', '0.0');
    await d.engine.syncNow();
    expect(versions(d.workspace.store, 'greet')).toEqual(before);
    const key = createKey(s.owner, { userEmail: ada.actor.email, label: 'k' }).key;
    s.host.workspace.store.tx(() => s.host.workspace.store.users.setActive(ada.actor.id, false));
    const res = await http(s.port, 'GET', '/api/v1/sync/pull', { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(401);
  });
});

describe('acting on team prompts here', () => {
  it('whoever uses the desktop acts on a team prompt as the joined member: what the server would refuse is refused here too', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'viewable', 'View {{who}}');
    setSharingLevel(s.owner, { name: 'viewable', level: 'library_view' });
    seedPrompt(s.owner, 'editable', 'Edit {{who}}');
    setSharingLevel(s.owner, { name: 'editable', level: 'library_edit' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    const here = d.workspace.as(d.workspace.owner.id); // the desktop's own admin
    expect(getPrompt(here, 'viewable').allowed).toEqual(['read', 'run']);
    expect(() => save(here, 'viewable', 'Changed {{who}}')).toThrow(/permission to edit/);
    expect(save(here, 'editable', 'Changed {{who}}').number).toBe(2);
    createPrompt(here, CreatePromptInput.parse({ name: 'mine', title: 'Mine' }));
    expect(getPrompt(here, 'mine').allowed).toContain('delete');
    expect(await d.engine.syncNow()).toMatchObject({ pending: 0, notices: [] });
  });
});

describe('offline saves', () => {
  it('are real versions here, numbered by the server when they arrive, never colliding with a save made meanwhile', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    d.line.offline = true;
    const local = save(d.as(), 'greet', 'Hi {{who}}, offline');
    expect(local.number).toBe(2);
    expect(versions(d.workspace.store, 'greet').at(-1)).toMatchObject({ id: local.id, state: 'pending' });
    expect(await d.engine.syncNow()).toMatchObject({ state: 'offline', pending: 1 });
    save(s.owner, 'greet', 'Hello again {{who}}'); // v2 on the server meanwhile
    d.line.offline = false;
    expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    const here = versions(d.workspace.store, 'greet');
    expect(here.map((v) => [v.number, v.state])).toEqual([[1, 'synced'], [2, 'synced'], [3, 'synced']]);
    expect(here.find((v) => v.id === local.id)!.number).toBe(3);
    expect(versions(s.host.workspace.store, 'greet').map((v) => [v.id, v.number])).toEqual(here.map((v) => [v.id, v.number]));
  });

  it('two desktops saving offline get dense numbers, none reused, and converge', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    const bob = member(s.owner, 'bob@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const a = join(s, ada.actor.id);
    const b = join(s, bob.actor.id);
    await a.engine.syncNow();
    await b.engine.syncNow();
    a.line.offline = b.line.offline = true;
    for (const n of [1, 2]) save(a.as(), 'greet', `A${n} {{who}}`);
    for (const n of [1, 2, 3]) save(b.as(), 'greet', `B${n} {{who}}`);
    a.line.offline = b.line.offline = false;
    await a.engine.syncNow();
    await b.engine.syncNow();
    await a.engine.syncNow();
    const server = versions(s.host.workspace.store, 'greet');
    expect(server.map((v) => v.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(versions(a.workspace.store, 'greet').map((v) => [v.id, v.number, v.state])).toEqual(server.map((v) => [v.id, v.number, 'synced']));
    expect(versions(b.workspace.store, 'greet').map((v) => [v.id, v.number, v.state])).toEqual(server.map((v) => [v.id, v.number, 'synced']));
  });

  it('survive closing the data folder before they are sent (the outbox is the store)', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    d.line.offline = true;
    const local = save(d.as(), 'greet', 'Offline {{who}}');
    // The engine is gone (a crash); a new one on the same store finds the save pending.
    d.engine.stop();
    const key = createKey(s.owner, { userEmail: ada.actor.email, label: 'k' }).key;
    const engine = createSyncEngine({ workspace: d.workspace, client: createSyncClient({ serverUrl: `http://127.0.0.1:${s.port}`, credential: key }) });
    expect(engine.status().pending).toBe(1);
    expect(await engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    expect(versions(s.host.workspace.store, 'greet').map((v) => v.id)).toContain(local.id);
  });
});

describe('push', () => {
  it('retried after a lost answer applies each op once', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    save(d.as(), 'greet', 'One {{who}}');
    save(d.as(), 'greet', 'Two {{who}}');
    let lost = 0;
    d.line.tamper = async (url, _init, answer) => {
      if (url.includes('/sync/push') && lost++ === 0) {
        await answer.text(); // the server applied it; the answer never arrives
        throw new TypeError('socket hang up');
      }
      return answer;
    };
    expect(await d.engine.syncNow()).toMatchObject({ state: 'offline', pending: 2 });
    expect(versions(s.host.workspace.store, 'greet')).toHaveLength(3);
    expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    expect(versions(s.host.workspace.store, 'greet').map((v) => v.number)).toEqual([1, 2, 3]);
    expect(versions(d.workspace.store, 'greet').map((v) => [v.number, v.state])).toEqual([[1, 'synced'], [2, 'synced'], [3, 'synced']]);
    // The same ops sent again (another retry) answer the stored results and change nothing.
    const body = JSON.parse(d.line.pushed[0]!);
    const res = await http(s.port, 'POST', '/api/v1/sync/push', { headers: { authorization: `Bearer ${createKey(s.owner, { userEmail: ada.actor.email, label: 'k' }).key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect(res.json().results.map((r: { number: number }) => r.number)).toEqual([2, 3]);
    expect(versions(s.host.workspace.store, 'greet')).toHaveLength(3);
  });

  it('a pull that meets a version the server took but never acknowledged gives it its final number, and this desktop\'s runs of it follow', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    const mine = save(d.as(), 'greet', 'Mine {{who}}'); // provisional v2
    save(s.owner, 'greet', 'Theirs {{who}}'); // the server's v2
    const prompt = d.workspace.store.prompts.getRowByName('greet')!;
    const runId = crypto.randomUUID();
    await d.workspace.store.logs.insertMany([
      { id: runId, promptId: prompt.id, promptName: 'greet', version: mine.number, source: 'test', userId: ada.actor.id, keyLabel: null, model: 'local:m', status: 'success',
        startedAt: Date.now(), latencyMs: 1, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'full', variableNames: '[]', variables: '{}', messages: '[]', output: 'o', outputChars: 1, error: null, conversationId: null },
    ]);
    // The push reached the server (v3 there) but its answer never came back; then a pull arrives first.
    const key = createKey(s.owner, { userEmail: ada.actor.email, label: 'k' }).key;
    const client = createSyncClient({ serverUrl: `http://127.0.0.1:${s.port}`, credential: key });
    await client.push(outboxOps(d.workspace.store, 'versions'));
    applyPullPage(d.workspace.store, d.workspace.clock, await client.pull('0.0', 100));
    expect(versions(d.workspace.store, 'greet').map((v) => [v.id === mine.id ? 'mine' : 'other', v.number, v.state])).toEqual([['other', 1, 'synced'], ['other', 2, 'synced'], ['mine', 3, 'synced']]);
    expect(d.workspace.store.logs.get(runId)!.version).toBe(3);
  });

  it('refuses another protocol and unknown ops, naming the field', async () => {
    const s = await team();
    const res = await s.call('POST', '/api/v1/sync/push', { protocol: 2, ops: [] });
    expectProblem(res, 400, 'protocol');
    const bad = await s.call('GET', '/api/v1/sync/pull?cursor=abc');
    expectProblem(bad, 400, 'cursor');
    const none = await http(s.port, 'GET', '/api/v1/sync/pull');
    expect(none.status).toBe(401);
  });

  it('an op on a prompt the member may not see is rejected exactly like one on a prompt that never existed', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    const secret = seedPrompt(s.owner, 'secret', 'Hidden {{x}}');
    const key = createKey(s.owner, { userEmail: ada.actor.email, label: 'k' }).key;
    const op = (promptId: string) => ({ id: crypto.randomUUID(), kind: 'version.save', promptId, versionId: crypto.randomUUID(), template: { kind: 'text', text: 'x' } });
    const push = (promptId: string) =>
      http(s.port, 'POST', '/api/v1/sync/push', { headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ protocol: 1, ops: [op(promptId)] }) });
    const hidden = (await push(secret.promptId)).json().results[0];
    const missing = (await push(crypto.randomUUID())).json().results[0];
    expect(hidden.status).toBe('rejected');
    expect(hidden.error).toEqual(missing.error);
    expect(JSON.stringify(hidden)).not.toContain('secret');
  });
});

describe('promotions made offline', () => {
  it('race: one is published, history stays linear, the loser is told who promoted what and when', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    const bob = member(s.owner, 'bob@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    save(s.owner, 'greet', 'Hello v2 {{who}}');
    promoteVersion(s.owner, { name: 'greet', number: 1, notes: '' });
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const a = join(s, ada.actor.id);
    const b = join(s, bob.actor.id);
    await a.engine.syncNow();
    await b.engine.syncNow();
    a.line.offline = b.line.offline = true;
    promoteVersion(a.as(), { name: 'greet', number: 2, notes: 'ada ships v2' });
    const v3 = save(b.as(), 'greet', 'Bob v3 {{who}}');
    promoteVersion(b.as(), { name: 'greet', number: v3.number, notes: 'bob ships v3' });
    a.line.offline = b.line.offline = false;
    await a.engine.syncNow();
    const lost = await b.engine.syncNow();
    expect(promotions(s.host.workspace.store, 'greet')).toEqual([{ version: 1, previous: null }, { version: 2, previous: 1 }]);
    expect(versions(s.host.workspace.store, 'greet').map((v) => [v.number, v.status])).toEqual([[1, 'archived'], [2, 'published'], [3, 'draft']]);
    const notice = lost.notices.find((n) => n.kind === 'promotion.conflict');
    expect(notice?.message).toMatch(/ada promoted version 2 at \d{4}-/);
    expect(lost.pending).toBe(0);
    expect(versions(b.workspace.store, 'greet').map((v) => [v.number, v.status])).toEqual([[1, 'archived'], [2, 'published'], [3, 'draft']]);
    expect(promotions(b.workspace.store, 'greet')).toEqual(promotions(s.host.workspace.store, 'greet'));
  });
});

describe('pull', () => {
  it('a page cut mid-body is not applied; the next sync resumes from the last whole page and loses nothing', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    for (let i = 0; i < 12; i++) {
      seedPrompt(s.owner, `p${i}`, `Text ${i} {{x}}`);
      setSharingLevel(s.owner, { name: `p${i}`, level: 'library_view' });
    }
    const d = join(s, ada.actor.id, { pullLimit: 5 });
    let pulls = 0;
    d.line.tamper = async (url, _init, answer) => {
      if (!url.includes('/sync/pull') || ++pulls !== 2) return answer;
      const text = await answer.text();
      return new Response(text.slice(0, Math.floor(text.length / 2)), { status: answer.status, headers: answer.headers });
    };
    expect(await d.engine.syncNow()).toMatchObject({ state: 'offline' });
    expect(names(d.workspace.store).length).toBeGreaterThan(0);
    expect(names(d.workspace.store).length).toBeLessThan(12);
    expect(await d.engine.syncNow()).toMatchObject({ state: 'online' });
    expect(names(d.workspace.store)).toEqual(Array.from({ length: 12 }, (_, i) => `p${i}`).sort());
  });

  it('losing access removes the prompt (and its runs) from the replica at the next sync', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'secret', 'Shh {{x}}');
    addShare(s.owner, { name: 'secret', email: ada.actor.email, permission: 'view' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    expect(names(d.workspace.store)).toEqual(['secret']);
    removeShare(s.owner, { name: 'secret', userId: ada.actor.id });
    await d.engine.syncNow();
    expect(names(d.workspace.store)).toEqual([]);
    expect(d.workspace.store.db.prepare("SELECT count(*) AS n FROM prompt_versions").get()).toEqual({ n: 0 });
  });

  it('never names a prompt the member may not see, not even by id when it leaves their replica', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    const secret = seedPrompt(s.owner, 'secret', 'Shh {{x}}');
    const key = createKey(s.owner, { userEmail: ada.actor.email, label: 'k' }).key;
    const pull = async () => (await http(s.port, 'GET', '/api/v1/sync/pull?cursor=0.0&limit=500', { headers: { authorization: `Bearer ${key}` } })).text;
    const never = await pull();
    expect(never).not.toContain(secret.promptId);
    expect(never).not.toContain('secret');
    addShare(s.owner, { name: 'secret', email: ada.actor.email, permission: 'view' });
    expect(await pull()).toContain(secret.promptId);
    removeShare(s.owner, { name: 'secret', userId: ada.actor.id });
    const lost = await pull();
    expect(lost).not.toContain(secret.promptId);
    expect(JSON.parse(lost).entities.filter((e: { kind: string }) => e.kind === 'removed')).toHaveLength(1);
  });

  it('a team prompt never silently replaces a personal one: the personal one is renamed, with a notice', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Team {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_view' });
    const d = join(s, ada.actor.id);
    const mine = d.workspace.as(d.workspace.owner.id);
    createPrompt(mine, CreatePromptInput.parse({ name: 'greet', title: 'Mine' }));
    save(mine, 'greet', 'Personal {{who}}');
    const status = await d.engine.syncNow();
    const personal = d.workspace.store.prompts.getRowByName('greet-personal')!;
    expect(personal.title).toBe('Mine');
    expect(d.workspace.store.versions.get(personal.id, 1)!.template).toEqual({ kind: 'text', text: 'Personal {{who}}' });
    expect(d.workspace.store.prompts.getRowByName('greet')!.title).toBe('greet');
    expect(status.notices.map((n) => n.message)).toContain('Your personal prompt "greet" is now "greet-personal": the team workspace has a prompt named "greet"');
  });
});

describe('team logs', () => {
  const SECRET = { variables: '{"who":"VALUE-7f3"}', messages: '[{"role":"user","content":"MESSAGE-7f3"}]', output: 'OUTPUT-7f3', error: 'ERRORTEXT-7f3' };
  it.each(DATA_LOGGING_LEVELS)('a run made on a desktop reaches the server with only what level %s lets leave the machine', async (level: DataLoggingLevel) => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_view' });
    setDataLogging(s.owner, 'greet', level);
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    const prompt = d.workspace.store.prompts.getRowByName('greet')!;
    // Logged here in full (as before the level changed), so only the sync's cut can keep it from leaving.
    await d.workspace.store.logs.insertMany([
      { id: crypto.randomUUID(), promptId: prompt.id, promptName: 'greet', version: 1, source: 'chat', userId: ada.actor.id, keyLabel: null, model: 'local:m', status: 'error',
        startedAt: Date.now(), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 2, dataLogging: 'full', variableNames: '["who"]', variables: SECRET.variables,
        messages: SECRET.messages, output: SECRET.output, outputChars: 10, error: SECRET.error, conversationId: null },
    ]);
    expect(d.engine.status().pending).toBe(1);
    expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    const sent = d.line.pushed.join('\n');
    const row = s.host.workspace.store.db.prepare("SELECT * FROM run_logs WHERE prompt_name = 'greet'").get() as Record<string, unknown>;
    expect(row).toMatchObject({ user_id: ada.actor.id, version: 1, data_logging: level, status: 'error', tokens_out: 2 });
    const leaves: string[] = { full: ['VALUE-7f3', 'MESSAGE-7f3', 'OUTPUT-7f3', 'ERRORTEXT-7f3', 'who'], metadata: ['ERRORTEXT-7f3', 'who'], none: [] as string[] }[level];
    const stays = ['VALUE-7f3', 'MESSAGE-7f3', 'OUTPUT-7f3', 'ERRORTEXT-7f3'].filter((t) => !leaves.includes(t));
    for (const text of leaves) expect(sent).toContain(text);
    for (const text of stays) {
      expect(sent).not.toContain(text);
      expect(JSON.stringify(row)).not.toContain(text);
    }
    if (level === 'none') expect(row['variable_names']).toBeNull();
  });
});

describe('team logs, large runs', () => {
  it('a run too large for a push is sent as Metadata only, and nothing waits behind it', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    const prompt = d.workspace.store.prompts.getRowByName('greet')!;
    const big = 'x'.repeat(500_000);
    await d.workspace.store.logs.insertMany([
      { id: crypto.randomUUID(), promptId: prompt.id, promptName: 'greet', version: 1, source: 'chat', userId: ada.actor.id, keyLabel: null, model: 'local:m', status: 'success',
        startedAt: Date.now(), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 2, dataLogging: 'full', variableNames: '["who"]', variables: '{"who":"a"}',
        messages: '[]', output: big, outputChars: big.length, error: null, conversationId: null },
    ]);
    save(d.as(), 'greet', 'After the big run {{who}}');
    expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    const row = s.host.workspace.store.db.prepare("SELECT data_logging, output, variables, variable_names, output_chars FROM run_logs WHERE prompt_name = 'greet'").get();
    expect(row).toEqual({ data_logging: 'metadata', output: null, variables: null, variable_names: '["who"]', output_chars: 500_000 });
    expect(versions(s.host.workspace.store, 'greet')).toHaveLength(2);
  });
});

describe('background sync', () => {
  it('a local save is pushed and a save on the server is pulled without syncNow: driven by the change streams, not a timer', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const d = join(s, ada.actor.id);
    await d.engine.syncNow();
    const pushes = () => d.line.pushed.length;
    d.engine.start();
    const mine = save(d.as(), 'greet', 'From the desktop {{who}}');
    await vi.waitFor(() => expect(versions(s.host.workspace.store, 'greet').map((v) => v.id)).toContain(mine.id), { timeout: 10_000, interval: 20 });
    expect(pushes()).toBeGreaterThan(0);
    const theirs = save(s.owner, 'greet', 'From the server {{who}}');
    await vi.waitFor(() => expect(versions(d.workspace.store, 'greet').map((v) => v.id)).toContain(theirs.id), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(d.engine.status()).toMatchObject({ state: 'online', pending: 0 }), { timeout: 10_000, interval: 20 });
  });

  it('runs the member may read come down with the replica and are not sent back', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    const v = seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_view' });
    seedPrompt(s.owner, 'secret', 'Shh {{x}}');
    const run = (name: string, promptId: string) => ({
      id: crypto.randomUUID(), promptId, promptName: name, version: 1, source: 'api' as const, userId: s.owner.actor.id, keyLabel: 'k', model: 'local:m', status: 'success' as const,
      startedAt: Date.now(), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'full' as const, variableNames: '[]', variables: '{}', messages: '[]', output: 'out', outputChars: 3, error: null, conversationId: null,
    });
    const readable = run('greet', v.promptId);
    await s.host.workspace.runtime.logs.append(readable);
    await s.host.workspace.runtime.logs.append(run('secret', s.owner.store.prompts.getRowByName('secret')!.id));
    const d = join(s, ada.actor.id);
    expect(await d.engine.syncNow()).toMatchObject({ pending: 0 });
    expect(d.workspace.store.db.prepare('SELECT id, sync_state AS state FROM run_logs').all()).toEqual([{ id: readable.id, state: 'synced' }]);
    await d.engine.syncNow();
    expect(d.line.pushed).toEqual([]);
  });
});

describe('the sync indicator\'s channels', () => {
  it('sync:status is null until joined; then status, sync:now and the versions not yet synced', async () => {
    const s = await team();
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const d = join(s, ada.actor.id);
    const handlers = serviceHandlers();
    const ctx = d.workspace.as(d.workspace.owner.id);
    expect(await dispatch(handlers, ctx, 'sync:status', {})).toEqual({ ok: true, value: null });
    attachSyncEngine(d.workspace.store, d.engine);
    expect(await dispatch(handlers, ctx, 'sync:now', {})).toMatchObject({ ok: true, value: { state: 'online', pending: 0, lastSyncedAt: expect.any(String) } });
    d.line.offline = true;
    save(d.as(), 'greet', 'Offline {{who}}');
    expect(await dispatch(handlers, ctx, 'sync:status', {})).toMatchObject({ ok: true, value: { pending: 1 } });
    expect(await dispatch(handlers, ctx, 'sync:unsynced-versions', { name: 'greet' })).toEqual({ ok: true, value: { numbers: [2] } });
    expect(await dispatch(handlers, ctx, 'sync:now', {})).toMatchObject({ ok: true, value: { state: 'offline', pending: 1, lastError: expect.stringContaining('offline') } });
    d.line.offline = false;
    await dispatch(handlers, ctx, 'sync:now', {});
    expect(await dispatch(handlers, ctx, 'sync:unsynced-versions', { name: 'greet' })).toEqual({ ok: true, value: { numbers: [] } });
    attachSyncEngine(d.workspace.store, null);
  });
});
