import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitColumns } from '../../../src/renderer/src/screens/logs/fit-columns';

const COLS = [
  { key: 'time', width: 96 },
  { key: 'prompt', width: 112 },
  { key: 'ttft', width: 68 },
  { key: 'tokens', width: 76 },
  { key: 'output', width: 160 },
];
const ORDER = ['ttft', 'tokens'];
const sum = (cs: { width: number }[]) => cs.reduce((s, c) => s + c.width, 0);

describe('fitColumns', () => {
  it('shows every column when they fit, or when the width is unknown', () => {
    expect(fitColumns(COLS, 1000, ORDER)).toEqual(COLS);
    expect(fitColumns(COLS, 0, ORDER)).toEqual(COLS);
  });

  it('drops columns in the given order, only as many as needed, keeping display order', () => {
    expect(fitColumns(COLS, 500, ORDER).map((c) => c.key)).toEqual(['time', 'prompt', 'tokens', 'output']);
    expect(fitColumns(COLS, 400, ORDER).map((c) => c.key)).toEqual(['time', 'prompt', 'output']);
    // Columns not in the order stay even when the rest is still too wide.
    expect(fitColumns(COLS, 100, ORDER).map((c) => c.key)).toEqual(['time', 'prompt', 'output']);
  });

  it('fits whenever dropping everything droppable would, and never drops more than needed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1200 }), (width) => {
        const shown = fitColumns(COLS, width, ORDER);
        const keep = COLS.filter((c) => !ORDER.includes(c.key));
        if (sum(keep) <= width) expect(sum(shown)).toBeLessThanOrEqual(width);
        // Putting back the last dropped column would not fit.
        const dropped = ORDER.filter((k) => !shown.some((c) => c.key === k));
        const last = dropped.at(-1);
        if (last) expect(sum(shown) + COLS.find((c) => c.key === last)!.width).toBeGreaterThan(width);
      }),
    );
  });
});
