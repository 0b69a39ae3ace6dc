import { afterEach, describe, expect, it } from 'vitest';
import { desktop, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../../src/main/core/versions/lifecycle';
import { createPrompt, setApiSettings, setDataLogging, updatePrompt } from '../../../../../src/main/core/prompts/prompts-service';
import { addShare, removeShare, setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { deleteTestCase, saveTestCase } from '../../../../../src/main/core/runs/test-cases-service';
import { moveToTeam } from '../../../../../src/main/core/sync/move-to-team';
import { attachSyncEngine } from '../../../../../src/main/core/sync/sync-service';
import { TEAM_SHARING_REFUSED } from '../../../../../src/main/core/sharing/access';
import { CreatePromptInput, SaveVersionInput } from '../../../../../src/shared/schemas/prompts';
import { dispatch } from '../../../../../src/main/core/handlers';
import { serviceHandlers } from '../../../../helpers/handlers';
import type { Ctx } from '../../../../../src/main/core/context';
import type { Store } from '../../../../../src/main/store/store';
import { createKey } from '../../../../../src/main/core/keys/keys-service';
import { http } from '../../../../helpers/http';

let server: TestHost | undefined;
const desktops: Desktop[] = [];
afterEach(async () => {
  for (const d of desktops.splice(0)) d.cleanup();
  await server?.stop();
  server = undefined;
});

async function world(names = ['ada@example.com', 'bob@example.com']) {
  const s = (server = await startTestHost());
  const members = names.map((email) => member(s.owner, email));
  seedPrompt(s.owner, 'greet', 'Hello {{who}}', { title: 'Greeting', description: 'says hello', tags: ['demo'] });
  setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
  const desks = members.map((m) => {
    const d = desktop(s, m.actor.id);
    desktops.push(d);
    return d;
  });
  for (const d of desks) expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
  return { s, members, desks };
}

const meta = (store: Store, name = 'greet') =>
  store.db.prepare('SELECT title, description, tags, slash_command AS slash, data_logging AS logging FROM prompts WHERE name = ?').get(name);
const cases = (store: Store, name = 'greet') =>
  store.db.prepare('SELECT c.id, c.name, c.variables FROM test_cases c JOIN prompts p ON p.id = c.prompt_id WHERE p.name = ? ORDER BY c.name').all(name) as {
    id: string;
    name: string;
    variables: string;
  }[];
const versionsOf = (store: Store, name: string) =>
  store.db
    .prepare('SELECT v.id, v.number, v.status, v.template FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = ? ORDER BY v.number')
    .all(name);
const notices = (d: Desktop) => d.engine.status().notices;

describe('prompt metadata edited on a desktop (prompt.update)', () => {
  it('an offline edit is pushed, and a pull in between never overwrites it; fields changed on the server meanwhile are kept too', async () => {
    const { s, desks } = await world();
    const [a] = desks as [Desktop];
    a.line.offline = true;
    updatePrompt(a.as(), { name: 'greet', description: 'offline description', tags: ['demo', 'offline'] });
    setDataLogging(a.as(), 'greet', 'metadata');
    expect(a.engine.status().pending).toBe(1);
    updatePrompt(s.owner, { name: 'greet', title: 'Server title' });
    // A pull (push answers lost) comes back first: the local edit stays.
    a.line.offline = false;
    let lose = true;
    a.line.tamper = async (url, _init, answer) => {
      if (url.includes('/sync/push') && lose) {
        lose = false;
        await answer.text();
        throw new TypeError('answer lost');
      }
      return answer;
    };
    await a.engine.syncNow();
    expect(meta(a.workspace.store)).toMatchObject({ description: 'offline description' });
    expect(await a.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    const want = { title: 'Server title', description: 'offline description', tags: '["demo","offline"]', logging: 'metadata' };
    expect(meta(s.host.workspace.store)).toMatchObject(want);
    expect(meta(a.workspace.store)).toMatchObject(want);
    // Applied once: the retried op answered from sync_ops.
    const ops = s.host.workspace.store.db.prepare("SELECT count(*) AS n FROM sync_ops WHERE kind = 'prompt.update'").get() as { n: number };
    expect(ops.n).toBe(1);
    expect(notices(a)).toEqual([]);
  });

  it('an edit and its place in the outbox are one transaction: a rolled-back edit leaves nothing to send, a committed one survives closing the store', async () => {
    const { desks } = await world();
    const [a] = desks as [Desktop];
    const store = a.workspace.store;
    const outbox = () => store.db.prepare('SELECT (SELECT count(*) FROM sync_prompt_edits) + (SELECT count(*) FROM sync_test_case_edits) AS n').get() as { n: number };
    expect(() =>
      store.tx(() => {
        updatePrompt(a.as(), { name: 'greet', description: 'never committed' });
        saveTestCase(a.as(), { name: 'greet', caseName: 'never', variables: {} });
        throw new Error('crash before commit');
      }),
    ).toThrow('crash before commit');
    expect(outbox().n).toBe(0);
    updatePrompt(a.as(), { name: 'greet', description: 'committed' });
    // The outbox is rows of the data folder: another connection (a restarted process) sees it.
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(store.db.name, { readonly: true });
    expect((other.prepare('SELECT kind FROM sync_prompt_edits').all() as { kind: string }[]).map((r) => r.kind)).toEqual(['update']);
    other.close();
  });

  it('the same field changed on the server and offline: the server keeps its value, the desktop is told who changed what, when, and its own value', async () => {
    const { s, desks } = await world();
    const [a, b] = desks as [Desktop, Desktop];
    a.line.offline = true;
    updatePrompt(a.as(), { name: 'greet', description: 'ada offline' });
    updatePrompt(b.as(), { name: 'greet', description: 'bob online', title: 'Bob title' });
    await b.engine.syncNow();
    a.line.offline = false;
    expect(await a.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    expect(meta(s.host.workspace.store)).toMatchObject({ description: 'bob online', title: 'Bob title' });
    expect(meta(a.workspace.store)).toMatchObject({ description: 'bob online', title: 'Bob title' });
    const [notice] = notices(a);
    expect(notice).toMatchObject({ kind: 'prompt.conflict' });
    expect(notice!.message).toContain('bob changed the description of "greet" at 2026-');
    expect(notice!.message).toContain('"bob online"');
    expect(notice!.message).toContain('yours was "ada offline"');
  });

  it('an op on a prompt the member may not see is rejected exactly like one that never existed', async () => {
    const { s, desks } = await world();
    const [a] = desks as [Desktop];
    updatePrompt(a.as(), { name: 'greet', description: 'will be refused' });
    a.line.offline = true;
    await a.engine.syncNow();
    setSharingLevel(s.owner, { name: 'greet', level: 'private' });
    a.line.offline = false;
    const status = await a.engine.syncNow();
    expect(status).toMatchObject({ state: 'online', pending: 0 });
    // The server's words are those of a prompt that never existed; the member's edit is kept here (rejected-work.test.ts).
    const kept = status.notices.find((n) => n.kind === 'kept.personal');
    expect(kept?.message).toBe('Your unsent work on "greet" could not go to the team (Prompt not found): saved as personal prompt "greet-unsynced", so nothing is lost');
    expect(a.workspace.store.prompts.getRowByName('greet-unsynced')).toMatchObject({ description: 'will be refused' });
  });
});

describe('test cases edited on a desktop (testcase.put / testcase.delete)', () => {
  it('made, changed and deleted offline: the server ends with the same cases, each change applied once, and a pull never drops an unsent one', async () => {
    const { s, desks } = await world();
    const [a, b] = desks as [Desktop, Desktop];
    saveTestCase(s.owner, { name: 'greet', caseName: 'server case', variables: { who: 'S' } });
    await a.engine.syncNow();
    a.line.offline = true;
    saveTestCase(a.as(), { name: 'greet', caseName: 'offline case', variables: { who: 'A' } });
    saveTestCase(a.as(), { name: 'greet', caseName: 'offline case', variables: { who: 'A2' } });
    const serverCase = a.workspace.store.testCases.list(a.workspace.store.prompts.getRowByName('greet')!.id).find((c) => c.name === 'server case')!;
    deleteTestCase(a.as(), 'greet', serverCase.id);
    expect(a.engine.status().pending).toBe(2);
    // Another member's save on the server (a pull) while offline work waits: the pull keeps it.
    await b.engine.syncNow();
    saveTestCase(b.as(), { name: 'greet', caseName: 'bob case', variables: { who: 'B' } });
    await b.engine.syncNow();
    a.line.offline = false;
    expect(await a.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    await b.engine.syncNow();
    const want = [
      { name: 'bob case', variables: '{"who":"B"}' },
      { name: 'offline case', variables: '{"who":"A2"}' },
    ];
    for (const store of [s.host.workspace.store, a.workspace.store, b.workspace.store]) expect(cases(store).map(({ name, variables }) => ({ name, variables }))).toEqual(want);
    expect(cases(a.workspace.store)).toEqual(cases(s.host.workspace.store));
    expect(notices(a)).toEqual([]);
  });

  it('a case changed on both sides keeps both: the server its own, the desktop values beside it, and a notice says who changed it', async () => {
    const { s, desks } = await world();
    const [a, b] = desks as [Desktop, Desktop];
    saveTestCase(s.owner, { name: 'greet', caseName: 'shared', variables: { who: 'base' } });
    await a.engine.syncNow();
    await b.engine.syncNow();
    a.line.offline = true;
    saveTestCase(a.as(), { name: 'greet', caseName: 'shared', variables: { who: 'ada' } });
    saveTestCase(b.as(), { name: 'greet', caseName: 'shared', variables: { who: 'bob' } });
    await b.engine.syncNow();
    a.line.offline = false;
    await a.engine.syncNow();
    await b.engine.syncNow();
    const want = [
      { name: 'shared', variables: '{"who":"bob"}' },
      { name: 'shared (ada)', variables: '{"who":"ada"}' },
    ];
    for (const store of [s.host.workspace.store, a.workspace.store, b.workspace.store]) expect(cases(store).map(({ name, variables }) => ({ name, variables }))).toEqual(want);
    const [notice] = notices(a);
    expect(notice?.kind).toBe('testcase.conflict');
    expect(notice?.message).toMatch(/^bob changed test case "shared" of "greet" at 2026-.*; your values are kept as test case "shared \(ada\)"$/);
  });

  it('a delete of a case changed on the server since is refused and said', async () => {
    const { s, desks } = await world();
    const [a] = desks as [Desktop];
    const made = saveTestCase(s.owner, { name: 'greet', caseName: 'keep me', variables: { who: '1' } });
    await a.engine.syncNow();
    a.line.offline = true;
    deleteTestCase(a.as(), 'greet', made.id);
    saveTestCase(s.owner, { name: 'greet', caseName: 'keep me', variables: { who: '2' } });
    a.line.offline = false;
    await a.engine.syncNow();
    expect(cases(a.workspace.store).map((c) => c.variables)).toEqual(['{"who":"2"}']);
    expect(notices(a)[0]?.message).toMatch(new RegExp(`^Not deleted: ${s.owner.actor.name} changed test case "keep me" of "greet" at 2026-`));
  });
});

describe('moving a personal prompt to the team (prompt.create)', () => {
  function personal(d: Desktop, name: string): Ctx {
    const owner = d.workspace.as(d.workspace.owner.id);
    createPrompt(owner, CreatePromptInput.parse({ name, title: 'Mine', description: 'made offline', tags: ['solo'] }));
    for (const text of ['one', 'two', 'three']) saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
    promoteVersion(owner, { name, number: 2, notes: '' });
    saveTestCase(owner, { name, caseName: 'first', variables: { x: 1 } });
    setSharingLevel(owner, { name, level: 'library_view' });
    return owner;
  }

  it('goes up with its versions under the same numbers, its published version, test cases and sharing level; a retry after a lost answer changes nothing', async () => {
    const { s, desks } = await world();
    const [a, b] = desks as [Desktop, Desktop];
    const owner = personal(a, 'mine');
    const before = versionsOf(a.workspace.store, 'mine');
    a.line.offline = true;
    expect(moveToTeam(owner, 'mine')).toEqual({ name: 'mine', onServer: false });
    expect(await a.engine.syncNow()).toMatchObject({ state: 'offline' });
    a.line.offline = false;
    let lose = 2;
    a.line.tamper = async (url, _init, answer) => {
      if (url.includes('/sync/push') && lose-- > 0) {
        await answer.text();
        throw new TypeError('answer lost');
      }
      return answer;
    };
    await a.engine.syncNow();
    await a.engine.syncNow();
    expect(await a.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
    const onServer = versionsOf(s.host.workspace.store, 'mine');
    expect(onServer).toEqual(before);
    expect(versionsOf(a.workspace.store, 'mine')).toEqual(before);
    const row = s.host.workspace.store.prompts.getRowByName('mine')!;
    expect(row).toMatchObject({ sharing_level: 'library_view', title: 'Mine', description: 'made offline', owner_id: a.workspace.store.settings.get('sync.member_id') });
    expect(cases(s.host.workspace.store, 'mine')).toEqual(cases(a.workspace.store, 'mine'));
    expect(s.host.workspace.store.promotions.newest(row.id)).toMatchObject({ version: 2 });
    // Another member of the team sees it at their next sync.
    await b.engine.syncNow();
    expect(versionsOf(b.workspace.store, 'mine')).toEqual(before);
  });

  it('a name the team already uses (even on a prompt hidden from the member) is refused at the field, and the prompt stays personal with all it had', async () => {
    const { s, desks } = await world();
    const [a] = desks as [Desktop];
    seedPrompt(s.owner, 'taken', 'private to the owner');
    const owner = personal(a, 'taken');
    const before = versionsOf(a.workspace.store, 'taken');
    attachSyncEngine(a.workspace.store, a.engine);
    const answer = await dispatch(serviceHandlers(), owner, 'sync:move-to-team', { name: 'taken' });
    expect(answer).toEqual({ ok: false, error: { code: 'conflict', field: 'name', message: 'Not moved to the team: This name is already used by another prompt; choose another name' } });
    const row = a.workspace.store.prompts.getRowByName('taken') as unknown as { team_id: string | null; owner_id: string };
    expect(row).toMatchObject({ team_id: null, owner_id: a.workspace.owner.id });
    expect(versionsOf(a.workspace.store, 'taken')).toEqual(before);
    expect(a.engine.status().pending).toBe(0);
    expect(cases(a.workspace.store, 'taken')).toHaveLength(1);
  });

  it('a team prompt cannot be moved again, and a desktop that joined no team cannot move', async () => {
    const { desks } = await world();
    const [a] = desks as [Desktop];
    expect(() => moveToTeam(a.as(), 'greet')).toThrow('"greet" is already in the team workspace');
    a.workspace.store.settings.set('sync.replica_team', null);
    personal(a, 'lonely');
    expect(() => moveToTeam(a.workspace.as(a.workspace.owner.id), 'lonely')).toThrow('Join a team workspace');
  });
});

describe('sharing of a team prompt is the server\'s to decide', () => {
  it('every sharing change on a desktop is refused with one message, at every door, and changes nothing; a personal prompt still changes', async () => {
    const { s, desks, members } = await world();
    const [a] = desks as [Desktop];
    const ada = a.as();
    const refusals = [
      () => setSharingLevel(ada, { name: 'greet', level: 'private' }),
      () => addShare(ada, { name: 'greet', email: 'bob@example.com', permission: 'view' }),
      () => removeShare(ada, { name: 'greet', userId: members[1]!.actor.id }),
      () => setApiSettings(ada, { name: 'greet', apiAccess: true }),
    ];
    for (const refuse of refusals) expect(refuse).toThrow(TEAM_SHARING_REFUSED);
    const viaDoor = await dispatch(serviceHandlers(), ada, 'sharing:set-level', { name: 'greet', level: 'private' });
    expect(viaDoor).toEqual({ ok: false, error: { code: 'forbidden', message: TEAM_SHARING_REFUSED } });
    expect(a.workspace.store.prompts.getRowByName('greet')!.sharing_level).toBe('library_edit');
    expect(a.engine.status().pending).toBe(0);
    // On the server itself the same change is allowed (the owner decides there).
    expect(setSharingLevel(s.owner, { name: 'greet', level: 'library_view' }).level).toBe('library_view');
    const owner = a.workspace.as(a.workspace.owner.id);
    createPrompt(owner, CreatePromptInput.parse({ name: 'solo', title: 'Solo' }));
    expect(setSharingLevel(owner, { name: 'solo', level: 'library_view' }).level).toBe('library_view');
  });
});

describe('hidden = missing for every new op kind', () => {
  const uuid = () => crypto.randomUUID();
  const OPS: Record<string, (promptId: string) => Record<string, unknown>> = {
    'prompt.update': (promptId) => ({ id: uuid(), kind: 'prompt.update', promptId, changes: { description: 'x' }, base: { description: '' } }),
    'testcase.put': (promptId) => ({ id: uuid(), kind: 'testcase.put', promptId, testCaseId: uuid(), name: 'c', variables: { x: 1 }, base: null }),
    'testcase.delete': (promptId) => ({ id: uuid(), kind: 'testcase.delete', promptId, testCaseId: uuid(), base: { name: 'c', variables: {} } }),
  };
  it.each(Object.keys(OPS))('%s on a prompt the member may not see answers like one on a prompt that never existed', async (kind) => {
    const s = (server = await startTestHost());
    const ada = member(s.owner, 'ada@example.com');
    const secret = seedPrompt(s.owner, 'secret', 'Hidden {{x}}');
    const key = createKey(s.owner, { userEmail: ada.actor.email, label: 'k' }).key;
    const push = async (promptId: string) =>
      (await http(s.port, 'POST', '/api/v1/sync/push', { headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ protocol: 1, ops: [OPS[kind]!(promptId)] }) })).json()
        .results[0];
    const hidden = await push(secret.promptId);
    const missing = await push(uuid());
    expect(hidden.status).toBe('rejected');
    expect(hidden.error).toEqual(missing.error);
    expect(hidden.error).toEqual({ code: 'not_found', message: 'Prompt not found', field: 'promptId' });
    expect(JSON.stringify(hidden)).not.toContain('secret');
    expect(s.host.workspace.store.prompts.getRowByName('secret')!.description).toBe('');
  });

  it('prompt.create under a name a hidden prompt holds answers as under a visible one: the name is taken, at the field', async () => {
    const s = (server = await startTestHost());
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'secret', 'Hidden {{x}}');
    seedPrompt(s.owner, 'shown', 'Shown {{x}}');
    setSharingLevel(s.owner, { name: 'shown', level: 'library_view' });
    const key = createKey(s.owner, { userEmail: ada.actor.email, label: 'k' }).key;
    const create = async (name: string) =>
      (
        await http(s.port, 'POST', '/api/v1/sync/push', {
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ protocol: 1, ops: [{ id: uuid(), kind: 'prompt.create', promptId: uuid(), name, sharingLevel: 'private', title: 'T', description: '', tags: [], slashCommand: null, dataLogging: 'full' }] }),
        })
      ).json().results[0];
    const hidden = await create('secret');
    const visible = await create('shown');
    expect(hidden.error).toEqual(visible.error);
    expect(hidden.error).toMatchObject({ code: 'conflict', field: 'name' });
  });
});
