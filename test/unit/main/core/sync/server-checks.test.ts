import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestHost, type TestHost, expectProblem } from '../../../../helpers/host';
import { startTeamHost, type TeamHost } from '../../../../helpers/team-host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { http } from '../../../../helpers/http';
import { buildMatrixWorld, promptFor } from '../../../../helpers/matrix-world';
import { ACTORS, MATRIX_ACTIONS } from '../../../../fixtures/permission-matrix';
import { SHARING_LEVELS } from '../../../../../src/shared/schemas/sharing';
import { createKey } from '../../../../../src/main/core/keys/keys-service';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { createPrompt, deletePrompt } from '../../../../../src/main/core/prompts/prompts-service';
import { addShare, removeShare, setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { allowedActions, subjectOf } from '../../../../../src/main/core/sharing/access';
import { removalKey } from '../../../../../src/main/core/sync/removal-key';
import { boundedRunStart, RUN_START_FLOOR_MS, RUN_START_SKEW_MS } from '../../../../../src/main/core/sync/run-start';
import { opContentHash } from '../../../../../src/main/core/sync/op-content-hash';
import { CreatePromptInput, SaveVersionInput } from '../../../../../src/shared/schemas/prompts';
import { RunLogOp } from '../../../../../src/shared/schemas/sync';
import type { Ctx } from '../../../../../src/main/core/context';
import type { User } from '../../../../../src/shared/schemas/users';

// The team server's answers to the outside check of issue 14 (/tmp/reports/attack14.md F5, F8).

let server: TestHost | undefined;
let teamHost: TeamHost | undefined;
afterEach(async () => {
  await server?.stop();
  await teamHost?.stop();
  server = teamHost = undefined;
});

const save = (ctx: Ctx, name: string, text: string) => saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
const keyOf = (s: { owner: Ctx }, email: string) => createKey(s.owner, { userEmail: email, label: 'sync' }).key;
const pullRaw = (port: number, key: string, cursor: string, limit = 500) =>
  http(port, 'GET', `/api/v1/sync/pull?cursor=${cursor}&limit=${limit}`, { headers: { authorization: `Bearer ${key}` } });
const push = (port: number, key: string, ops: unknown[]) =>
  http(port, 'POST', '/api/v1/sync/push', { headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ protocol: 1, ops }) });

const versionOp = (promptId: string, text: string, id: string = crypto.randomUUID(), versionId: string = crypto.randomUUID()) => ({
  id,
  kind: 'version.save',
  promptId,
  versionId,
  template: { kind: 'text', text },
});

interface Entity {
  kind: 'user' | 'prompt' | 'removed';
  key?: string;
  prompt?: { id: string; name: string };
}

/** A replica as the wire sees it: what each member holds, from the snapshots and removals they were sent. */
class WireReplica {
  cursor = '0.0';
  held = new Map<string, string>(); // prompt id -> name
  everHeld = new Set<string>();
  removals: string[] = [];
  constructor(
    readonly user: User,
    readonly key: string,
  ) {}

  /** Pulls to the end; returns the removal keys this pass received. */
  async pull(port: number): Promise<string[]> {
    const got: string[] = [];
    for (;;) {
      const res = await pullRaw(port, this.key, this.cursor, 97);
      expect(res.status, this.user.email).toBe(200);
      const page = res.json() as { entities: Entity[]; nextCursor: string; hasMore: boolean };
      for (const e of page.entities) {
        if (e.kind === 'prompt') {
          this.held.set(e.prompt!.id, e.prompt!.name);
          this.everHeld.add(e.prompt!.id);
        } else if (e.kind === 'removed') {
          got.push(e.key!);
          const id = [...this.everHeld].find((p) => removalKey(this.user.id, p) === e.key);
          // The invariant: a removal names only a prompt this member's replica was sent.
          expect(id, `${this.user.email} was told of a prompt it never held`).toBeDefined();
          this.held.delete(id!);
        }
      }
      this.cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    this.removals.push(...got);
    return got;
  }
}

const readable = (s: TestHost, user: User) =>
  (s.host.workspace.store.db.prepare('SELECT id FROM prompts').all() as { id: string }[])
    .map((r) => s.host.workspace.store.prompts.getRowById(r.id)!)
    .filter((row) => allowedActions(user, subjectOf({ ...s.owner, actor: user }, row)).has('read'))
    .map((row) => row.id)
    .sort();

describe('removals reach only replicas that held the prompt (F5: hidden = missing in the pull feed)', () => {
  it('permission matrix: a member who never could read a prompt receives nothing about it across create, save, share, unshare and delete', async () => {
    const s = (server = await startTestHost());
    const users = buildMatrixWorld(s.owner);
    const owner: Ctx = { ...s.owner, actor: users.owner };
    const actors = ACTORS.filter((a) => a !== 'deactivated');
    const replicas = actors.map((a) => new WireReplica(users[a], keyOf(s, users[a].email)));
    const round = async () => {
      for (const r of replicas) await r.pull(s.port);
      // Each replica converges on exactly what its member may read now.
      for (const r of replicas) expect([...r.held.keys()].sort(), r.user.email).toEqual(readable(s, r.user));
    };
    await round();
    for (const r of replicas) expect(r.removals, `a fresh replica of ${r.user.email} gets no removals`).toEqual([]);

    // Saves on every matrix prompt.
    for (const level of SHARING_LEVELS) for (const a of ACTORS) save(owner, promptFor(level, a, 'read'), 'Saved again {{who}}');
    await round();
    for (const r of replicas) expect(r.removals, r.user.email).toEqual([]);

    // A new Private prompt: created, saved, shared with Vera, unshared, saved (three times), deleted.
    createPrompt(owner, CreatePromptInput.parse({ name: 'x-secret', title: 'x' }));
    save(owner, 'x-secret', 'Secret {{x}}');
    await round();
    addShare(owner, { name: 'x-secret', email: users.viewShare.email, permission: 'view' });
    await round();
    removeShare(owner, { name: 'x-secret', userId: users.viewShare.id });
    await round();
    for (let i = 0; i < 3; i++) {
      save(owner, 'x-secret', `Secret ${i} {{x}}`);
      await round();
    }
    const secretId = s.host.workspace.store.prompts.getRowByName('x-secret')!.id;
    deletePrompt(owner, 'x-secret');
    await round();

    // Library View prompts go Private (Otto loses them), then change again and are deleted.
    const lv = ACTORS.map((a) => promptFor('library_view', a, 'edit'));
    const lvIds = lv.map((name) => s.host.workspace.store.prompts.getRowByName(name)!.id);
    for (const name of lv) setSharingLevel(owner, { name, level: 'private' });
    await round();
    for (const name of lv) save(owner, name, 'After {{who}}');
    await round();
    for (const name of lv) deletePrompt(owner, name);
    await round();
    // Chat only prompts (read by no one but owner, admin and the view/edit shares) are deleted.
    for (const a of ACTORS) for (const action of MATRIX_ACTIONS) deletePrompt(owner, promptFor('chat_only', a, action));
    await round();

    const by = (a: (typeof actors)[number]) => replicas[actors.indexOf(a)]!;
    // Vera held x-secret while shared: exactly one removal of it, though it changed three times after and was deleted.
    expect(by('viewShare').removals.filter((k) => k === removalKey(users.viewShare.id, secretId))).toHaveLength(1);
    // Otto and Rudy (a run share: running is not reading) never could read x-secret nor any Chat only
    // prompt: nothing of them. They read the Library View ones: one removal each when those went
    // Private, none for the saves and deletes after.
    for (const a of ['otherMember', 'runShare'] as const) {
      expect(by(a).removals.sort(), a).toEqual(lvIds.map((id) => removalKey(users[a].id, id)).sort());
    }
    // Every removal any member got was of a prompt it held (checked in pull) and at most once per loss.
    for (const r of replicas) expect(new Set(r.removals).size, r.user.email).toBe(r.removals.length);
  });

  it('a page carrying a removal that never arrived is pulled again with it; once applied, later changes say nothing', async () => {
    const s = (server = await startTestHost());
    const ada = member(s.owner, 'ada@example.com');
    const secret = seedPrompt(s.owner, 'secret', 'Shh {{x}}');
    addShare(s.owner, { name: 'secret', email: ada.actor.email, permission: 'view' });
    const key = keyOf(s, ada.actor.email);
    const first = (await pullRaw(s.port, key, '0.0')).json();
    removeShare(s.owner, { name: 'secret', userId: ada.actor.id });
    const kept = first.nextCursor as string;
    const removed = (page: { entities: Entity[] }) => page.entities.filter((e) => e.kind === 'removed').map((e) => e.key);
    const want = [removalKey(ada.actor.id, secret.promptId)];
    // The answer is lost: the same cursor again gets the removal again, also after another change.
    expect(removed((await pullRaw(s.port, key, kept)).json())).toEqual(want);
    save(s.owner, 'secret', 'Shh 2 {{x}}');
    const again = (await pullRaw(s.port, key, kept)).json();
    expect(removed(again)).toEqual(want);
    // Applied (cursor past it): the next changes are not announced.
    save(s.owner, 'secret', 'Shh 3 {{x}}');
    const after = (await pullRaw(s.port, key, again.nextCursor)).json();
    expect(after.entities).toEqual([]);
    // Shared again, then unshared: sent again, removed again.
    addShare(s.owner, { name: 'secret', email: ada.actor.email, permission: 'view' });
    const back = (await pullRaw(s.port, key, after.nextCursor)).json();
    expect(back.entities.map((e: Entity) => e.prompt?.id)).toEqual([secret.promptId]);
    removeShare(s.owner, { name: 'secret', userId: ada.actor.id });
    expect(removed((await pullRaw(s.port, key, back.nextCursor)).json())).toEqual(want);
  });
});

describe('pull cursor (F8)', () => {
  it('a cursor past the server\'s sequence or run log is refused with 409 at cursor; one at the newest is fine', async () => {
    const s = (server = await startTestHost());
    const ada = member(s.owner, 'ada@example.com');
    seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_view' });
    const key = keyOf(s, ada.actor.email);
    const end = (await pullRaw(s.port, key, '0.0')).json().nextCursor as string;
    const [p, r] = end.split('.').map(Number) as [number, number];
    const clock = (s.host.workspace.store.db.prepare('SELECT seq FROM sync_clock').get() as { seq: number }).seq;
    expect((await pullRaw(s.port, key, `${clock}.${r}`)).status).toBe(200);
    for (const cursor of [`${clock + 1}.${r}`, `${p}.${r + 1}`, '999999.999999', `0.${r + 5}`]) {
      const res = await pullRaw(s.port, key, cursor);
      expectProblem(res, 409, 'cursor');
      expect(res.json().detail ?? res.json().title, cursor).toMatch(/past the server's newest change/);
    }
  });
});

describe('push op ids (F8)', () => {
  it('the same op id with other content is refused naming the id; the same content (any key order) answers the first result', async () => {
    const s = (server = await startTestHost());
    const ada = member(s.owner, 'ada@example.com');
    const greet = seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const key = keyOf(s, ada.actor.email);
    const op = versionOp(greet.promptId, 'One {{who}}');
    const first = (await push(s.port, key, [op])).json().results[0];
    expect(first).toMatchObject({ status: 'applied', number: 2 });
    const reordered = Object.fromEntries(Object.entries(op).reverse());
    expect((await push(s.port, key, [reordered, op])).json().results).toEqual([first, first]);
    const other = { ...op, template: { kind: 'text', text: 'Other {{who}}' } };
    const [twice, inPage] = (await push(s.port, key, [other, versionOp(greet.promptId, 'x', op.id)])).json().results;
    for (const r of [twice, inPage]) {
      expect(r).toMatchObject({ id: op.id, status: 'rejected', error: { code: 'conflict', field: 'id' } });
      expect(r.error.message).toContain(op.id);
    }
    // Nothing of the second content was kept.
    const texts = s.host.workspace.store.db.prepare('SELECT template FROM prompt_versions WHERE prompt_id = ?').all(greet.promptId) as { template: string }[];
    expect(texts.map((t) => t.template).join()).not.toContain('Other');
  });

  it('the content hash ignores key order and a run\'s level-cut text, and sees any other field (property)', () => {
    const base = RunLogOp.parse({
      id: crypto.randomUUID(), kind: 'run.log', promptId: crypto.randomUUID(), versionId: null, source: 'chat', model: 'm', status: 'success',
      startedAt: Date.UTC(2026, 0, 1), latencyMs: 1, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'full',
      variableNames: '["a"]', variables: '{"a":"x"}', messages: '[]', output: 'o', outputChars: 1, error: null,
    });
    const cut = { ...base, dataLogging: 'none' as const, variableNames: null, variables: null, messages: null, output: null, outputChars: null };
    expect(opContentHash(cut)).toBe(opContentHash(base));
    fc.assert(
      fc.property(fc.constantFrom('model', 'startedAt', 'tokensIn', 'status'), fc.integer({ min: 2, max: 1000 }), (field, n) => {
        const changed = { ...base, [field]: field === 'model' ? `m${n}` : field === 'status' ? 'error' : (base[field as 'tokensIn'] as number) + n };
        expect(opContentHash(changed as typeof base)).not.toBe(opContentHash(base));
      }),
    );
  });

});

describe('version ids of hidden prompts (F8)', () => {
  it('a version id of a hidden prompt answers exactly like an op on a prompt that never existed; of a visible one, "already used"', async () => {
    const s = (server = await startTestHost());
    const ada = member(s.owner, 'ada@example.com');
    const greet = seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    const open = seedPrompt(s.owner, 'open', 'Open {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    setSharingLevel(s.owner, { name: 'open', level: 'library_edit' });
    const secret = seedPrompt(s.owner, 'secret', 'Shh {{x}}');
    const key = keyOf(s, ada.actor.email);
    const hiddenVersion = s.host.workspace.store.db.prepare('SELECT id FROM prompt_versions WHERE prompt_id = ?').get(secret.promptId) as { id: string };
    const openVersion = s.host.workspace.store.db.prepare('SELECT id FROM prompt_versions WHERE prompt_id = ?').get(open.promptId) as { id: string };
    const [hidden, missing, used] = (
      await push(s.port, key, [
        versionOp(greet.promptId, 'x', undefined, hiddenVersion.id),
        versionOp(crypto.randomUUID(), 'x'),
        versionOp(greet.promptId, 'x', undefined, openVersion.id),
      ])
    ).json().results;
    expect(hidden.status).toBe('rejected');
    expect(hidden.error).toEqual(missing.error);
    expect(JSON.stringify(hidden)).not.toMatch(/secret|already used/);
    expect(used.error).toMatchObject({ code: 'conflict', field: 'versionId', message: 'This version id is already used' });
  });
});

describe('run start times (F8)', () => {
  it('boundedRunStart: before the floor refused at startedAt, ahead of the skew logged at now, anything between kept (property)', () => {
    const now = Date.UTC(2026, 10, 30, 8, 0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (startedAt) => {
        if (startedAt < RUN_START_FLOOR_MS) expect(() => boundedRunStart(startedAt, now)).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'startedAt' }));
        else if (startedAt > now + RUN_START_SKEW_MS) expect(boundedRunStart(startedAt, now)).toBe(now);
        else expect(boundedRunStart(startedAt, now)).toBe(startedAt);
      }),
    );
  });

  it('a pushed run from 1970 is rejected naming startedAt, one from the future is logged at the server\'s now', async () => {
    const s = (server = await startTestHost());
    const ada = member(s.owner, 'ada@example.com');
    const greet = seedPrompt(s.owner, 'greet', 'Hello {{who}}');
    setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
    const key = keyOf(s, ada.actor.email);
    const run = (startedAt: number) => ({
      id: crypto.randomUUID(), kind: 'run.log', promptId: greet.promptId, versionId: null, source: 'chat', model: 'm', status: 'success', startedAt,
      latencyMs: 1, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'none', variableNames: null, variables: null, messages: null, output: null, outputChars: null, error: null,
    });
    const now = s.host.workspace.clock.now().getTime();
    const [old, future, fine] = [run(1), run(now + 50 * 365 * 86_400_000), run(now - 60_000)];
    const results = (await push(s.port, key, [old, future, fine])).json().results;
    expect(results[0]).toMatchObject({ status: 'rejected', error: { code: 'invalid_input', field: 'startedAt' } });
    expect(results.slice(1).map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
    expect(s.host.workspace.store.logs.get(old.id)).toBeFalsy();
    const logged = s.host.workspace.store.logs.get(future.id)!;
    expect(logged.started_at).toBeGreaterThanOrEqual(now);
    expect(logged.started_at).toBeLessThan(now + RUN_START_SKEW_MS);
    expect(s.host.workspace.store.logs.get(fine.id)!.started_at).toBe(fine.startedAt);
  });
});

describe('one team id (F8)', () => {
  it('the pull\'s teamId is the id /team/status names', async () => {
    const t = (teamHost = await startTeamHost());
    const key = keyOf(t, t.host.workspace.owner.email);
    const status = (await t.call('GET', '/team/status')).json();
    expect(status.team.id).toMatch(/^[0-9a-f-]{36}$/);
    const page = (await pullRaw(t.port, key, '0.0')).json();
    expect(page.teamId).toBe(status.team.id);
  });
});
