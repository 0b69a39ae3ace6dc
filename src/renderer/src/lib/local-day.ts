/**
 * Date filters in the UI are calendar days where the user is; the API takes instants (see
 * parseInstant in shared/schemas/instant.ts). The Logs and History filters and a key's expiry day
 * all convert here.
 */

export interface DayRangeForm {
  /** `YYYY-MM-DD` from a date input, or '' for no bound. */
  from: string;
  to: string;
}

export interface DayRangeError {
  field: 'from' | 'to';
  message: string;
}

/** A local calendar day as the instant it starts (ISO, UTC), `addDays` later; null for no such day. */
export function localDayStart(day: string, addDays = 0): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(y, m - 1, d);
  if (check.getFullYear() !== y || check.getMonth() !== m - 1 || check.getDate() !== d) return null;
  const date = new Date(y, m - 1, d + addDays);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * The instants for the local days a form holds, both days inclusive: "To 25 Nov" includes all of
 * 25 Nov here, so `to` is the start of the next local day (`toEdge: 'exclusive'`, as the logs
 * API takes it) or the last millisecond of 25 Nov (`'inclusive'`, as the promotions API takes
 * it). Or the field the form can already tell is wrong.
 *
 * @example
 * // in Europe/Paris
 * localDayRange({ from: '2026-11-25', to: '2026-11-25' }) // { range: { from: '2026-11-24T23:00:00.000Z', to: '2026-11-25T23:00:00.000Z' } }
 */
export function localDayRange(form: DayRangeForm, toEdge: 'exclusive' | 'inclusive' = 'exclusive'): { range: { from?: string; to?: string } } | { error: DayRangeError } {
  const from = form.from ? localDayStart(form.from) : undefined;
  const to = form.to ? (toEdge === 'inclusive' ? localDayEnd(form.to) : localDayStart(form.to, 1)) : undefined;
  if (from === null) return { error: { field: 'from', message: 'Use a date such as 2026-11-25' } };
  if (to === null) return { error: { field: 'to', message: 'Use a date such as 2026-11-25' } };
  if (form.from && form.to && form.to < form.from) return { error: { field: 'to', message: 'The end date is before the start date' } };
  return { range: { ...(from ? { from } : {}), ...(to ? { to } : {}) } };
}

/**
 * The last millisecond of a local calendar day (ISO, UTC), as a key's expiry: a key that "expires
 * on 25 Nov" works until 25 Nov ends where the user is; null for no such day.
 *
 * @example
 * // in America/Adak (UTC-10)
 * localDayEnd('2026-11-25') // '2026-11-26T09:59:59.999Z'
 */
export function localDayEnd(day: string): string | null {
  const next = localDayStart(day, 1);
  return next === null ? null : new Date(Date.parse(next) - 1).toISOString();
}

/** Today's local calendar date as `YYYY-MM-DD` (a date input's value), `now` in ms. */
export function localToday(now = Date.now()): string {
  const date = new Date(now);
  return `${String(date.getFullYear()).padStart(4, '0')}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}
