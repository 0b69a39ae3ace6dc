/**
 * The renderer's data layer (issue 13, Door 1): the pure rules next to the queries. Joining the
 * Logs pages (each run once, in order, capped), the pair the Versions tab compares, the
 * promoters the History filter offers, the members "Share with" may suggest, and the key
 * factory's hierarchy (a prompt's prefix reaches every query about it and nothing else).
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../../src/shared/schemas/logs';
import type { UserRef } from '../../../src/shared/schemas/prompts';
import type { User } from '../../../src/shared/schemas/users';
import type { Promotion } from '../../../src/shared/schemas/versions';
import { queryKeys } from '../../../src/renderer/src/state/query-keys';

// The modules read `window.promptdesk` (lib/api) when loaded: these tests need none of it.
vi.mock('../../../src/renderer/src/lib/api', () => ({ api: {}, unwrap: async () => undefined, ApiError: class extends Error {} }));
vi.mock('../../../src/renderer/src/lib/bridge', () => ({ bridgeAuthHeaders: () => ({}) }));
// The store reads the page's location when created; the hooks that use it are not under test.
vi.mock('../../../src/renderer/src/state/store', () => ({ useAppStore: () => undefined }));

// Loaded by computed paths: their types pull in the browser's globals, which the test typecheck (Node) has not.
const STATE = '../../../src/renderer/src/state';
const load = async <T>(module: string) => (await import(/* @vite-ignore */ `${STATE}/${module}`)) as T;
const { joinPages } = await load<{ joinPages(pages: readonly (readonly LogEntry[])[]): LogEntry[] }>('logs-queries');
const { MAX_LOG_ROWS } = await load<{ MAX_LOG_ROWS: number }>('logs-slice');
const { comparePair, promoters } = await load<{
  comparePair(items: readonly { number: number }[], from: number | null, to: number | null): { from: number; to: number } | null;
  promoters(items: readonly Promotion[]): UserRef[];
}>('versions-queries');
const { shareCandidates } = await load<{ shareCandidates(users: readonly User[], info: { owner: { id: string } } | null, me: string | undefined): User[] }>('sharing-slice');

const run = (id: string) => ({ id }) as LogEntry;
const covers = (prefix: readonly unknown[], key: readonly unknown[]) => prefix.every((part, i) => JSON.stringify(part) === JSON.stringify(key[i]));

describe('joinPages: the Logs pages as one list', () => {
  it('property: each run once, first page first, in order, never more than MAX_LOG_ROWS', () => {
    const pages = fc.array(fc.array(fc.integer({ min: 0, max: 40 }).map((n) => run(`r${n}`)), { maxLength: 20 }), { maxLength: 6 });
    fc.assert(
      fc.property(pages, (ps) => {
        const joined = joinPages(ps);
        const ids = joined.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        const firstSeen = [...new Set(ps.flat().map((r) => r.id))];
        expect(ids).toEqual(firstSeen.slice(0, MAX_LOG_ROWS));
      }),
    );
  });

  it('stops at MAX_LOG_ROWS however many pages arrive', () => {
    const page = (p: number) => Array.from({ length: 100 }, (_, i) => run(`p${p}-${i}`));
    expect(joinPages(Array.from({ length: 40 }, (_, p) => page(p)))).toHaveLength(MAX_LOG_ROWS);
  });
});

describe('comparePair: what the Versions tab compares', () => {
  const versions = (...numbers: number[]) => numbers.map((number) => ({ number }));
  it('nothing with fewer than two versions; else the previous against the newest by default', () => {
    expect(comparePair(versions(), null, null)).toBeNull();
    expect(comparePair(versions(1), 1, 1)).toBeNull();
    expect(comparePair(versions(5, 4, 2), null, null)).toEqual({ from: 4, to: 5 });
  });

  it('property: the pair picked stays while both still exist, else the default', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { minLength: 2, maxLength: 8 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), (numbers, from, to) => {
        const items = versions(...numbers.sort((a, b) => b - a));
        const pair = comparePair(items, from, to);
        if (numbers.includes(from) && numbers.includes(to)) expect(pair).toEqual({ from, to });
        else expect(pair).toEqual({ from: items[1]!.number, to: items[0]!.number });
      }),
    );
  });
});

describe('promoters: the History "Promoted by" menu', () => {
  const who = (id: string, name: string, email = `${id}@x.test`): UserRef => ({ id, name, email }) as UserRef;
  const promotion = (by: UserRef) => ({ promotedBy: by }) as Promotion;
  it('each member once, by name (else email), whatever order the promotions came in', () => {
    const ann = who('a', 'Ann');
    const bob = who('b', 'Bob');
    const nameless = who('c', '', 'aaron@x.test');
    const items = [bob, ann, bob, nameless, ann].map(promotion);
    expect(promoters(items)).toEqual([nameless, ann, bob]);
    expect(promoters([...items].reverse())).toEqual([nameless, ann, bob]);
  });
});

describe('shareCandidates: who "Share with" offers', () => {
  const user = (id: string) => ({ id, name: id, email: `${id}@x.test` }) as User;
  it('never the owner nor the acting member; everyone else found, in order', () => {
    const found = ['owner', 'me', 'ann', 'bob'].map(user);
    expect(shareCandidates(found, { owner: user('owner') }, 'me').map((u) => u.id)).toEqual(['ann', 'bob']);
    // Before the sharing arrives, the owner is not known yet: only the member is left out.
    expect(shareCandidates(found, null, 'me').map((u) => u.id)).toEqual(['owner', 'ann', 'bob']);
  });
});

describe('queryKeys: one hierarchy for queries and invalidations', () => {
  const filter = { userId: '', from: '', to: '' };
  const about = (name: string) => [
    queryKeys.versions(name),
    queryKeys.version(name, 2),
    queryKeys.comparison(name, 1, 2),
    queryKeys.history(name, filter),
    queryKeys.sharing(name),
    queryKeys.served(name),
    queryKeys.readiness(name),
  ];
  it("a prompt's prefix reaches every query about it and none about another prompt or the lists", () => {
    for (const key of about('a')) {
      expect(covers(queryKeys.prompt('a'), key)).toBe(true);
      expect(covers(queryKeys.prompt('b'), key)).toBe(false);
    }
    for (const key of [queryKeys.library({ query: '', tag: '', ownerId: '', sort: 'updated', offset: 0 }), queryKeys.launcher(''), queryKeys.integrations]) {
      expect(covers(queryKeys.prompt('a'), key)).toBe(false);
    }
  });

  it('the lists prefix reaches the Library pages and the launcher; a Logs scope only its own runs and counts', () => {
    expect(covers(queryKeys.prompts, queryKeys.library({ query: 'x', tag: '', ownerId: '', sort: 'name', offset: 25 }))).toBe(true);
    expect(covers(queryKeys.prompts, queryKeys.launcher('x'))).toBe(true);
    expect(covers(queryKeys.logScope('a'), queryKeys.logRuns('a', {}))).toBe(true);
    expect(covers(queryKeys.logScope('a'), queryKeys.logStats('a', {}))).toBe(true);
    expect(covers(queryKeys.logScope('a'), queryKeys.logRuns(null, {}))).toBe(false);
    expect(covers(queryKeys.logScope(null), queryKeys.logRuns('a', {}))).toBe(false);
    expect(covers(queryKeys.accessLists, queryKeys.memberAccess('u1'))).toBe(true);
    expect(covers(queryKeys.accessLists, queryKeys.memberList)).toBe(false);
  });
});
