/**
 * The Logs filter as parsed from its form (src/renderer/src/state/logs-slice.ts toLogFilter): the
 * form and the server's filter round-trip, each field stands on its own, blanks and padding mean
 * "any", and a bad version or date range is refused naming its field.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { LogFilter } from '../../../src/shared/schemas/logs';

vi.mock('../../../src/renderer/src/lib/api', () => ({ api: {}, unwrap: async () => undefined, ApiError: class extends Error {} }));
vi.mock('../../../src/renderer/src/lib/bridge', () => ({ bridgeAuthHeaders: () => ({}) }));

interface Form {
  prompt: string;
  source: string;
  status: string;
  version: string;
  userId: string;
  model: string;
  from: string;
  to: string;
  q: string;
}
type Parsed = { filter: LogFilter } | { error: { field?: string; message: string } };

// Loaded by a computed path: its types pull in the browser's globals, which the test typecheck (Node) has not.
const LOGS_SLICE = '../../../src/renderer/src/state/logs-slice';
const { toLogFilter, isLogFilterActive, NO_LOG_FILTER } = (await import(/* @vite-ignore */ `${LOGS_SLICE}`)) as {
  toLogFilter: (scope: string | null, form: Form) => Parsed;
  isLogFilterActive: (form: Form) => boolean;
  NO_LOG_FILTER: Form;
};

const pad = fc.constantFrom('', ' ', '  ', '\t');
const padded = (value: fc.Arbitrary<string>) => fc.tuple(pad, value, pad).map(([a, v, b]) => `${a}${v}${b}`);
const day = fc.date({ min: new Date(2000, 0, 1), max: new Date(2099, 11, 31), noInvalidDate: true }).map(localDay);

function localDay(date: Date): string {
  return `${String(date.getFullYear()).padStart(4, '0')}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** A valid form with any of its fields filled; text fields may carry spaces around them. */
const form = fc
  .record({
    prompt: fc.option(padded(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/)), { nil: '' }),
    source: fc.constantFrom('', 'chat', 'api', 'test', 'refine', 'mcp'),
    status: fc.constantFrom('', 'running', 'success', 'error', 'cancelled'),
    version: fc.option(padded(fc.integer({ min: 1, max: 999_999_999 }).map(String)), { nil: '' }),
    userId: fc.option(fc.uuid(), { nil: '' }),
    model: fc.option(padded(fc.stringMatching(/^[a-z]{1,6}:[a-z0-9-]{1,8}$/)), { nil: '' }),
    days: fc.tuple(fc.option(day, { nil: '' }), fc.option(day, { nil: '' })),
    q: fc.option(padded(fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9 ]{0,10}[a-zA-Z0-9]$/)), { nil: '' }),
  })
  .map(({ days: [a, b], ...rest }): Form => {
    // Ordered so the range is valid: a range that ends before it starts is refused (tested below).
    const [from, to] = a && b && b < a ? [b, a] : [a, b];
    return { ...rest, from, to };
  });

/** The form the Logs screen would show for a server filter (dates back to local days). */
function formOf(filter: LogFilter): Form {
  return {
    prompt: filter.prompt ?? '',
    // The form picks one source and one status; the server's filter also takes lists.
    source: typeof filter.source === 'string' ? filter.source : '',
    status: typeof filter.status === 'string' ? filter.status : '',
    version: filter.version === undefined ? '' : String(filter.version),
    userId: filter.userId ?? '',
    model: filter.model ?? '',
    from: filter.from ? localDay(new Date(filter.from)) : '',
    // `to` is the start of the day after the last one included.
    to: filter.to ? localDay(new Date(Date.parse(filter.to) - 1)) : '',
    q: filter.q ?? '',
  };
}

const tidy = (f: Form): Form => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.trim()])) as unknown as Form;

function filterOf(scope: string | null, f: Form): LogFilter {
  const parsed = toLogFilter(scope, f);
  if ('error' in parsed) throw new Error(`refused ${JSON.stringify(f)}: ${parsed.error.message}`);
  return parsed.filter;
}

describe('Logs filter parsing', () => {
  it('form -> filter -> form -> filter round-trips, with blanks and padding dropped', () => {
    fc.assert(
      fc.property(form, (f) => {
        const filter = filterOf(null, f);
        expect(formOf(filter)).toEqual(tidy(f));
        expect(filterOf(null, formOf(filter))).toEqual(filter);
      }),
    );
  });

  it('each field stands on its own: the filter of a form is the union of its fields alone', () => {
    fc.assert(
      fc.property(form, (f) => {
        const union = Object.assign(
          {},
          ...(Object.keys(f) as (keyof Form)[])
            // A lone `from` or `to` is a valid range too, so the two days are parsed alone as well.
            .map((key) => filterOf(null, { ...NO_LOG_FILTER, [key]: f[key] })),
        );
        expect(filterOf(null, f)).toEqual(union);
      }),
    );
  });

  it('a blank form filters nothing and is not "active"; any filled field is', () => {
    expect(filterOf(null, NO_LOG_FILTER)).toEqual({});
    expect(isLogFilterActive(NO_LOG_FILTER)).toBe(false);
    expect(isLogFilterActive({ ...NO_LOG_FILTER, q: '   ' })).toBe(false);
    fc.assert(
      fc.property(form, (f) => {
        expect(isLogFilterActive(f)).toBe(Object.keys(filterOf(null, f)).length > 0);
      }),
    );
  });

  it("a Logs tab's own prompt wins over the form's", () => {
    fc.assert(
      fc.property(form, (f) => {
        expect(filterOf('fixed', f)).toEqual({ ...filterOf(null, f), prompt: 'fixed' });
      }),
    );
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '1234567890', '3 4'])('refuses version %j, naming the field', (version) => {
    expect(toLogFilter(null, { ...NO_LOG_FILTER, version })).toEqual({ error: { field: 'version', message: 'Use a version number such as 3' } });
  });

  it.each([
    [{ from: '2026-02-30' }, 'from'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-01' }, 'to'],
    [{ from: '2026-11-25', to: '2026-11-24' }, 'to'],
  ])('refuses the days %j, naming %s', (days, field) => {
    const parsed = toLogFilter(null, { ...NO_LOG_FILTER, ...days });
    expect('error' in parsed && parsed.error.field).toBe(field);
  });

  it('one day from and to is that whole local day', () => {
    const filter = filterOf(null, { ...NO_LOG_FILTER, from: '2026-11-25', to: '2026-11-25' });
    expect(filter).toEqual({ from: new Date(2026, 10, 25).toISOString(), to: new Date(2026, 10, 26).toISOString() });
  });
});
