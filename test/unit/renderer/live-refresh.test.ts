import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { CHANGE_KINDS, type ChangeEvent, type ChangeKind } from '../../../src/shared/schemas/changes';
import { debounceEvents, refetchTargets, type RefetchTarget } from '../../../src/renderer/src/state/live-refresh';
import type { Route } from '../../../src/renderer/src/state/route';

let seq = 0;
const event = (kind: ChangeKind, prompt?: string): ChangeEvent => ({
  seq: ++seq,
  kind,
  at: '2026-01-01T00:00:00.000Z',
  ...(prompt === undefined ? {} : { prompt: { id: `id-${prompt}`, name: prompt } }),
});
const targets = (events: ChangeEvent[], route: Route) => [...refetchTargets(events, route)].sort();
const page = (tab?: 'versions' | 'history' | 'logs'): Route => ({ name: 'editor', promptName: 'open', ...(tab ? { tab } : {}) });
const LIST: RefetchTarget[] = ['launcher', 'library'];

describe('refetchTargets: event kind -> what to refetch', () => {
  it('a version saved elsewhere refetches the lists, and the open prompt page (editor header, Versions, History) when it is that prompt', () => {
    expect(targets([event('version.saved', 'other')], page('versions'))).toEqual(LIST);
    expect(targets([event('version.saved', 'open')], page('versions'))).toEqual(['editor', 'history', 'launcher', 'library', 'readiness', 'versions']);
  });

  it('a promotion refetches History (and the API tab) of the open prompt', () => {
    expect(targets([event('version.promoted', 'open')], page('history'))).toEqual(['editor', 'history', 'launcher', 'library', 'promptApi', 'readiness', 'versions']);
  });

  it('a run refetches Logs only where they show: any prompt on the Logs screen, its own on a prompt Logs tab, nowhere else', () => {
    expect(targets([event('run.logged', 'other')], { name: 'logs' })).toEqual(['logs']);
    // The open prompt's readiness checklist counts runs too.
    expect(targets([event('run.logged', 'open')], page('logs'))).toEqual(['logs', 'readiness']);
    expect(targets([event('run.logged', 'other')], page('logs'))).toEqual([]);
    expect(targets([event('run.logged', 'open')], page('versions'))).toEqual(['readiness']);
    expect(targets([event('run.logged', 'open')], { name: 'library' })).toEqual([]);
  });

  it('reset and access.changed (no prompt named) refetch everything shown', () => {
    for (const kind of ['reset', 'access.changed'] as const) {
      expect(targets([event(kind)], page())).toEqual(['editor', 'history', 'launcher', 'library', 'logs', 'promptApi', 'readiness', 'sharing', 'versions']);
    }
  });

  it('workspace events (members, keys, integrations) refetch no prompt screen', () => {
    expect(targets([event('member.changed'), event('key.changed'), event('integration.changed')], page())).toEqual([]);
  });

  it('property: a burst refetches the union of its events, each at most once, whatever the order', () => {
    const anEvent = fc.record({ kind: fc.constantFrom(...CHANGE_KINDS), prompt: fc.option(fc.constantFrom('open', 'other'), { nil: undefined }) });
    const aRoute = fc.constantFrom<Route>({ name: 'library' }, { name: 'logs' }, page(), page('versions'), page('history'), page('logs'));
    fc.assert(
      fc.property(fc.array(anEvent, { maxLength: 30 }), aRoute, (specs, route) => {
        const events = specs.map((s) => event(s.kind, s.prompt));
        const union = new Set(events.flatMap((e) => [...refetchTargets([e], route)]));
        expect(refetchTargets(events, route)).toEqual(union);
        expect(refetchTargets([...events].reverse(), route)).toEqual(union);
        // The page of a prompt that is not open is never refetched for it.
        if (route.name !== 'editor') for (const t of ['editor', 'versions', 'history', 'sharing', 'promptApi', 'readiness'] as const) {
          if (!events.some((e) => e.kind === 'reset' || e.kind === 'access.changed')) expect(union.has(t)).toBe(false);
        }
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
