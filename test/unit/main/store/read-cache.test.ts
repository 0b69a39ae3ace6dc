import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createStore, type Store } from '../../../../src/main/store/store';
import Database from 'better-sqlite3';
import { createReadCache, EXTERNAL_CHECK_MS } from '../../../../src/main/store/read-cache';
import type { Db } from '../../../../src/main/store/open';
import { tempDir } from '../../../helpers/workspace';

const opened: Store[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  opened.splice(0).forEach((s) => s.close());
  cleanups.splice(0).forEach((c) => c());
});

function twoStores(): [Store, Store] {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const a = createStore(join(dir, 'promptdesk.db'));
  const b = createStore(join(dir, 'promptdesk.db'));
  opened.push(a, b);
  a.tx(() => a.users.insert({ id: 'u1', email: 'a@example.com', name: 'Ada', role: 'admin', isActive: true, createdAt: 'now' }));
  return [a, b];
}

describe('store read cache', () => {
  it('sees its own writes at once, inside and after a transaction', () => {
    const [a] = twoStores();
    expect(a.users.get('u1')?.isActive).toBe(true);
    a.tx(() => {
      a.users.setActive('u1', false);
      expect(a.users.get('u1')?.isActive).toBe(false);
    });
    expect(a.users.get('u1')?.isActive).toBe(false);
  });

  it("sees another process's commit within the check interval", async () => {
    const [a, b] = twoStores();
    expect(a.users.get('u1')?.name).toBe('Ada');
    b.tx(() => b.users.setActive('u1', false));
    await new Promise((r) => setTimeout(r, EXTERNAL_CHECK_MS + 10));
    expect(a.users.get('u1')?.isActive).toBe(false);
  });

  it('caches a miss until something is written', () => {
    const [a] = twoStores();
    expect(a.users.get('u2')).toBeUndefined();
    a.tx(() => a.users.insert({ id: 'u2', email: 'b@example.com', name: 'Bo', role: 'member', isActive: true, createdAt: 'now' }));
    expect(a.users.get('u2')?.name).toBe('Bo');
  });
});

// memo hands the one- and two-argument reads (every API request's key, member, prompt, version
// and share reads) their own functions; the answers must stay those of the read itself.
describe('read cache memo by arity', () => {
  function cacheOn(): { cache: ReturnType<typeof createReadCache>; db: Database.Database; calls: string[] } {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x INTEGER)');
    cleanups.push(() => db.close());
    return { cache: createReadCache(db as unknown as Db), db, calls: [] };
  }

  it('keeps two-argument reads apart for every pair, even those whose joined text is the same', () => {
    const { cache, calls } = cacheOn();
    const read = cache.memo('pair', (a: string, b: string) => {
      calls.push(`${a}|${b}`);
      return `${a}+${b}`;
    });
    expect(read('a\u0000', 'b')).toBe('a\u0000+b');
    expect(read('a', '\u0000b')).toBe('a+\u0000b');
    expect(read('a\u0000', 'b')).toBe('a\u0000+b');
    expect(calls).toEqual(['a\u0000|b', 'a|\u0000b']);
  });

  it('keeps null apart from "null" and caches undefined answers', () => {
    const { cache, calls } = cacheOn();
    const read = cache.memo('one', (a: string | null) => {
      calls.push(String(a));
      return a === 'null' ? 'text' : undefined;
    });
    expect(read(null)).toBeUndefined();
    expect(read('null')).toBe('text');
    expect(read(null)).toBeUndefined();
    expect(calls).toEqual(['null', 'null']);
  });

  it('answers reads called with fewer or more arguments than they declare', () => {
    const { cache } = cacheOn();
    // memo's type refuses optional arguments; these reach it only past the type, and still answer right.
    type Pair = (a: string, b: string) => string;
    const optional = cache.memo('optional', ((a: string, b?: string) => `${a}/${b ?? '-'}`) as Pair) as (a: string, b?: string) => string;
    expect([optional('x'), optional('x', 'y'), optional('x'), optional('x', 'y')]).toEqual(['x/-', 'x/y', 'x/-', 'x/y']);
    const defaulted = cache.memo('defaulted', ((a: string, b: string = '-') => `${a}/${b}`) as Pair) as (a: string, b?: string) => string;
    expect([defaulted('x'), defaulted('x', 'y'), defaulted('x'), defaulted('x', 'y')]).toEqual(['x/-', 'x/y', 'x/-', 'x/y']);
  });

  it('reads through inside a transaction opened on the database directly, and after it sees the write', () => {
    const { cache, db } = cacheOn();
    const count = cache.memo('count', (_k: string) => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n);
    const pair = cache.memo('pair', (_k: string, _l: string) => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n);
    expect([count('k'), pair('k', 'l')]).toEqual([0, 0]);
    db.transaction(() => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      expect([count('k'), pair('k', 'l')]).toEqual([1, 1]);
    })();
    cache.clear();
    expect([count('k'), pair('k', 'l')]).toEqual([1, 1]);
  });
});
