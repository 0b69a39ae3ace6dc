import { invalid } from '../errors';
import { UTC_DAYS, type DayGrid, type ZoneOffset } from '../../store/repos/logs-repo';

/** Longer than any calendar day (23 to 25 hours), shorter than any two. */
const PAST_NEXT_DAY_START_MS = 26 * 3_600_000;
/** How far apart DayGrid.offsets looks at a zone's offset: no zone changes its clock twice within 12 hours. */
const OFFSET_PROBE_MS = 12 * 3_600_000;

/**
 * The calendar days of an IANA time zone (`Europe/Paris`), for the per-day charts: a day there
 * starts at its first local millisecond, wherever daylight saving moves it (or skips midnight).
 * `label` writes a day as `YYYY-MM-DD` in that zone. Undefined or 'UTC' gives UTC days.
 * Throws invalid_input on `tz` for a zone the platform does not know.
 *
 * @example
 * const { grid, label } = zoneDays('Asia/Kolkata');
 * label(grid.startOf(Date.parse('2026-11-24T20:00:00Z'))) // '2026-11-25'
 */
export function zoneDays(zone: string | undefined): { grid: DayGrid; label: (start: number) => string } {
  const isoDay = (start: number) => new Date(start).toISOString().slice(0, 10);
  if (zone === undefined || zone === '' || zone === 'UTC') return { grid: UTC_DAYS, label: isoDay };
  let parts: Intl.DateTimeFormat;
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw invalid(`Unknown time zone "${zone}": use an IANA name such as Europe/Paris`, 'tz');
  }
  /** The local wall clock at `ms`, written as if it were UTC (ms, whole seconds). */
  const wall = (ms: number): number => {
    const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  };
  const localMidnight = (ms: number) => Math.floor(wall(ms) / 86_400_000) * 86_400_000;
  const startOf = (ms: number): number => {
    const day = localMidnight(ms);
    // The instant whose wall clock reads that midnight: the offset at the guess, twice over.
    let t = day - (wall(ms) - Math.floor(ms / 1000) * 1000);
    t = day - (wall(t) - Math.floor(t / 1000) * 1000);
    // Midnight skipped by a clock change: the day starts at the first local instant after it.
    while (localMidnight(t) < day) t += 60_000 * 15;
    while (localMidnight(t - 1) === day) t -= 60_000 * 15;
    return t;
  };
  /** The zone's UTC offset at `ms` (ms; whole seconds, as the zone data has them). */
  const offsetAt = (ms: number): number => wall(ms) - Math.floor(ms / 1000) * 1000;
  /**
   * Probed every OFFSET_PROBE_MS, each change found to the millisecond by halving: a clock
   * change is rarer than that in every zone, so none is missed between probes.
   */
  const offsets = (from: number, to: number): ZoneOffset[] => {
    const pieces: ZoneOffset[] = [];
    let offset = offsetAt(from);
    for (let before = from; before < to; ) {
      const probe = Math.min(before + OFFSET_PROBE_MS, to);
      if (offsetAt(probe) === offset) {
        before = probe;
        continue;
      }
      // offsetAt(before) is `offset`, offsetAt(probe) is not: the change is in (before, probe].
      let [lo, hi] = [before, probe];
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid) === offset) lo = mid;
        else hi = mid;
      }
      pieces.push({ offset, until: hi });
      offset = offsetAt(hi);
      before = hi;
    }
    pieces.push({ offset, until: Infinity });
    return pieces;
  };
  const label = (start: number) => isoDay(localMidnight(start));
  return { grid: { startOf, next: (start) => startOf(start + PAST_NEXT_DAY_START_MS), offsets }, label };
}
