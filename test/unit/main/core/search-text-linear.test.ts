/**
 * Issue 10 item 12 (work bounded by input size): what search indexes is built in time linear in
 * the text. Intl.Segmenter slows down far more than linearly on one long run (a 200,000-character
 * Chinese template took over a minute to save, stalling the server); searchableText now splits
 * plain Han/Kana text by code point and segments the rest in windows. Its output must stay
 * exactly what segmenting each whole run gives (the index and queries must agree), and a long
 * text in every such script saves and is found by its words (those in the indexed part).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWorkspace, seedPrompt } from '../../../helpers/workspace';
import { searchableText } from '../../../../src/main/core/search/search-text';
import { listPrompts, MAX_INDEXED_TEMPLATE_CHARS } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { ListPromptsInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// The runs searchableText splits, as its own pattern has them.
// eslint-disable-next-line no-misleading-character-class -- ZWJ, VS16 and keycap joiners one by one, as in search-text.ts
const RUN = /(?:[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}\p{Script=Yi}]\p{M}*)+|[\p{S}\p{Extended_Pictographic}\u200d\ufe0f\u20e3]+/gu;

/** Each whole run segmented at once: the reference the windows must reproduce. */
function reference(text: string): string {
  // eslint-disable-next-line no-control-regex -- ASCII needs no normalising
  const normal = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKC');
  return normal.replace(RUN, (run) => {
    let spaced = ' ';
    for (const { segment } of graphemes.segment(run)) spaced += `${segment} `;
    return spaced;
  });
}

// Pieces that join into graphemes across a window edge: marks, Thai SARA AM, Hangul jamo, emoji
// ZWJ sequences, flags (regional indicator pairs), skin tones, keycaps, Han spacing marks.
const PIECES = ['用', '户', 'が', 'ｶﾞ', '한', 'ᄀ', 'ᅡ', 'ᆨ', 'ก', 'ำ', '่', 'ສ', 'ຳ', 'ក', 'ា', '្', 'မ', 'ြ', 'ཀ', 'ྐ', 'ꀀ', 'ㄅ', '🚀', '👨‍👩‍👧', '🇫', '🇷', '❤️', '1️⃣', '👍🏽', '\u0301', '\u200d', '\ufe0f', '\u{16FF0}', 'a', ' ', '.', '々', 'ー'];

describe('searchableText is linear and exact', () => {
  it('property: the same tokens as segmenting each whole run, for texts with runs longer than a window', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 1_200 }), (parts) => {
        const text = parts.join('');
        expect(searchableText(text)).toBe(reference(text));
      }),
      { numRuns: 300 },
    );
  });

  it('every code point of the scripts split without the segmenter (Han, Kana, Bopomofo, Yi, symbols, emoji, Thai, Lao) splits as the segmenter does', () => {
    // Checked pairwise (segmenting all 150,000 at once is the slow case itself): with itself, and
    // between two Han characters; the windows and the code point split must give the same.
    const wrong: string[] = [];
    for (let code = 0; code < 0x32000; code++) {
      const char = String.fromCodePoint(code);
      if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\p{Script=Yi}]/u.test(char)) {
        for (const text of [`${char}${char}`, `用${char}用`]) if (searchableText(text) !== reference(text)) wrong.push(code.toString(16));
      }
      if (/[\p{S}\p{Extended_Pictographic}]/u.test(char)) {
        for (const text of [`${char}${char}`, `🚀${char}🚀`]) if (searchableText(text) !== reference(text)) wrong.push(code.toString(16));
      }
      if (/[\p{Script=Thai}\p{Script=Lao}]/u.test(char)) {
        for (const text of [`${char}${char}`, `ก${char}ก`, `ก${char}\u0E33`, `ก${char}\u0E48`, `ສ${char}\u0EB3`]) if (searchableText(text) !== reference(text)) wrong.push(code.toString(16));
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('a 200,000-character template in a script without spaces saves and is found', () => {
  let ws: ReturnType<typeof testWorkspace>;
  beforeAll(() => {
    ws = testWorkspace();
  });
  afterAll(() => ws.cleanup());

  // Search holds a template's first MAX_INDEXED_TEMPLATE_CHARS characters (README, Search):
  // a word ending right there is found, one only after it is not.
  const SCRIPTS: [string, string, string][] = [
    ['Chinese', '用户登录失败', '结尾词'],
    ['Japanese', 'ラーメンを食べました', '終わりの言葉'],
    ['Thai', 'สวัสดีครับ', 'คำสุดท้าย'],
    ['emoji', '🚀👍🏽', '🦄'],
  ];
  for (const [script, unit, word] of SCRIPTS) {
    it(`${script}: saved; a word ending at the indexed limit finds it, one past it does not`, () => {
      const name = `long-${script.toLowerCase()}`;
      seedPrompt(ws.owner, name, 'x');
      const fill = (chars: number) => unit.repeat(Math.floor(chars / unit.length));
      const head = fill(MAX_INDEXED_TEMPLATE_CHARS - word.length - unit.length);
      const inside = `${head}${' '.repeat(MAX_INDEXED_TEMPLATE_CHARS - word.length - head.length)}${word}`;
      expect(inside.length).toBe(MAX_INDEXED_TEMPLATE_CHARS);
      const text = `${inside}${fill(200_000 - inside.length - 2)}再見`;
      saveVersion(ws.owner, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
      expect(listPrompts(ws.owner, ListPromptsInput.parse({ query: word })).items.map((p) => p.name)).toEqual([name]);
      expect(listPrompts(ws.owner, ListPromptsInput.parse({ query: '再見' })).items).toEqual([]);
    });
  }
});
