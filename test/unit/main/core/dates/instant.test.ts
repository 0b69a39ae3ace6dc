/**
 * Issue 10 item 16: the one parser of API dates and times (parseInstant) and the doors that use
 * it. A bare date is a UTC day; a date-time must carry its offset; refusals name the field.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstant } from '../../../../../src/shared/schemas/instant';
import { expectProblem, startTestHost, type TestHost } from '../../../../helpers/host';
import { seedPrompt, testWorkspace } from '../../../../helpers/workspace';
import { createKey } from '../../../../../src/main/core/keys/keys-service';

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `ms` as the wall-clock time at `offsetMinutes` from UTC, written with that offset. */
function wallTime(ms: number, offsetMinutes: number, style: 'colon' | 'compact' | 'z'): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const body = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  if (style === 'z') return `${body}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return `${body}${sign}${pad(Math.floor(off / 60))}${style === 'colon' ? ':' : ''}${pad(off % 60)}`;
}

describe('parseInstant', () => {
  it('reads any date-time written with any offset as the instant it names', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1970-01-02T00:00:00Z'), max: Date.parse('2199-12-30T00:00:00Z') }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        fc.constantFrom('colon', 'compact', 'z') as fc.Arbitrary<'colon' | 'compact' | 'z'>,
        (ms, offset, style) => {
          const text = wallTime(ms, style === 'z' ? 0 : offset, style);
          expect(parseInstant(text)).toEqual({ ok: true, ms, isDate: false });
        },
      ),
    );
  });

  it('refuses any date-time without an offset, whatever it is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.parse('2199-12-30T00:00:00Z') }), fc.constantFrom('T', 't', ' '), fc.boolean(), (ms, sep, seconds) => {
        const iso = new Date(ms).toISOString();
        const text = `${iso.slice(0, 10)}${sep}${seconds ? iso.slice(11, 23) : iso.slice(11, 16)}`;
        const parsed = parseInstant(text);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.message).toMatch(/offset/);
      }),
    );
  });

  it('takes a bare date as its UTC day, and refuses days and times that do not exist', () => {
    expect(parseInstant('2026-11-25')).toEqual({ ok: true, ms: Date.UTC(2026, 10, 25), isDate: true });
    expect(parseInstant('2026-11-25', 'end')).toEqual({ ok: true, ms: Date.UTC(2026, 10, 26) - 1, isDate: true });
    expect(parseInstant('2028-02-29').ok).toBe(true);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-11-25T24:00:00Z', '2026-11-25T10:60Z', '2026-11-25T10:00+24:00', 'Nov 25 2026', '1764028800000', '', 'today', '2026-11-25T10:00:00.000+0100x']) {
      expect({ bad, ok: parseInstant(bad).ok }).toEqual({ bad, ok: false });
    }
  });
});

describe('API doors refuse a date-time without an offset with 400 naming the field', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost();
    seedPrompt(t.owner, 'dated', 'Hello {{x}}', { api: true });
  });
  afterAll(() => t.stop());

  const PATHS = ['/api/v1/logs?', '/api/v1/prompts/dated/promotions?'];
  const BAD = ['2026-11-25T10:00', '2026-11-25T10:00:00.000', '2026-11-25 10:00', 'Nov 25 2026', '2026-02-30'];
  for (const path of PATHS) {
    for (const field of ['from', 'to'] as const) {
      it.each(BAD)(`${path}${field}=%s`, async (value) => {
        const problem = expectProblem(await t.call('GET', `${path}${field}=${encodeURIComponent(value)}`), 400, field);
        expect(problem.code).toBe('invalid_input');
      });
    }
    it(`${path} says to write an offset's "+" as %2B when it arrives as a space`, async () => {
      for (const field of ['from', 'to']) {
        const problem = expectProblem(await t.call('GET', `${path}${field}=2026-11-25T10:00:00+01:00`), 400, field);
        expect(problem.detail).toContain('%2B');
      }
    });
    it(`${path} takes dates and offset date-times`, async () => {
      for (const query of ['from=2026-11-25&to=2026-11-26', `from=${encodeURIComponent('2026-11-25T10:00:00+05:30')}`, 'to=2026-11-25T10:00:00Z']) {
        expect((await t.call('GET', `${path}${query}`)).status).toBe(200);
      }
    });
  }

  it('key expiry: a date-time without an offset is refused naming expiresAt', () => {
    const w = testWorkspace();
    try {
      expect(() => createKey(w.owner, { userEmail: w.owner.actor.email, label: 'x', expiresAt: '2099-01-01T10:00' })).toThrow(expect.objectContaining({ field: 'expiresAt' }));
      expect(createKey(w.owner, { userEmail: w.owner.actor.email, label: 'y', expiresAt: '2099-01-01' }).info.expiresAt).toBe('2099-01-01T23:59:59.999Z');
    } finally {
      w.cleanup();
    }
  });
});
