/**
 * Which columns a table shows in the width it has: the ones in `dropOrder` are left out, first
 * to last, until the sum of the widths fits. Columns not named there always stay (the table may
 * then still be wider than `available`, and scrolls). Used by the logs table, whose every column
 * is also in the run's drawer, so nothing is lost, only moved one click away.
 *
 * @param columns in display order, each with its width in CSS pixels
 * @param available the width the table may take, in CSS pixels (0 or less: unknown, all shown)
 * @example fitColumns([{ key: 'a', width: 100 }, { key: 'b', width: 100 }], 150, ['b']) // [{ key: 'a', … }]
 */
export function fitColumns<C extends { key: string; width: number }>(columns: readonly C[], available: number, dropOrder: readonly string[]): C[] {
  if (available <= 0) return [...columns];
  const dropped = new Set<string>();
  let total = columns.reduce((sum, c) => sum + c.width, 0);
  for (const key of dropOrder) {
    if (total <= available) break;
    const column = columns.find((c) => c.key === key);
    if (!column) continue;
    dropped.add(key);
    total -= column.width;
  }
  return columns.filter((c) => !dropped.has(c.key));
}
