import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tokenOf } from '../../../../src/main/api/auth';

// tokenOf reads the key out of an Authorization header with one match instead of three regular
// expressions; the header's meaning must not change. The three-expression version it replaced,
// as the reference:
function reference(raw: string): string {
  const trimmed = raw.trim();
  if (/^bearer$/i.test(trimmed)) return '';
  return /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '') : trimmed;
}

const spaces = fc.constantFrom(' ', '  ', '\t', '\u00a0', '\u2003', '\ufeff', '\n', '');
const scheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr', 'Bearerx', 'Bear', 'Basic', 'Token', '');
const token = fc.oneof(fc.constantFrom('pd_abcdefghijkl_' + 'x'.repeat(43), 'a b', 'Bearer', 'bearer x', ''), fc.string({ maxLength: 12 }));

describe('tokenOf (the key in one Authorization header)', () => {
  it('answers as the three-expression reading did, for any scheme, spacing and token', () => {
    fc.assert(
      fc.property(spaces, scheme, spaces, token, spaces, (before, s, between, t, after) => {
        const raw = `${before}${s}${between}${t}${after}`;
        expect(tokenOf(raw)).toBe(reference(raw));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (raw) => {
        expect(tokenOf(raw)).toBe(reference(raw));
      }),
    );
  });

  it('reads the common spellings', () => {
    expect(tokenOf('Bearer pd_x')).toBe('pd_x');
    expect(tokenOf('bearer   pd_x ')).toBe('pd_x');
    expect(tokenOf(' Bearer ')).toBe('');
    expect(tokenOf('Bearerpd_x')).toBe('Bearerpd_x');
    expect(tokenOf('Basic abc')).toBe('Basic abc');
  });
});
