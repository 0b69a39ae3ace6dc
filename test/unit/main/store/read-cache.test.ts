import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createStore, type Store } from '../../../../src/main/store/store';
import { EXTERNAL_CHECK_MS } from '../../../../src/main/store/read-cache';
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
