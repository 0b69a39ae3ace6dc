/**
 * The line breaks Python's `str.splitlines` splits on (docs.python.org/3/library/stdtypes.html#str.splitlines):
 * `\n`, `\r`, `\r\n`, `\v` (\x0b), `\f` (\x0c), `\x1c`, `\x1d`, `\x1e`, `\x85`, `\u2028`, `\u2029`.
 * `\r\n` comes first so it is one break.
 */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what Python splits on
const PYTHON_LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;

/**
 * `text.splitlines(keepends=True)`: the lines of `text`, each with its own line break; a last
 * line without a break is kept as it is, and an empty text has no lines. Open WebUI's history
 * diff (routers/prompts.py, difflib.unified_diff) splits content this way.
 *
 * @example splitLinesKeepEnds('a\rb\r\nc') // ['a\r', 'b\r\n', 'c']
 */
export function splitLinesKeepEnds(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (const match of text.matchAll(PYTHON_LINE_BREAK)) {
    const end = match.index + match[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}
