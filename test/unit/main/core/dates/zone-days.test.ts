/**
 * Issue 10 item 16: the Logs charts count runs per calendar day of the viewer's zone. zoneDays
 * gives a zone's days: for any instant, its day starts at the first instant with that local
 * date and ends where the next begins, through daylight-saving changes and skipped midnights.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zoneDays } from '../../../../../src/main/core/logs/zone-days';

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'America/Santiago', 'America/Havana', 'Asia/Beirut', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'Pacific/Apia'];

const localDate = (zone: string, ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

describe('zoneDays', () => {
  it('gives each instant the local day it falls on, from its first instant to the next day’s', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.parse('2010-01-01T00:00:00Z'), max: Date.parse('2035-01-01T00:00:00Z') }), (zone, ms) => {
        const { grid, label } = zoneDays(zone);
        const start = grid.startOf(ms);
        const next = grid.next(start);
        expect(start).toBeLessThanOrEqual(ms);
        expect(next).toBeGreaterThan(ms);
        expect(label(start)).toBe(localDate(zone, ms));
        expect(localDate(zone, start)).toBe(localDate(zone, ms));
        expect(localDate(zone, start - 1)).not.toBe(localDate(zone, ms));
        expect(localDate(zone, next - 1)).toBe(localDate(zone, ms));
        expect(localDate(zone, next)).not.toBe(localDate(zone, ms));
      }),
      { numRuns: 2000 },
    );
  });

  // Logs statistics group a search's matches in SQL by floor((t + offset) / day) (logs-repo perDay).
  it('offsets: the piece holding an instant gives its local day, at each clock change and between them', () => {
    const DAY = 86_400_000;
    const dayOf = (pieces: { offset: number; until: number }[], ms: number) => {
      const { offset } = pieces.find((p) => ms < p.until)!;
      return new Date(Math.floor((ms + offset) / DAY) * DAY).toISOString().slice(0, 10);
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES, 'Asia/Kathmandu'),
        fc.integer({ min: Date.parse('2010-01-01T00:00:00Z'), max: Date.parse('2035-01-01T00:00:00Z') }),
        fc.integer({ min: 0, max: 400 * 86_400_000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (zone, from, length, at) => {
          const to = from + length;
          const pieces = zoneDays(zone).grid.offsets(from, to);
          expect(pieces.at(-1)!.until).toBe(Infinity);
          for (const [i, piece] of pieces.entries()) {
            if (i > 0) expect(piece.until).toBeGreaterThan(pieces[i - 1]!.until);
            if (i > 0) expect(piece.offset).not.toBe(pieces[i - 1]!.offset);
          }
          const instants = [from, to, ...at.map((x) => from + Math.floor(x * length)), ...pieces.slice(0, -1).flatMap((p) => [p.until - 1, p.until])];
          for (const ms of instants) expect(dayOf(pieces, ms)).toBe(localDate(zone, ms));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a zone it does not know, naming tz', () => {
    expect(() => zoneDays('Mars/Olympus')).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'tz' }));
  });
});
