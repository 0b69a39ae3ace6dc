import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { desktop, startTestHost, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { member, seedPrompt } from '../../../../helpers/workspace';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../../src/main/core/versions/lifecycle';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
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

type Step =
  | { kind: 'save'; who: 0 | 1 | 'server' }
  | { kind: 'promote'; who: 0 | 1 | 'server' }
  | { kind: 'sync'; who: 0 | 1 }
  | { kind: 'offline'; who: 0 | 1; value: boolean }
  | { kind: 'cut-next-pull' | 'lose-next-push'; who: 0 | 1 };

const who = fc.constantFrom<0 | 1>(0, 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('save' as const), who: fc.constantFrom<0 | 1 | 'server'>(0, 1, 'server') }),
  fc.record({ kind: fc.constant('promote' as const), who: fc.constantFrom<0 | 1 | 'server'>(0, 1, 'server') }),
  fc.record({ kind: fc.constant('sync' as const), who }),
  fc.record({ kind: fc.constant('offline' as const), who, value: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('cut-next-pull' as const, 'lose-next-push' as const), who }),
);

let server: TestHost | undefined;
const open: Desktop[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) d.cleanup();
  await server?.stop();
  server = undefined;
});

describe('sync convergence (fast-check)', () => {
  it('whatever the interleaving of offline saves and promotions, syncs, lost answers and cut pages: dense server numbers, each save once, one linear promotion history, replicas equal to the server', async () => {
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
        const faults = desks.map(() => ({ cut: false, lose: false }));
        desks.forEach((d, i) => {
          d.line.tamper = async (url, _init, answer) => {
            const f = faults[i]!;
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
          else if (st.kind === 'sync') await desks[st.who]!.engine.syncNow();
          else if (st.kind === 'offline') desks[st.who]!.line.offline = st.value;
          else if (st.kind === 'cut-next-pull') faults[st.who]!.cut = true;
          else faults[st.who]!.lose = true;
        }
        for (const d of desks) d.line.offline = false;
        faults.forEach((f) => Object.assign(f, { cut: false, lose: false }));
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
