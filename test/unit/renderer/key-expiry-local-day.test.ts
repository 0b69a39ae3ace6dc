/**
 * Issue 10 item 16: a calendar day is the user's local day everywhere, the key form's expiry
 * included. Settings -> API keys sent the picked date bare, which the API reads as a UTC day, so
 * in America/Adak a key "expiring on 25 Nov" stopped at 13:59 that day, and in
 * Pacific/Kiritimati it worked until 13:59 the next. The form now sends the end of the local day,
 * as the Logs and History filters send theirs (src/renderer/src/lib/local-day.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';

const sent: unknown[] = [];
vi.mock('../../../src/renderer/src/lib/api', () => ({
  api: {
    keys: {
      create: async (input: unknown) => {
        sent.push(input);
        return { ok: true, value: { key: 'pd_x', info: { label: 'k' } } };
      },
      list: async () => ({ ok: true, value: [] }),
    },
  },
  unwrap: async (pending: Promise<{ ok: boolean; value?: unknown; error?: unknown }>) => {
    const result = await pending;
    if (!result.ok) throw new Error('failed');
    return result.value;
  },
}));

// Loaded by a computed path: its types pull in the browser's globals, which the test typecheck (Node) has not.
const KEYS_SLICE = '../../../src/renderer/src/state/keys-slice';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { createKeysSlice } = (await import(/* @vite-ignore */ `${KEYS_SLICE}`)) as { createKeysSlice: (...args: any[]) => object };
const { localDayEnd, localToday } = await import('../../../src/renderer/src/lib/local-day');

/** Zones far from UTC both ways, and UTC. */
const ZONES: [zone: string, day: string, end: string][] = [
  ['America/Adak', '2026-11-25', '2026-11-26T09:59:59.999Z'],
  ['Pacific/Kiritimati', '2026-11-25', '2026-11-25T09:59:59.999Z'],
  ['UTC', '2026-11-25', '2026-11-25T23:59:59.999Z'],
  // A day whose length a clock change alters: the end is still its last local millisecond.
  ['America/Adak', '2026-03-08', '2026-03-09T08:59:59.999Z'],
];

const before = process.env['TZ'];
afterEach(() => {
  if (before === undefined) delete process.env['TZ'];
  else process.env['TZ'] = before;
  sent.length = 0;
});

describe('a key expiring on a day picked in Settings', () => {
  it.each(ZONES)('in %s, %s ends at %s', async (zone, day, end) => {
    process.env['TZ'] = zone;
    expect(localDayEnd(day)).toBe(end);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const store = create<any>()((set, get, api) => ({ session: { info: { currentUser: { email: 'me@localhost' } } }, ...createKeysSlice(set, get, api) }));
    expect(await store.getState().keys.create({ label: 'k', scopes: ['read'], expires: day, userEmail: '' })).toBe(true);
    expect(sent).toEqual([expect.objectContaining({ expiresAt: end })]);
  });

  it('never expires when no day is picked', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const store = create<any>()((set, get, api) => ({ session: { info: { currentUser: { email: 'me@localhost' } } }, ...createKeysSlice(set, get, api) }));
    await store.getState().keys.create({ label: 'k', scopes: ['read'], expires: '', userEmail: '' });
    expect(sent).toEqual([expect.objectContaining({ expiresAt: null })]);
  });

  it("offers the user's own today as the first day, not UTC's", () => {
    const at = Date.parse('2026-11-30T03:00:00Z');
    process.env['TZ'] = 'America/Adak';
    expect(localToday(at)).toBe('2026-11-29');
    process.env['TZ'] = 'Pacific/Kiritimati';
    expect(localToday(at)).toBe('2026-11-30');
    process.env['TZ'] = 'UTC';
    expect(localToday(at)).toBe('2026-11-30');
  });
});
