import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { CHANGE_KINDS, type ChangeEvent, type ChangeKind } from '../../../src/shared/schemas/changes';
import { debounceEvents, refetchKeys } from '../../../src/renderer/src/state/live-refresh';
import { queryKeys } from '../../../src/renderer/src/state/query-keys';

let seq = 0;
const event = (kind: ChangeKind, prompt?: string): ChangeEvent => ({
  seq: ++seq,
  kind,
  at: '2026-01-01T00:00:00.000Z',
  ...(prompt === undefined ? {} : { prompt: { id: `id-${prompt}`, name: prompt } }),
});
const sorted = (keys: readonly (readonly unknown[])[]) => keys.map((k) => JSON.stringify(k)).sort();
const keys = (events: ChangeEvent[]) => sorted(refetchKeys(events));
const versionParts = (name: string) => (['detail', 'versions', 'version', 'compare', 'history', 'served', 'runnable', 'readiness'] as const).map((part) => queryKeys.part(name, part));

/** Whether invalidating `prefix` reaches the query `key` (TanStack Query's prefix match). */
const covers = (prefix: readonly unknown[], key: readonly unknown[]) => prefix.every((part, i) => JSON.stringify(part) === JSON.stringify(key[i]));
const reaches = (events: ChangeEvent[], key: readonly unknown[]) => refetchKeys(events).some((prefix) => covers(prefix, key));

const filter = { query: '', tag: '', ownerId: '', sort: 'updated', offset: 25 };
const history = { userId: '', from: '', to: '' };
/** Every query about one prompt, one of each kind. */
const promptQueries = (name: string) => [
  queryKeys.promptDetail(name),
  queryKeys.versions(name),
  queryKeys.version(name, 3),
  queryKeys.comparison(name, 1, 2),
  queryKeys.history(name, history),
  queryKeys.sharing(name),
  queryKeys.served(name),
  queryKeys.readiness(name),
  queryKeys.runnable(name),
  queryKeys.testCases(name),
  queryKeys.logRuns(name, {}),
];

describe('refetchKeys: event kind -> query keys to invalidate', () => {
  it('a version saved elsewhere invalidates the lists of prompts and that prompt itself (its open editor follows), its versions, any opened version, comparisons, History, what the API serves and its checklist', () => {
    expect(keys([event('version.saved', 'other')])).toEqual(sorted([queryKeys.prompts, ...versionParts('other')]));
  });

  it('the keys an event invalidates cover the queries that show it, and never another prompt\'s', () => {
    for (const key of [queryKeys.library(filter), queryKeys.launcher('x'), queryKeys.promptDetail('a'), queryKeys.versions('a'), queryKeys.version('a', 3), queryKeys.comparison('a', 1, 2), queryKeys.history('a', history)]) {
      expect(reaches([event('version.promoted', 'a')], key)).toBe(true);
    }
    for (const key of [...promptQueries('b'), queryKeys.integrations]) expect(reaches([event('version.promoted', 'a')], key)).toBe(false);
  });

  it('a promotion refetches what the API serves (API tab) and the readiness checklist', () => {
    for (const key of [queryKeys.served('open'), queryKeys.readiness('open')]) expect(reaches([event('version.promoted', 'open')], key)).toBe(true);
  });

  it('a sharing change refetches that prompt\'s Sharing tab and the prompt (its header), not its versions', () => {
    expect(reaches([event('sharing.changed', 'other')], queryKeys.sharing('other'))).toBe(true);
    expect(reaches([event('sharing.changed', 'other')], queryKeys.promptDetail('other'))).toBe(true);
    expect(reaches([event('sharing.changed', 'other')], queryKeys.versions('other'))).toBe(false);
    expect(reaches([event('version.saved', 'other')], queryKeys.sharing('other'))).toBe(false);
  });

  it('a run refetches the runs of the global Logs screen and of its own prompt\'s Logs tab, never another prompt\'s', () => {
    const f = { source: 'api' };
    for (const key of [queryKeys.logRuns(null, f), queryKeys.logStats(null, {}), queryKeys.logRuns('a', f), queryKeys.logStats('a', f)]) expect(reaches([event('run.logged', 'a')], key)).toBe(true);
    for (const key of [queryKeys.logRuns('b', f), queryKeys.logStats('b', {}), queryKeys.logSettings, queryKeys.promptDetail('a')]) expect(reaches([event('run.logged', 'a')], key)).toBe(false);
    // The prompt's readiness checklist counts runs (and ratings, test cases) too.
    for (const kind of ['run.logged', 'run.rated'] as const) expect(keys([event(kind, 'open')])).toEqual(sorted([queryKeys.readiness('open'), queryKeys.logScope(null), queryKeys.logScope('open')]));
    expect(keys([event('testcase.changed', 'open')])).toEqual(sorted([queryKeys.testCases('open'), queryKeys.readiness('open')]));
    expect(keys([event('readiness.changed', 'open')])).toEqual(sorted([queryKeys.readiness('open')]));
  });

  it('a prompt deleted or changed elsewhere refetches the prompt, so its open page says not found or shows the new facts', () => {
    for (const kind of ['prompt.deleted', 'prompt.updated'] as const) expect(reaches([event(kind, 'a')], queryKeys.promptDetail('a'))).toBe(true);
  });

  it('reset and access.changed (no prompt named) invalidate every query', () => {
    for (const kind of ['reset', 'access.changed'] as const) {
      expect(refetchKeys([event('version.saved', 'open'), event(kind), event('run.logged', 'x')])).toEqual([queryKeys.all]);
    }
  });

  it('workspace events refetch their Settings list and touch no prompt; an integration change re-asks whether a model is usable', () => {
    expect(keys([event('member.changed')])).toEqual(sorted([queryKeys.members]));
    expect(keys([event('key.changed')])).toEqual(sorted([queryKeys.keys]));
    expect(keys([event('integration.changed')])).toEqual(sorted([queryKeys.integrations]));
    // Who may access which prompt moves with sharing and with prompts coming and going.
    for (const kind of ['prompt.created', 'prompt.deleted', 'sharing.changed'] as const) expect(keys([event(kind, 'a')])).toContain(JSON.stringify(queryKeys.accessLists));
  });

  it('property: a burst invalidates the union of its events\' keys, each once, whatever the order; a prompt\'s queries only for an event naming it (or one naming none)', () => {
    const anEvent = fc.record({ kind: fc.constantFrom(...CHANGE_KINDS), prompt: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(anEvent, { maxLength: 30 }), (specs) => {
        const events = specs.map((s) => event(s.kind, s.prompt));
        const planKeys = keys(events);
        expect(new Set(planKeys).size).toBe(planKeys.length);
        expect(keys([...events].reverse())).toEqual(planKeys);
        const union = new Set(events.flatMap((e) => keys([e])));
        if (union.has('[]')) expect(planKeys).toEqual(['[]']);
        else expect(planKeys).toEqual([...union].sort());
        const everything = events.some((e) => e.kind === 'reset' || e.kind === 'access.changed');
        if (!everything && !events.some((e) => e.prompt?.name === 'b')) for (const key of promptQueries('b')) expect(reaches(events, key)).toBe(false);
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
