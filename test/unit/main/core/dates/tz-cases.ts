/** Shared by dates-tz.test.ts and its child processes. */

/** One promotion (of version i + 1) and one log at each: around day boundaries of many zones. */
export const EVENT_TIMES = [
  '2026-11-24T09:30:00.000Z',
  '2026-11-24T22:30:00.000Z',
  '2026-11-24T23:30:00.000Z',
  '2026-11-25T00:00:00.000Z',
  '2026-11-25T05:00:00.000Z',
  '2026-11-25T10:00:00.000Z',
  '2026-11-25T13:30:00.000Z',
  '2026-11-25T18:45:00.000Z',
  '2026-11-25T23:59:59.999Z',
  '2026-11-26T00:00:00.000Z',
  '2026-11-26T11:00:00.000Z',
];

/** API inputs, valid and not: the server must answer each alike in every zone. */
export const SERVER_INPUTS: { from?: string; to?: string }[] = [
  { from: '2026-11-25', to: '2026-11-26' },
  { from: '2026-11-25' },
  { to: '2026-11-25' },
  { from: '2026-11-25T00:00:00+05:30', to: '2026-11-26T00:00:00+05:30' },
  { from: '2026-11-24T16:00:00-08:00', to: '2026-11-25T16:00:00-08:00' },
  { from: '2026-11-25T05:00:00Z', to: '2026-11-25T05:00:00.001Z' },
  { from: '2026-11-25T10:00', to: '2026-11-26' },
  { from: '2026-11-25', to: '2026-11-25T23:00:00' },
  { from: '2026-11-25 10:00' },
  { to: 'Nov 25 2026' },
  { from: '2026-02-30' },
  { to: '2026-11-25T24:00:00Z' },
  { from: '2026-11-26', to: '2026-11-25' },
];

/** Days a user picks in the History and Logs filters (from = to = that day). */
export const LOCAL_DAYS = ['2026-11-24', '2026-11-25', '2026-11-26'];

/** Zones with offsets from -11 to +14, half hours and a DST zone. */
export const ZONES = ['UTC', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'America/St_Johns', 'Europe/Paris', 'Asia/Kolkata', 'Asia/Tokyo', 'Pacific/Kiritimati'];
