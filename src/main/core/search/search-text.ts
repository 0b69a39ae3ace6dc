/**
 * What full-text search indexes and what a typed query becomes, for the library
 * (prompts_fts) and the logs (run_logs_fts) alike.
 *
 * FTS5's unicode61 tokenizer splits words at spaces and punctuation, so a Chinese, Japanese,
 * Thai… sentence was one giant token (a word inside it could never be found), and symbols and
 * emoji were separators (a query made only of them had no words, so it filtered nothing and
 * listed every prompt). Here every character of a script written without spaces, and every
 * symbol or emoji, becomes a token of its own (one grapheme each), in the index and in the
 * query alike; a query word is then the phrase of its tokens, which FTS5 finds only where those
 * tokens stand side by side: substring search in those scripts, word-prefix search elsewhere.
 * Both tables are created with the tokenizer options of migration 0080 (symbols S* and marks M*
 * are token characters), written there literally: a shipped migration never changes.
 */

/**
 * An FTS5 query that matches nothing: an empty phrase. For text that holds something but no
 * searchable word (only punctuation): such a query finds nothing rather than everything.
 */
export const MATCH_NOTHING = '""';

/** At most this many words of a query are used (each is a term lookup). */
const MAX_WORDS = 16;

// Scripts written without spaces between words (and Hangul, whose words carry particles), then
// symbols and emoji parts (ZWJ, variation selector and keycap joiners keep a sequence whole).
const SPLIT_SCRIPTS = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}\p{Script=Yi}`;
const SYMBOLS = String.raw`\p{S}\p{Extended_Pictographic}\u200d\ufe0f\u20e3`;
/** A run of characters that becomes one token per grapheme (marks stay with their letter). */
// eslint-disable-next-line no-misleading-character-class -- ZWJ, VS16 and keycap joiners are wanted one by one inside a run
const SPLIT_RUN = new RegExp(String.raw`(?:[${SPLIT_SCRIPTS}]\p{M}*)+|[${SYMBOLS}]+`, 'gu');
// eslint-disable-next-line no-misleading-character-class -- ZWJ, VS16 and keycap joiners are wanted one by one inside a run
const NEEDS_SPLIT = new RegExp(`[${SPLIT_SCRIPTS}${SYMBOLS}]`, 'u');
/** What a query is made of: words (letters, digits, marks, underscore) and runs of symbols. */
// eslint-disable-next-line no-misleading-character-class -- ZWJ, VS16 and keycap joiners are wanted one by one inside a run
const QUERY_WORD = new RegExp(String.raw`[\p{L}\p{N}\p{M}_]+|[${SYMBOLS}]+`, 'gu');

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * At most this many characters (UTF-16 units) of one column are indexed: full-text indexing
 * costs about one token per CJK/Thai character, so a 1 MiB value would stall the server on save
 * or run for longer than a request may (issue 10, item 12). Words past it are not found.
 */
export const MAX_INDEXED_CHARS = 50_000;

/** The first MAX_INDEXED_CHARS characters of `text`, never half a surrogate pair. */
export function indexedPrefix(text: string): string {
  if (text.length <= MAX_INDEXED_CHARS) return text;
  const high = text.charCodeAt(MAX_INDEXED_CHARS - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? MAX_INDEXED_CHARS - 1 : MAX_INDEXED_CHARS);
}

/**
 * What a column's search document holds: searchableText of its indexed prefix. The one function
 * for inserting into and deleting from an index, so both always give the same tokens.
 */
export function indexedSearchText(text: string | null): string | null {
  return text === null ? null : searchableText(indexedPrefix(text));
}

/**
 * `text` as the search index takes it: NFKC (as queries are), with every character of
 * Han/Kana/Hangul/Thai/Lao/Khmer/Myanmar/Tibetan/Yi text and every symbol or emoji set apart by
 * spaces. Text with none of those (most Latin text) is returned unchanged, without a copy.
 * Linear in the text. Null stays null (columns not logged).
 *
 * @example
 * searchableText('用户登录失败 at 10:00 🚀') // ' 用 户 登 录 失 败  at 10:00  🚀 '
 */
export function searchableText(text: string): string;
export function searchableText(text: string | null): string | null;
export function searchableText(text: string | null): string | null {
  if (text === null) return null;
  // eslint-disable-next-line no-control-regex -- ASCII needs no normalising
  const normal = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKC');
  if (!NEEDS_SPLIT.test(normal)) return normal;
  return normal.replace(SPLIT_RUN, spacedGraphemes);
}

/**
 * Code points of scripts where each one is a grapheme of its own (no marks, joiners or jamo),
 * but U+16FF0 and U+16FF1 (Han, yet spacing marks that join the character before them).
 */
const ONE_PER_CODE_POINT = /^(?:(?![\u{16FF0}\u{16FF1}])[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\p{Script=Yi}])+$/u;
/**
 * Symbols and emoji that are graphemes of their own: not regional indicators (they pair into
 * flags) nor skin-tone modifiers (they join the emoji before them); joiners, variation
 * selectors and keycaps are not symbols, so a run holding one takes the segmenter.
 */
// eslint-disable-next-line no-misleading-character-class -- the class lists the modifiers one by one, to exclude them
const SYMBOLS_ONE_PER_CODE_POINT = /^(?:(?![\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}])[\p{S}\p{Extended_Pictographic}])+$/u;
/** Thai and Lao text: a grapheme is a character and the marks (and SARA AM) after it. */
const THAI_LAO = /^[\p{Script=Thai}\p{Script=Lao}\p{M}]+$/u;
const THAI_LAO_GRAPHEME = /.[\p{M}\u0E33\u0EB3]*/gsu;
/** Characters handed to the segmenter at once: it slows down more than linearly on long texts. */
const SEGMENT_WINDOW = 256;

/**
 * ` a b c `: each grapheme of `run` followed by a space. Intl.Segmenter takes seconds on one
 * 200,000-character run (a save then stalled the server for a minute), so plain Han/Kana text
 * is split by code point, and anything else is segmented in windows: each window's last
 * grapheme may continue past it, so the next window starts at that grapheme, which gives
 * exactly the segmentation of the whole run. Linear in the run's length.
 */
function spacedGraphemes(run: string): string {
  if (ONE_PER_CODE_POINT.test(run) || SYMBOLS_ONE_PER_CODE_POINT.test(run)) return run.replace(/./gsu, '$& ').replace(/^/, ' ');
  if (THAI_LAO.test(run)) return run.replace(THAI_LAO_GRAPHEME, '$& ').replace(/^/, ' ');
  let spaced = ' ';
  let start = 0;
  for (;;) {
    const end = Math.min(run.length, start + SEGMENT_WINDOW);
    let last: Intl.SegmentData | undefined;
    for (const data of graphemes.segment(run.slice(start, end))) {
      if (last) spaced += `${last.segment} `;
      last = data;
    }
    // A window holding one grapheme only (longer than the window: only contrived text has one)
    // is cut at the window's end.
    if (end === run.length || !last || last.index === 0) {
      if (last) spaced += `${last.segment} `;
      if (end === run.length) return spaced;
      start = end;
    } else start += last.index;
  }
}

/** Variation selectors say whether an emoji is drawn as text or as a picture, not which it is. */
const VARIATION_SELECTORS = /[\uFE0E\uFE0F]/gu;
/** One symbol or emoji character, which a text may carry with or without a variation selector. */
const ONE_SYMBOL = /^[\p{S}\p{Extended_Pictographic}]$/u;
/**
 * Combining diacritics alone (U+0300-U+036F): FTS5's remove_diacritics drops them from tokens,
 * which left an empty prefix matching every row. Other marks stay in tokens (a keycap's U+20E3).
 */
const DIACRITICS_ONLY = /^[\u0300-\u036F]+$/u;
/** Format characters that only change how a word breaks or joins at a line's end; not ZWJ/ZWNJ, which join emoji and letters. */
const INVISIBLE_IN_WORDS = /[\u00AD\u180E\u200B\u2060\uFEFF]/g;
/** At most this many spellings of one query word (with and without variation selectors). */
const MAX_SPELLINGS = 8;

/**
 * A query word as FTS5 phrases, or null when nothing in it can be searched (diacritics alone). An
 * emoji is found whether the text or the query has it with a variation selector (`❤️`, typed by
 * most keyboards) or without (`❤`): the last token, a prefix, is its bare form; earlier ones are
 * tried both ways.
 */
function wordPhrase(word: string): string | null {
  if (DIACRITICS_ONLY.test(word)) return null;
  const tokens = searchableText(word)
    .trim()
    .split(/\s+/)
    .filter((token) => token !== '');
  const options = tokens
    .map((token, i) => {
      const bare = token.replace(VARIATION_SELECTORS, '');
      // Nothing left for FTS5 to match on: a prefix of nothing would match every row.
      if (bare === '' || DIACRITICS_ONLY.test(bare)) return [];
      if (!ONE_SYMBOL.test(bare)) return [token];
      return i === tokens.length - 1 ? [bare] : [bare, `${bare}\uFE0F`];
    })
    .filter((choices) => choices.length > 0);
  if (options.length === 0) return null;
  let spellings: string[][] = [[]];
  for (const choices of options) {
    const next = spellings.flatMap((spelling) => choices.map((choice) => [...spelling, choice]));
    // Too many emoji in one word to try every spelling: the one typed (selectors dropped).
    spellings = next.length > MAX_SPELLINGS ? spellings.map((spelling) => [...spelling, choices[0]!]) : next;
  }
  const phrases = spellings.map((spelling) => `"${spelling.join(' ').replace(/"/g, '""')}"*`);
  return phrases.length === 1 ? phrases[0]! : `(${phrases.join(' OR ')})`;
}

/**
 * Turns what a person types into an FTS5 query over searchableText's index: every word must
 * match; a Latin (or any spaced-script) word as a prefix (`"refund"*`), a word in a script
 * without spaces or a run of symbols/emoji as the phrase of its characters, found anywhere in
 * the text (`"登 录"*`). Quoted, so FTS syntax in the input is just text. Null when the query
 * is blank (no search); MATCH_NOTHING when it holds only punctuation (or combining diacritics alone).
 *
 * @example
 * toMatchQuery('refund 登录 🚀') // '"refund"* "登 录"* "🚀"*'
 * toMatchQuery('!!!') // '""' (matches nothing)
 */
export function toMatchQuery(query: string): string | null {
  // Invisible characters pasted inside a word (zero-width space, soft hyphen, word joiner, BOM) would cut it in two.
  const text = query.normalize('NFKC').replace(INVISIBLE_IN_WORDS, '');
  if (text.trim() === '') return null;
  const phrases = (text.match(QUERY_WORD) ?? [])
    .map(wordPhrase)
    .filter((phrase): phrase is string => phrase !== null)
    .slice(0, MAX_WORDS);
  if (phrases.length === 0) return MATCH_NOTHING;
  // FTS5 joins phrases by juxtaposition, but not a parenthesised group: then AND says it.
  return phrases.join(phrases.some((phrase) => phrase.startsWith('(')) ? ' AND ' : ' ');
}
