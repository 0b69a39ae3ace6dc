import { afterEach, describe, expect, it, vi } from 'vitest';
import { testWorkspace } from '../../../helpers/workspace';
import { OpenWebUiUpdateSchema, openWebUiCreate, openWebUiUpdateById } from '../../../../src/main/core/compat/openwebui';
import { openWebUiHistory } from '../../../../src/main/core/compat/openwebui-history';

/**
 * Issue 11, Open WebUI attack item 1: history snapshots lived in the prompt's one `extra` JSON, so
 * each save parsed and rewrote all of them (0.08 s -> 3.6 s over 24 saves of 0.7 MB). Work is
 * counted, not timed: the characters JSON.parse and JSON.stringify handle during one save, and the
 * bytes of the prompt row's `extra`, must not grow with the number of earlier versions.
 */
const ws = testWorkspace();
afterEach(() => vi.restoreAllMocks());

const DATA = { k: 'd'.repeat(60_000) };
const META = { m: 'm'.repeat(10_000) };
const form = (n: number) => OpenWebUiUpdateSchema.parse({ command: 'costly', name: 'Costly', content: `u ${n}`, data: DATA, meta: META });

/** Characters JSON.parse and JSON.stringify handled while `fn` ran. */
function jsonWork(fn: () => void): number {
  let chars = 0;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  vi.spyOn(JSON, 'parse').mockImplementation((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    chars += text.length;
    return parse(text, reviver);
  });
  vi.spyOn(JSON, 'stringify').mockImplementation(((value: unknown, replacer?: never, space?: never) => {
    const out = stringify(value, replacer, space);
    chars += out?.length ?? 0;
    return out;
  }) as typeof JSON.stringify);
  fn();
  vi.restoreAllMocks();
  return chars;
}

describe('Open WebUI door: a save costs the same whatever the history length', () => {
  it('JSON work per save and the size of extra stay flat from the 3rd to the 40th version', () => {
    const { id } = openWebUiCreate(ws.owner, form(0));
    const extraSize = () => ws.owner.store.prompts.getRowById(id)!.extra.length;
    const work: number[] = [];
    const sizes: number[] = [];
    for (let n = 1; n < 40; n++) {
      work.push(jsonWork(() => openWebUiUpdateById(ws.owner, id, form(n))));
      sizes.push(extraSize());
    }
    // Before the fix the 39th save handled ~39 snapshots of 70 KB (several MB); now one.
    expect(Math.max(...work.slice(2))).toBeLessThanOrEqual(Math.min(...work.slice(2)) * 1.05 + 1_000);
    // Only the content version's number and id change (a digit more from v10).
    expect(Math.max(...sizes.slice(2)) - Math.min(...sizes.slice(2))).toBeLessThanOrEqual(2);
    expect(sizes.at(-1)!).toBeLessThan(100_000);
    // One snapshot row per version, and the history still shows each version's own.
    const rows = ws.owner.store.db.prepare('SELECT count(*) AS n FROM openwebui_snapshots WHERE prompt_id = ?').get(id) as { n: number };
    expect(rows.n).toBe(40);
    expect(openWebUiHistory(ws.owner, id, 0)[0]!.snapshot).toMatchObject({ content: 'u 39', data: DATA, meta: META });
  });
});
