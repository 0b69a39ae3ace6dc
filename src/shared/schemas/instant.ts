import { z } from 'zod';

/**
 * Date and time inputs at the API. `Date.parse` reads "2026-11-25T10:00" (no offset) in the
 * server's own time zone, so the same request meant different instants on different machines;
 * here an instant is either a bare date, which is a UTC day, or a date-time that says its offset.
 */

export const INSTANT_HINT = 'Use a date such as 2026-11-25 (a UTC day) or a date-time with its offset such as 2026-11-25T10:00:00Z or 2026-11-25T10:00:00+01:00';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const DAY_MS = 86_400_000;
/** `2026-11-25T10:00:00 01:00`: a `+01:00` sent unencoded in a query string, which reads `+` as a space. */
const PLUS_READ_AS_SPACE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)? \d{2}:?\d{2}$/;

export type InstantParse = { ok: true; ms: number; isDate: boolean } | { ok: false; message: string };

/** Milliseconds of a UTC calendar date, or NaN when there is no such day (2026-02-30). */
function utcDay(y: number, m: number, d: number): number {
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? ms : NaN;
}

/**
 * The one parser for date and time inputs at the API (logs and promotion filters, key expiry).
 * `2026-11-25` is that UTC day: its first millisecond, or with `edge: 'end'` its last. A date-time
 * (RFC 3339: `2026-11-25T10:00:00Z`, `…+01:00`, optional seconds and fraction) must carry its
 * offset; without one it is refused. Never depends on the zone of the machine running it.
 *
 * @example
 * parseInstant('2026-11-25') // { ok: true, ms: 1795564800000, isDate: true }
 * parseInstant('2026-11-25T10:00') // { ok: false, message: 'Add the time zone offset…' }
 */
export function parseInstant(value: string, edge: 'start' | 'end' = 'start'): InstantParse {
  const text = value.trim();
  const date = DATE.exec(text);
  if (date) {
    const day = utcDay(Number(date[1]), Number(date[2]), Number(date[3]));
    if (Number.isNaN(day)) return { ok: false, message: `There is no day ${text}. ${INSTANT_HINT}` };
    return { ok: true, ms: edge === 'end' ? day + DAY_MS - 1 : day, isDate: true };
  }
  const dt = DATE_TIME.exec(text);
  if (!dt && PLUS_READ_AS_SPACE.test(text)) {
    return { ok: false, message: `"${text}" has a space where its offset's "+" was: in a URL's query "+" means a space, so write it as %2B (2026-11-25T10:00:00%2B01:00)` };
  }
  if (!dt) return { ok: false, message: INSTANT_HINT };
  const [, y, mo, d, h, mi, s = '0', fraction = '', offset] = dt;
  if (offset === undefined) {
    return { ok: false, message: `Add the time zone offset (Z for UTC, or such as +01:00): without one "${text}" means a different instant on every machine` };
  }
  const day = utcDay(Number(y), Number(mo), Number(d));
  const [hours, minutes, seconds] = [Number(h), Number(mi), Number(s)];
  if (Number.isNaN(day) || hours > 23 || minutes > 59 || seconds > 59) return { ok: false, message: `There is no such time: ${text}. ${INSTANT_HINT}` };
  let offsetMs = 0;
  if (offset.toUpperCase() !== 'Z') {
    const digits = offset.replace(':', '');
    const [oh, om] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5))];
    if (oh > 23 || om > 59) return { ok: false, message: `There is no such offset: ${offset}. ${INSTANT_HINT}` };
    offsetMs = (digits[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const millis = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  return { ok: true, ms: day + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis - offsetMs, isDate: false };
}

/** A string field holding an API instant (see parseInstant); refused with INSTANT_HINT otherwise. */
export const InstantSchema = z
  .string()
  .max(40)
  .superRefine((value, issue) => {
    const parsed = parseInstant(value);
    if (!parsed.ok) issue.addIssue({ code: 'custom', message: parsed.message });
  });
