import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { desktop, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../../src/main/core/versions/lifecycle';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { updatePrompt } from '../../../../../src/main/core/prompts/prompts-service';
import { deleteTestCase, saveTestCase } from '../../../../../src/main/core/runs/test-cases-service';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';
import { limitToLevel, levelKeeps, stricterLevel, type LoggedText } from '../../../../../src/main/core/logs/logging-level';
import { DATA_LOGGING_LEVELS } from '../../../../../src/shared/schemas/runs';
import type { Store } from '../../../../../src/main/store/store';
import type { Ctx } from '../../../../../src/main/core/context';

const versions = (store: Store) =>
  store.db.prepare("SELECT v.id, v.number, v.sync_state AS state FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'greet' ORDER BY v.number").all() as {
    id: string;
    number: number;
    state: string | null;
  }[];

const promotions = (store: Store) =>
  store.db.prepare("SELECT h.version, h.previous_version AS previous FROM promotions h JOIN prompts p ON p.id = h.prompt_id WHERE p.name = 'greet' ORDER BY h.seq").all() as { version: number; previous: number | null }[];
const statuses = (store: Store) =>
  store.db.prepare("SELECT v.number, v.status FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'greet' ORDER BY v.number").all() as { number: number; status: string }[];

const details = (store: Store) => store.db.prepare("SELECT title, description, tags FROM prompts WHERE name = 'greet'").get();
const testCases = (store: Store) =>
  store.db.prepare("SELECT c.id, c.name, c.variables FROM test_cases c JOIN prompts p ON p.id = c.prompt_id WHERE p.name = 'greet' ORDER BY c.name").all() as { id: string; name: string; variables: string }[];

type Step =
  | { kind: 'save'; who: 0 | 1 | 'server' }
  | { kind: 'describe'; who: 0 | 1 | 'server' }
  | { kind: 'case'; who: 0 | 1 | 'server'; name: 'c0' | 'c1'; remove: boolean }
  | { kind: 'promote'; who: 0 | 1 | 'server' }
  | { kind: 'sync'; who: 0 | 1 }
  | { kind: 'offline'; who: 0 | 1; value: boolean }
  | { kind: 'cut-next-pull' | 'lose-next-push' | 'edit-during-next-pull'; who: 0 | 1 };

const who = fc.constantFrom<0 | 1>(0, 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('save' as const), who: fc.constantFrom<0 | 1 | 'server'>(0, 1, 'server') }),
  fc.record({ kind: fc.constant('promote' as const), who: fc.constantFrom<0 | 1 | 'server'>(0, 1, 'server') }),
  fc.record({ kind: fc.constant('describe' as const), who: fc.constantFrom<0 | 1 | 'server'>(0, 1, 'server') }),
  fc.record({ kind: fc.constant('case' as const), who: fc.constantFrom<0 | 1 | 'server'>(0, 1, 'server'), name: fc.constantFrom<'c0' | 'c1'>('c0', 'c1'), remove: fc.boolean() }),
  fc.record({ kind: fc.constant('sync' as const), who }),
  fc.record({ kind: fc.constant('offline' as const), who, value: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('cut-next-pull' as const, 'lose-next-push' as const, 'edit-during-next-pull' as const), who }),
);

let server: TestHost | undefined;
const open: Desktop[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) d.cleanup();
  await server?.stop();
  server = undefined;
});

describe('sync convergence (fast-check)', () => {
  it('whatever the interleaving of offline saves, promotions, metadata and test-case edits, syncs, lost answers and cut pages: dense server numbers, each save once, one linear promotion history, each edit applied once or its conflict shown, replicas equal to the server', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        for (const d of open.splice(0)) d.cleanup();
        await server?.stop();
        const s = (server = await startTestHost());
        const members = [member(s.owner, 'ada@example.com'), member(s.owner, 'bob@example.com')];
        seedPrompt(s.owner, 'greet', 'Hello {{who}}');
        setSharingLevel(s.owner, { name: 'greet', level: 'library_edit' });
        const desks = members.map((m) => desktop(s, m.actor.id, { pullLimit: 1 }));
        open.push(...desks);
        for (const d of desks) await d.engine.syncNow();
        const faults = desks.map(() => ({ cut: false, lose: false, edit: false }));
        // Metadata and test cases (prompt.update, testcase.*): each edit writes a value never written before.
        let edits = 0;
        const lastDescription: (string | null)[] = [null, null];
        const describe = (i: 0 | 1 | 'server') => {
          const description = `d${++edits}`;
          updatePrompt(i === 'server' ? s.owner : desks[i]!.as(), { name: 'greet', description });
          if (i !== 'server') lastDescription[i] = description;
        };
        const editCase = (i: 0 | 1 | 'server', name: string, remove: boolean) => {
          const ctx = i === 'server' ? s.owner : desks[i]!.as();
          const held = ctx.store.testCases.list(ctx.store.prompts.getRowByName('greet')!.id).find((c) => c.name === name);
          if (!remove) saveTestCase(ctx, { name: 'greet', caseName: name, variables: { who: `v${++edits}` } });
          else if (held) deleteTestCase(ctx, 'greet', held.id);
        };
        desks.forEach((d, i) => {
          d.line.tamper = async (url, _init, answer) => {
            const f = faults[i]!;
            if (url.includes('/sync/pull') && f.edit) {
              // The member edits while a pull is on the wire: the page, built before, must not overwrite it.
              f.edit = false;
              describe(i as 0 | 1);
              editCase(i as 0 | 1, 'c0', false);
            }
            if (url.includes('/sync/pull') && f.cut) {
              f.cut = false;
              const text = await answer.text();
              return new Response(text.slice(0, Math.floor(text.length / 2)), { status: answer.status, headers: answer.headers });
            }
            if (url.includes('/sync/push') && f.lose) {
              f.lose = false;
              await answer.text();
              throw new TypeError('answer lost');
            }
            return answer;
          };
        });
        const saved: string[] = [];
        const as = (ctx: Ctx, n: number) => saved.push(saveVersion(ctx, SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: `save ${n} {{who}}` } })).id);
        for (const st of steps) {
          if (st.kind === 'save') as(st.who === 'server' ? s.owner : desks[st.who]!.as(), saved.length);
          else if (st.kind === 'promote') {
            // Promote the newest version that is not in production there (offline on a desktop: a request).
            const ctx = st.who === 'server' ? s.owner : desks[st.who]!.as();
            const candidate = ctx.store.versions.list(ctx.store.prompts.getRowByName('greet')!.id).find((v) => v.status === 'draft');
            if (candidate) promoteVersion(ctx, { name: 'greet', number: candidate.number, notes: '' });
          }
          else if (st.kind === 'describe') describe(st.who);
          else if (st.kind === 'case') editCase(st.who, st.name, st.remove);
          else if (st.kind === 'edit-during-next-pull') faults[st.who]!.edit = true;
          else if (st.kind === 'sync') await desks[st.who]!.engine.syncNow();
          else if (st.kind === 'offline') desks[st.who]!.line.offline = st.value;
          else if (st.kind === 'cut-next-pull') faults[st.who]!.cut = true;
          else faults[st.who]!.lose = true;
        }
        for (const d of desks) d.line.offline = false;
        faults.forEach((f) => Object.assign(f, { cut: false, lose: false, edit: false }));
        for (const d of [...desks, desks[0]!]) expect(await d.engine.syncNow()).toMatchObject({ state: 'online', pending: 0 });
        const onServer = versions(s.host.workspace.store);
        expect(onServer.map((v) => v.number)).toEqual(onServer.map((_, i) => i + 1));
        expect(onServer.map((v) => v.id).sort()).toEqual([versions(s.host.workspace.store)[0]!.id, ...saved].sort());
        for (const d of desks) expect(versions(d.workspace.store)).toEqual(onServer.map((v) => ({ ...v, state: 'synced' })));
        // Promotions: one chain on the server (each names the one before it), at most one published, every replica the same.
        const chain = promotions(s.host.workspace.store);
        chain.forEach((p, i) => expect(p.previous).toBe(i === 0 ? null : chain[i - 1]!.version));
        const published = statuses(s.host.workspace.store).filter((v) => v.status === 'published');
        expect(published.map((v) => v.number)).toEqual(chain.length ? [chain.at(-1)!.version] : []);
        for (const d of desks) {
          expect(promotions(d.workspace.store)).toEqual(chain);
          expect(statuses(d.workspace.store)).toEqual(statuses(s.host.workspace.store));
        }
        // Metadata and test cases: every replica equals the server.
        for (const d of desks) {
          expect(details(d.workspace.store)).toEqual(details(s.host.workspace.store));
          expect(testCases(d.workspace.store)).toEqual(testCases(s.host.workspace.store));
        }
        // Each op sent was applied once (one answer kept per id, however often it was retried), and
        // every conflict was surfaced to its desktop as a notice: nothing is dropped silently.
        const answers = new Map((s.host.workspace.store.db.prepare('SELECT id, result FROM sync_ops').all() as { id: string; result: string }[]).map((r) => [r.id, JSON.parse(r.result) as { status: string }]));
        let caseConflicts = 0;
        desks.forEach((d, i) => {
          const sent = d.line.pushed.flatMap((body) => (JSON.parse(body) as { ops: { id: string; kind: string; changes?: { description?: string } }[] }).ops);
          const noticeIds = new Set((d.workspace.store.db.prepare('SELECT id FROM sync_notices').all() as { id: string }[]).map((n) => n.id));
          for (const op of sent.filter((o) => o.kind === 'prompt.update' || o.kind.startsWith('testcase.'))) {
            const answer = answers.get(op.id);
            expect(answer?.status, op.kind).toMatch(/^(applied|conflict)$/);
            if (answer?.status === 'conflict') {
              expect(noticeIds.has(`${op.kind === 'prompt.update' ? 'prompt' : 'testcase'}.conflict:${op.id}`)).toBe(true);
              if (op.kind === 'testcase.put') caseConflicts++;
            }
          }
          // The last description a desktop wrote left it (a pull never overwrote it unsent).
          if (lastDescription[i] !== null) expect(sent.some((o) => o.changes?.description === lastDescription[i])).toBe(true);
        });
        // A case changed on both sides keeps both: one copy on the server per conflict.
        expect(testCases(s.host.workspace.store).filter((c) => / \((ada|bob)\)( \d+)?$/.test(c.name))).toHaveLength(caseConflicts);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});

describe('what a logged run may carry off the machine (fast-check)', () => {
  const text = fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: null });
  const run: fc.Arbitrary<LoggedText> = fc.record({
    dataLogging: fc.constantFrom(...DATA_LOGGING_LEVELS),
    variableNames: text,
    variables: text,
    messages: text,
    output: text,
    outputChars: fc.option(fc.nat(), { nil: null }),
    error: text,
  });
  it('never more than the stricter level keeps, nothing when it forbids, and cutting twice is cutting once', () => {
    fc.assert(
      fc.property(run, fc.constantFrom(...DATA_LOGGING_LEVELS), (logged, level) => {
        const cut = limitToLevel(logged, level);
        const effective = stricterLevel(logged.dataLogging, level);
        expect(cut.dataLogging).toBe(effective);
        const keeps = levelKeeps(effective);
        if (!keeps.text) expect([cut.variables, cut.messages, cut.output]).toEqual([null, null, null]);
        if (!keeps.shape) expect([cut.variableNames, cut.outputChars]).toEqual([null, null]);
        if (!keeps.shape && logged.dataLogging !== 'none') expect(cut.error).toBeNull();
        for (const field of ['variableNames', 'variables', 'messages', 'output', 'outputChars', 'error'] as const) {
          if (cut[field] !== null) expect(cut[field]).toBe(logged[field]);
        }
        expect(limitToLevel(cut, level)).toEqual(cut);
      }),
    );
  });
});
