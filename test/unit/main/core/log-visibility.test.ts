/**
 * Issue 10 items 6 and 7 at the logs doors: a log entry a member cannot find in the list cannot
 * be opened or rated by id either, and the other way round. The list decides by the prompt's id;
 * a name is reused when a prompt is deleted and another made under it, so deciding the detail by
 * name showed the new name's holder every run of the deleted prompt (variables and output).
 * Checked over every log row x every actor, with names reused in each way a member can reach.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import type { LogRecord } from '../../../../src/main/store/repos/logs-repo';
import { getLog, listLogs, rateRun } from '../../../../src/main/core/logs/logs-service';
import { deletePrompt, setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';
import { codeOf } from '../../../helpers/errors';

let t: ReturnType<typeof testWorkspace>;
let actors: Record<'admin' | 'alice' | 'bob' | 'carol', Ctx>;
let rows: LogRecord[];
/** Runs of the deleted prompts: Alice's of her private one, Carol's of Alice's Chat-only one. */
let deleted: { alicePrivate: string; carolChat: string };

function record(ctx: Ctx, name: string, by: Ctx): LogRecord {
  const row = ctx.store.prompts.getRowByName(name)!;
  return {
    id: crypto.randomUUID(), promptId: row.id, promptName: name, version: 1, source: 'chat', userId: by.actor.id,
    keyLabel: null, model: 'local:echo', status: 'success', startedAt: Date.parse('2025-12-31T00:00:00Z') + rows.length, latencyMs: 1,
    ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'full', variableNames: '["x"]', variables: `{"x":"value of ${by.actor.name}"}`,
    messages: `[{"role":"user","content":"text of ${name}"}]`, output: 'out', outputChars: 3, error: null, conversationId: null,
  };
}

beforeEach(() => {
  t = testWorkspace();
  const admin = t.owner;
  actors = { admin, alice: member(admin, 'alice@example.com'), bob: member(admin, 'bob@example.com'), carol: member(admin, 'carol@example.com') };
  rows = [];
  const { alice, bob, carol } = actors;
  // Alice's private prompt, run by Alice, then deleted: its runs stay in the log for admins and Alice.
  seedPrompt(alice, 'reused', 'Alice private {{x}}');
  rows.push(record(alice, 'reused', alice));
  // Alice's Chat-only prompt run by Carol, then deleted.
  seedPrompt(alice, 'reused-chat', 'Alice chat {{x}}');
  setSharingLevel(alice, { name: 'reused-chat', level: 'chat_only' });
  rows.push(record(alice, 'reused-chat', carol));
  t.workspace.store.logs.insertMany(rows);
  deleted = { alicePrivate: rows[0]!.id, carolChat: rows[1]!.id };
  deletePrompt(alice, 'reused');
  deletePrompt(alice, 'reused-chat');
  // The names are taken again: by Bob (private, his own) and by Carol (Library View, so everyone reads it).
  seedPrompt(bob, 'reused', 'Bob own {{x}}');
  seedPrompt(carol, 'reused-chat', 'Carol shared {{x}}');
  setSharingLevel(carol, { name: 'reused-chat', level: 'library_view' });
  const fresh = [record(bob, 'reused', bob), record(carol, 'reused-chat', carol)];
  t.workspace.store.logs.insertMany(fresh);
  rows.push(...fresh);
});
afterEach(() => t.cleanup());

describe('a log entry is found by id exactly when the list shows it', () => {
  for (const who of ['admin', 'alice', 'bob', 'carol'] as const) {
    it(`for ${who}, over every log row (names of deleted prompts reused)`, () => {
      const ctx = actors[who];
      const listed = new Set(listLogs(ctx, ListLogsInput.parse({ limit: 500 })).items.map((l) => l.id));
      const mismatches: string[] = [];
      for (const { id } of rows) {
        const opened = codeOf(() => getLog(ctx, id));
        if ((opened === 'ok') !== listed.has(id)) mismatches.push(`${id}: listed ${listed.has(id)}, opened ${opened}`);
        // Rating someone else's run is refused either way; a hidden one must say not_found, never forbidden.
        const rated = codeOf(() => rateRun(ctx, { id, rating: 'useful' }));
        if (!listed.has(id) && rated !== 'not_found') mismatches.push(`${id}: hidden, rating answered ${rated}`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('the new holder of a reused name never gets the runs of the deleted prompt by id', () => {
    expect(codeOf(() => getLog(actors.bob, deleted.alicePrivate))).toBe('not_found');
    expect(codeOf(() => rateRun(actors.bob, { id: deleted.alicePrivate, rating: 'useful' }))).toBe('not_found');
    expect(codeOf(() => getLog(actors.carol, deleted.alicePrivate))).toBe('not_found');
    // Carol's own run of Alice's deleted Chat-only prompt stays hers, without its messages.
    expect(getLog(actors.carol, deleted.carolChat)).toMatchObject({ messages: null, messagesWithheld: true, variables: { x: 'value of carol' } });
    expect(getLog(actors.alice, deleted.alicePrivate)).toMatchObject({ variables: { x: 'value of alice' } });
  });
});

/** The same member calling over the HTTP API with a full key, as the auth middleware builds it. */
function overApi(ctx: Ctx): Ctx {
  const { info } = createKey(t.owner, { userEmail: ctx.actor.email, label: `api-${ctx.actor.name}` });
  return { ...ctx, via: { kind: 'api', key: info, loopback: true } };
}

describe('over the HTTP API, runs of a prompt with API access off are hidden like the prompt', () => {
  beforeEach(() => {
    // Carol's Library View prompt: everyone reads it in the app. Its API access is off (the default).
    seedPrompt(actors.carol, 'app-only', 'Carol app only {{x}}');
    setSharingLevel(actors.carol, { name: 'app-only', level: 'library_view' });
    const runs = [record(actors.carol, 'app-only', actors.carol), record(actors.carol, 'app-only', actors.bob)];
    t.workspace.store.logs.insertMany(runs);
    rows.push(...runs);
  });

  for (const who of ['admin', 'carol', 'bob', 'alice'] as const) {
    it(`for ${who}: the list, the detail and the prompt filter agree, and none shows it`, () => {
      const api = overApi(actors[who]);
      const appOnly = new Set(rows.slice(-2).map((r) => r.id));
      const listed = listLogs(api, ListLogsInput.parse({ limit: 500 })).items;
      expect(listed.filter((l) => appOnly.has(l.id) || l.prompt === 'app-only')).toEqual([]);
      const searched = listLogs(api, ListLogsInput.parse({ q: 'value', limit: 500 })).items;
      expect(searched.filter((l) => appOnly.has(l.id))).toEqual([]);
      for (const id of appOnly) expect(codeOf(() => getLog(api, id))).toBe('not_found');
      expect(codeOf(() => listLogs(api, ListLogsInput.parse({ prompt: 'app-only' })))).toBe('not_found');
      // Every other row: opened by id exactly when listed, as in the app.
      const ids = new Set(listed.map((l) => l.id));
      for (const { id } of rows) if (!appOnly.has(id)) expect(`${id} ${codeOf(() => getLog(api, id))}`).toBe(`${id} ${ids.has(id) ? 'ok' : 'not_found'}`);
      // In the app the same runs stay where they were.
      const inApp = listLogs(actors[who], ListLogsInput.parse({ limit: 500 })).items.filter((l) => appOnly.has(l.id));
      expect(inApp).toHaveLength(2);
    });
  }

  it('turning API access on shows them over the API again', () => {
    setApiSettings(actors.carol, { name: 'app-only', apiAccess: true });
    const api = overApi(actors.bob);
    expect(listLogs(api, ListLogsInput.parse({ prompt: 'app-only' })).items).toHaveLength(2);
    for (const { id } of rows.slice(-2)) expect(codeOf(() => getLog(api, id))).toBe('ok');
  });
});
