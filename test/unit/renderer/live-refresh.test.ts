import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { CHANGE_KINDS, type ChangeEvent, type ChangeKind } from '../../../src/shared/schemas/changes';
import { debounceEvents, refetchPlan, type SliceTarget } from '../../../src/renderer/src/state/live-refresh';
import { queryKeys } from '../../../src/renderer/src/state/query-keys';
import type { Route } from '../../../src/renderer/src/state/route';

let seq = 0;
const event = (kind: ChangeKind, prompt?: string): ChangeEvent => ({
  seq: ++seq,
  kind,
  at: '2026-01-01T00:00:00.000Z',
  ...(prompt === undefined ? {} : { prompt: { id: `id-${prompt}`, name: prompt } }),
});
const sorted = (keys: readonly (readonly unknown[])[]) => keys.map((k) => JSON.stringify(k)).sort();
const keys = (events: ChangeEvent[], route: Route = { name: 'library' }) => sorted(refetchPlan(events, route).invalidate);
const slices = (events: ChangeEvent[], route: Route) => [...refetchPlan(events, route).slices].sort();
const page = (tab?: 'versions' | 'history' | 'logs'): Route => ({ name: 'editor', promptName: 'open', ...(tab ? { tab } : {}) });
const versionParts = (name: string) => (['versions', 'version', 'compare', 'history', 'served', 'runnable', 'readiness'] as const).map((part) => queryKeys.part(name, part));

/** Whether invalidating `prefix` reaches the query `key` (TanStack Query's prefix match). */
const covers = (prefix: readonly unknown[], key: readonly unknown[]) => prefix.every((part, i) => JSON.stringify(part) === JSON.stringify(key[i]));

describe('refetchPlan: event kind -> query keys to invalidate and slices to reload', () => {
  it('a version saved elsewhere invalidates the lists of prompts and that prompt\'s versions, any opened version, comparisons and History', () => {
    expect(keys([event('version.saved', 'other')], page('versions'))).toEqual(sorted([queryKeys.prompts, ...versionParts('other')]));
    expect(keys([event('version.saved', 'other')], page('versions'))).not.toContain(JSON.stringify(queryKeys.readiness('open')));
    // The open prompt's page also follows in its editor (the header; a clean draft moves on).
    expect(slices([event('version.saved', 'open')], page('versions'))).toEqual(['editor']);
    expect(slices([event('version.saved', 'other')], page('versions'))).toEqual([]);
  });

  it('the keys an event invalidates cover the queries that show it, and never another prompt\'s', () => {
    const saved = refetchPlan([event('version.promoted', 'a')], { name: 'library' }).invalidate;
    const reaches = (key: readonly unknown[]) => saved.some((prefix) => covers(prefix, key));
    const filter = { query: '', tag: '', ownerId: '', sort: 'updated', offset: 25 };
    const history = { userId: '', from: '', to: '' };
    for (const key of [queryKeys.library(filter), queryKeys.launcher('x'), queryKeys.versions('a'), queryKeys.version('a', 3), queryKeys.comparison('a', 1, 2), queryKeys.history('a', history)]) {
      expect(reaches(key)).toBe(true);
    }
    for (const key of [queryKeys.versions('b'), queryKeys.version('b', 3), queryKeys.history('b', history), queryKeys.integrations]) expect(reaches(key)).toBe(false);
  });

  it('a promotion refetches what the API serves (API tab) and the readiness checklist', () => {
    for (const key of [queryKeys.served('open'), queryKeys.readiness('open')]) expect(keys([event('version.promoted', 'open')], page('history'))).toContain(JSON.stringify(key));
    expect(slices([event('version.promoted', 'open')], page('history'))).toEqual(['editor']);
  });

  it('a sharing change refetches that prompt\'s Sharing tab, whatever is open', () => {
    expect(keys([event('sharing.changed', 'other')], page())).toContain(JSON.stringify(queryKeys.sharing('other')));
    expect(keys([event('version.saved', 'other')], page())).not.toContain(JSON.stringify(queryKeys.sharing('other')));
  });

  it('a run refetches the runs of the global Logs screen and of its own prompt\'s Logs tab, never another prompt\'s', () => {
    const plan = refetchPlan([event('run.logged', 'a')], { name: 'logs' }).invalidate;
    const reaches = (key: readonly unknown[]) => plan.some((prefix) => covers(prefix, key));
    const filter = { source: 'api' };
    for (const key of [queryKeys.logRuns(null, filter), queryKeys.logStats(null, {}), queryKeys.logRuns('a', filter), queryKeys.logStats('a', filter)]) expect(reaches(key)).toBe(true);
    for (const key of [queryKeys.logRuns('b', filter), queryKeys.logStats('b', {}), queryKeys.logSettings]) expect(reaches(key)).toBe(false);
    // Nothing is reloaded in a slice for a run, whatever shows.
    for (const route of [{ name: 'logs' } as const, page('logs'), page('versions')]) expect(slices([event('run.logged', 'open')], route)).toEqual([]);
    // The prompt's readiness checklist counts runs (and ratings, test cases) too.
    for (const kind of ['run.logged', 'run.rated'] as const) expect(keys([event(kind, 'open')])).toEqual(sorted([queryKeys.readiness('open'), queryKeys.logScope(null), queryKeys.logScope('open')]));
    expect(keys([event('testcase.changed', 'open')])).toEqual(sorted([queryKeys.testCases('open'), queryKeys.readiness('open')]));
    expect(keys([event('readiness.changed', 'open')])).toEqual(sorted([queryKeys.readiness('open')]));
  });

  it('reset and access.changed (no prompt named) invalidate every query and reload every slice', () => {
    for (const kind of ['reset', 'access.changed'] as const) {
      expect(refetchPlan([event(kind), event('version.saved', 'open')], page()).invalidate).toEqual([queryKeys.all]);
      expect(slices([event(kind)], page())).toEqual(['editor']);
    }
  });

  it('workspace events refetch their Settings list and touch no prompt; an integration change re-asks whether a model is usable', () => {
    expect(keys([event('member.changed')], page())).toEqual(sorted([queryKeys.members]));
    expect(keys([event('key.changed')], page())).toEqual(sorted([queryKeys.keys]));
    expect(keys([event('integration.changed')], page())).toEqual(sorted([queryKeys.integrations]));
    // Who may access which prompt moves with sharing and with prompts coming and going.
    for (const kind of ['prompt.created', 'prompt.deleted', 'sharing.changed'] as const) expect(keys([event(kind, 'a')])).toContain(JSON.stringify(queryKeys.accessLists));
    expect(slices([event('member.changed'), event('key.changed'), event('integration.changed')], page())).toEqual([]);
  });

  it('property: a burst refetches the union of its events, each key at most once, whatever the order', () => {
    const anEvent = fc.record({ kind: fc.constantFrom(...CHANGE_KINDS), prompt: fc.option(fc.constantFrom('open', 'other'), { nil: undefined }) });
    const aRoute = fc.constantFrom<Route>({ name: 'library' }, { name: 'logs' }, page(), page('versions'), page('history'), page('logs'));
    fc.assert(
      fc.property(fc.array(anEvent, { maxLength: 30 }), aRoute, (specs, route) => {
        const events = specs.map((s) => event(s.kind, s.prompt));
        const plan = refetchPlan(events, route);
        const unionSlices = new Set(events.flatMap((e) => [...refetchPlan([e], route).slices]));
        const unionKeys = new Set(events.flatMap((e) => keys([e], route)));
        expect(plan.slices).toEqual(unionSlices);
        expect(refetchPlan([...events].reverse(), route).slices).toEqual(unionSlices);
        const planKeys = sorted(plan.invalidate);
        expect(new Set(planKeys).size).toBe(planKeys.length);
        if (unionKeys.has('[]')) expect(planKeys).toEqual(['[]']);
        else expect(planKeys).toEqual([...unionKeys].sort());
        expect(keys([...events].reverse(), route)).toEqual(planKeys);
        // A prompt's own queries are only invalidated for an event naming it (or one naming none).
        const everything = events.some((e) => e.kind === 'reset' || e.kind === 'access.changed');
        if (!everything && !events.some((e) => e.prompt?.name === 'other')) {
          expect(plan.invalidate.some((k) => covers(k, queryKeys.versions('other')))).toBe(false);
        }
        // The page of a prompt that is not open is never reloaded in its slices.
        if (route.name !== 'editor' && !everything) for (const t of ['editor'] satisfies SliceTarget[]) expect(plan.slices.has(t)).toBe(false);
      }),
    );
  });
});

describe('debounceEvents', () => {
  afterEach(() => vi.useRealTimers());

  it('a burst is applied once, with every event in order', () => {
    vi.useFakeTimers();
    const applied: ChangeEvent[][] = [];
    const burst = debounceEvents((events) => applied.push(events), 100, 1_000);
    const sent = Array.from({ length: 50 }, () => event('version.saved', 'open'));
    for (const e of sent) {
      burst.push([e]);
      vi.advanceTimersByTime(10);
    }
    expect(applied).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(applied).toEqual([sent]);
  });

  it('a steady stream is still applied every maxWait, and stop drops what is pending', () => {
    vi.useFakeTimers();
    const applied: number[] = [];
    const burst = debounceEvents((events) => applied.push(events.length), 100, 300);
    for (let i = 0; i < 10; i++) {
      burst.push([event('prompt.updated', 'x')]);
      vi.advanceTimersByTime(50);
    }
    // Pushed every 50 ms: the first six (0..250 ms) go at 300 ms, not waiting for a quiet 100 ms.
    expect(applied).toEqual([6]);
    vi.advanceTimersByTime(100);
    expect(applied).toEqual([6, 4]);
    burst.push([event('prompt.updated', 'x')]);
    burst.stop();
    const before = applied.reduce((a, b) => a + b, 0);
    vi.advanceTimersByTime(1_000);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(before);
  });
});
