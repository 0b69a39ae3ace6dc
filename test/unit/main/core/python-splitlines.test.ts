import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitLinesKeepEnds } from '../../../../src/main/core/compat/python-splitlines';
import { unifiedDiffLines } from '../../../../src/main/core/compat/python-unified-diff';

/**
 * A reference `str.splitlines(keepends=True)` written from Python's documentation
 * (docs.python.org/3/library/stdtypes.html#str.splitlines): a character-by-character loop over
 * the documented boundaries, `\r\n` taken as one.
 */
const BOUNDARIES = new Set(['\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029']);
function referenceSplitlines(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    line += ch;
    if (ch === '\r' && text[i + 1] === '\n') {
      line += '\n';
      i++;
    }
    if (BOUNDARIES.has(ch)) {
      lines.push(line);
      line = '';
    }
  }
  if (line) lines.push(line);
  return lines;
}

const linesText = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029', 'é', '\t'), { maxLength: 30 }).map((p) => p.join(''));

describe("Python's splitlines(keepends=True)", () => {
  it('matches the reference on texts full of line boundaries', () => {
    fc.assert(
      fc.property(fc.oneof(linesText, fc.string()), (text) => {
        expect(splitLinesKeepEnds(text)).toEqual(referenceSplitlines(text));
      }),
    );
  });

  it('documented examples', () => {
    expect(splitLinesKeepEnds('ab c\n\nde fg\rkl\r\n')).toEqual(['ab c\n', '\n', 'de fg\r', 'kl\r\n']);
    expect(splitLinesKeepEnds('')).toEqual([]);
    expect(splitLinesKeepEnds('One line\n')).toEqual(['One line\n']);
  });
});

describe('content_diff over Python lines', () => {
  it('hunk lines (without their one-character prefix) rebuild both texts from their lines', () => {
    fc.assert(
      fc.property(linesText, linesText, (a, b) => {
        fc.pre(a !== b);
        const diff = unifiedDiffLines(a, b, 'a', 'b').slice(2);
        const old = diff.filter((l) => !l.startsWith('@@') && (l[0] === ' ' || l[0] === '-')).map((l) => l.slice(1));
        const next = diff.filter((l) => !l.startsWith('@@') && (l[0] === ' ' || l[0] === '+')).map((l) => l.slice(1));
        const aLines = referenceSplitlines(a);
        const bLines = referenceSplitlines(b);
        // Every hunk line is a whole Python line of its side, in order.
        for (const line of old) expect(aLines).toContain(line);
        for (const line of next) expect(bLines).toContain(line);
        // With no context cut (short texts), a single hunk covers everything changed.
        expect(old.length).toBeLessThanOrEqual(aLines.length);
        expect(next.length).toBeLessThanOrEqual(bLines.length);
      }),
    );
  });

  it("Python's answer for the report's example", () => {
    expect(unifiedDiffLines('a\rb\rc', 'a\rX\rc', 'f', 't')).toEqual(['--- f', '+++ t', '@@ -1,3 +1,3 @@', ' a\r', '-b\r', '+X\r', ' c']);
  });
});
