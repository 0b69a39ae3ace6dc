/**
 * Issue 10 item 16: a calendar day is the user's local day, and the server's zone changes no
 * result. The same promotions and logs are queried in child processes with TZ set to each zone
 * (Node reads TZ once, at start): API inputs must give one answer everywhere (a date-time
 * without an offset refused naming its field), and a day picked in the History or Logs filter
 * must give exactly the events of that local day in the user's zone.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EVENT_TIMES, LOCAL_DAYS, SERVER_INPUTS, ZONES } from './tz-cases';

const run = promisify(execFile);
const PROBE = join(__dirname, 'tz-probe.ts');

interface ProbeOutput {
  zone: string;
  server: { range: { from?: string; to?: string }; promotions: unknown; logs: unknown }[];
  local: { day: string; promotions: unknown; logs: unknown }[];
  charts: { tz: string; days: unknown; searched: unknown }[];
}

/**
 * Expected answers, written out: versions are 1-based indexes into EVENT_TIMES. Logs take `to`
 * as exclusive and promotions as inclusive (a bare `to` date is its whole UTC day), as documented.
 */
const refused = (field: string) => ({ error: 'invalid_input', field });
const SERVER_EXPECTED: { promotions: unknown; logs: unknown }[] = [
  { promotions: [4, 5, 6, 7, 8, 9, 10, 11], logs: [4, 5, 6, 7, 8, 9] },
  { promotions: [4, 5, 6, 7, 8, 9, 10, 11], logs: [4, 5, 6, 7, 8, 9, 10, 11] },
  { promotions: [1, 2, 3, 4, 5, 6, 7, 8, 9], logs: [1, 2, 3] },
  { promotions: [2, 3, 4, 5, 6, 7], logs: [2, 3, 4, 5, 6, 7] },
  { promotions: [4, 5, 6, 7, 8, 9, 10], logs: [4, 5, 6, 7, 8, 9] },
  { promotions: [5], logs: [5] },
  { promotions: refused('from'), logs: refused('from') },
  { promotions: refused('to'), logs: refused('to') },
  { promotions: refused('from'), logs: refused('from') },
  { promotions: refused('to'), logs: refused('to') },
  { promotions: refused('from'), logs: refused('from') },
  { promotions: refused('to'), logs: refused('to') },
  { promotions: refused('to'), logs: refused('to') },
];

/** The versions whose event falls on `day` in `zone`, by the platform's own calendar. */
function onLocalDay(zone: string, day: string): number[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return EVENT_TIMES.flatMap((iso, i) => (format.format(new Date(iso)) === day ? [i + 1] : []));
}

async function probe(zone: string): Promise<ProbeOutput> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE], { env: { ...process.env, TZ: zone }, timeout: 60_000 });
  return JSON.parse(stdout) as ProbeOutput;
}

/** Runs per local day in `zone`, as the Logs charts should count them. */
function chartIn(zone: string): { day: string; runs: number; errors: number }[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const counts = new Map<string, number>();
  for (const iso of EVENT_TIMES) {
    const day = format.format(new Date(iso));
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([day, runs]) => ({ day, runs, errors: 0 }));
}

describe('dates do not depend on the server time zone', () => {
  // Two at a time: the machine's cores are shared.
  const outputs = new Map<string, Promise<ProbeOutput>>();
  const get = (zone: string) => {
    if (!outputs.has(zone)) {
      const index = ZONES.indexOf(zone);
      const before = index >= 2 ? get(ZONES[index - 2]!).catch(() => undefined) : Promise.resolve();
      outputs.set(zone, before.then(() => probe(zone)));
    }
    return outputs.get(zone)!;
  };

  it.each(ZONES)('TZ=%s: the API answers every input as in UTC, refusing date-times without an offset', async (zone) => {
    const out = await get(zone);
    expect(out.zone).toBe(zone);
    expect(out.server.map((s) => s.range)).toEqual(SERVER_INPUTS);
    for (const [i, answer] of out.server.entries()) {
      expect({ range: answer.range, promotions: answer.promotions, logs: answer.logs }).toEqual({ range: answer.range, ...SERVER_EXPECTED[i] });
    }
  }, 120_000);

  it.each(ZONES)('TZ=%s: the Logs charts count runs per day of the viewer’s zone, whatever the server’s', async (zone) => {
    const out = await get(zone);
    for (const chart of out.charts) {
      expect({ tz: chart.tz, days: chart.days }).toEqual({ tz: chart.tz, days: chartIn(chart.tz) });
      expect({ tz: chart.tz, days: chart.searched }).toEqual({ tz: chart.tz, days: chartIn(chart.tz) });
    }
  }, 120_000);

  it.each(ZONES)('TZ=%s: a day picked in the History and Logs filters is that local day', async (zone) => {
    const out = await get(zone);
    for (const day of LOCAL_DAYS) {
      const answer = out.local.find((l) => l.day === day)!;
      expect({ day, promotions: answer.promotions }).toEqual({ day, promotions: onLocalDay(zone, day) });
      expect({ day, logs: answer.logs }).toEqual({ day, logs: onLocalDay(zone, day) });
    }
  }, 120_000);
});
