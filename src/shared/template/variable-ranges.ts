import { parseTemplate, type TemplateSegment } from './parse';

/** A variable tag's place in a text: `text.slice(from, to)` is its `{{ name }}`. */
export interface VariableRange {
  from: number;
  to: number;
  name: string;
}

/**
 * Where the template parser reads a variable in `text`, for the editor's highlighting, so the
 * editor marks exactly the tags that render as values (`\{{x}}` and `\{{{x}}}` are text,
 * `\\{{x}}` and `{{{x}}}` are variables, a tag may span lines). The parser itself decides: for
 * a valid text these are its variable segments. A malformed tag (a refused name, spaces, empty)
 * is skipped through its `}}` and the rest is read on, so one typo does not hide the variables
 * after it; after an unclosed `{{` nothing can be a variable. Linear in the text's length:
 * each pass parses only up to the next problem.
 *
 * @example variableRanges('a \\{{x}} {{ y }}') // [{ from: 9, to: 16, name: 'y' }]
 */
export function variableRanges(text: string): VariableRange[] {
  const ranges: VariableRange[] = [];
  const collect = (start: number, segments: TemplateSegment[]) => {
    for (const segment of segments) {
      if (segment.kind === 'variable') ranges.push({ from: start + segment.start, to: start + segment.end, name: segment.name });
    }
  };
  let base = 0;
  while (base < text.length) {
    const parsed = parseTemplate(text.slice(base));
    if (parsed.ok) {
      collect(base, parsed.segments);
      break;
    }
    const problemAt = base + parsed.problem.offset;
    // The text before the first problem parses as the whole text did up to there.
    const before = parseTemplate(text.slice(base, problemAt));
    if (before.ok) collect(base, before.segments);
    const close = text.indexOf('}}', problemAt + 2);
    if (close === -1) break;
    base = close + 2;
  }
  return ranges;
}
