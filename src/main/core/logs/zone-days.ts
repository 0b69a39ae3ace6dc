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
export function zoneDays(zone: string | undefined): ZoneDays {
  if (zone === undefined || zone === '' || zone === 'UTC') return { grid: UTC_DAYS, label: isoDay };
  let days = ZONES.get(zone);
  if (!days) {
    days = daysOf(zone);
    if (ZONES.size >= MAX_ZONES) ZONES.clear();
    ZONES.set(zone, days);
  }
  return days;
}

type ZoneDays = { grid: DayGrid; label: (start: number) => string };
const isoDay = (start: number) => new Date(start).toISOString().slice(0, 10);
/**
 * Each zone's days, kept across calls: the statistics ask for them on every call (the screen
 * refetches on each logged run), and a new formatter plus ICU's first look at a zone cost ~25 ms
 * (measured on Europe/Paris); the day starts worked out before are kept too (below).
 */
const ZONES = new Map<string, ZoneDays>();
const MAX_ZONES = 64;
/** Day starts kept per zone: a few years of days; past that the memo starts over. */
const MAX_DAY_STARTS = 2_000;

function daysOf(zone: string): ZoneDays {
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
  // A day's start by its local midnight: each costs about five Intl calls, and the per-day counts
  // ask for every day of the filter's span (~5 ms for 90 days) on every call.
  const starts = new Map<number, number>();
  const startOf = (ms: number): number => {
    const clock = wall(ms);
    const day = Math.floor(clock / 86_400_000) * 86_400_000;
    const known = starts.get(day);
    if (known !== undefined) return known;
    // The instant whose wall clock reads that midnight: the offset at the guess, twice over.
    let t = day - (clock - Math.floor(ms / 1000) * 1000);
    t = day - (wall(t) - Math.floor(t / 1000) * 1000);
    // Midnight skipped by a clock change: the day starts at the first local instant after it.
    while (localMidnight(t) < day) t += 60_000 * 15;
    while (localMidnight(t - 1) === day) t -= 60_000 * 15;
    if (starts.size >= MAX_DAY_STARTS) starts.clear();
    starts.set(day, t);
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
