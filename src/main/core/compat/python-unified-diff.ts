import { structuredPatch } from 'diff';
import { linearLineDiff, LINE_DIFF_BUDGET_MS, LINE_DIFF_MAX_LINES } from '../versions/compare';
import { splitLinesKeepEnds } from './python-splitlines';

/*
 * Python's difflib.unified_diff as Open WebUI's history diff answers it (routers/prompts.py
 * get_prompt_diff: `content_diff`), computed with jsdiff within compare's line budget.
 */

/**
 * Python's difflib range form for a 1-based `start`: `start,length`, `start` alone for one line,
 * and for no lines the line before (`0,0` at the top), as jsdiff's own formatPatch does too.
 */
function range(start: number, length: number): string {
  if (length === 1) return String(start);
  return `${length === 0 ? start - 1 : start},${length}`;
}

/**
 * `difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True), fromfile, tofile,
 * lineterm="")` as a list: headers without line ends, each hunk line with its own (the last line
 * of a text without a final line break has none). Lines are split as Python's splitlines
 * (splitLinesKeepEnds: `\r`, `\f`, `\u2028`... end lines too). Each line is diffed as one token
 * (its JSON text, which holds no line break, plus `\n`), so jsdiff's `\n`-only line diff sees
 * exactly Python's lines. jsdiff computes the hunks within compare's line budget
 * (LINE_DIFF_MAX_LINES, LINE_DIFF_BUDGET_MS); past it the answer is one hunk from compare's linear
 * line diff, so a diff never blocks the server.
 */
export function unifiedDiffLines(from: string, to: string, fromFile: string, toFile: string): string[] {
  if (from === to) return [];
  const fromLines = splitLinesKeepEnds(from);
  const toLines = splitLinesKeepEnds(to);
  const encode = (lines: string[]) => lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  const decode = (token: string) => JSON.parse(token.endsWith('\n') ? token.slice(0, -1) : token) as string;
  const a = encode(fromLines);
  const b = encode(toLines);
  const patch =
    fromLines.length + toLines.length <= LINE_DIFF_MAX_LINES
      ? structuredPatch(fromFile, toFile, a, b, undefined, undefined, { context: 3, timeout: LINE_DIFF_BUDGET_MS })
      : undefined;
  const out = [`--- ${fromFile}`, `+++ ${toFile}`];
  if (patch) {
    for (const hunk of patch.hunks) {
      out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`);
      // Every token ends in \n, so jsdiff never adds a "\ No newline" line.
      for (const line of hunk.lines) out.push(`${line[0]}${decode(line.slice(1))}`);
    }
    return out;
  }
  const split = (tokens: string) => (tokens.match(/[^\n]*\n/g) ?? []).map(decode);
  const parts = linearLineDiff(a, b);
  const head = parts[0] && !parts[0].added && !parts[0].removed ? split(parts[0].value) : [];
  const removed = split(parts.find((p) => p.removed)?.value ?? '');
  const added = split(parts.find((p) => p.added)?.value ?? '');
  const last = parts.at(-1);
  const tail = parts.length > 1 && last && !last.added && !last.removed ? split(last.value) : [];
  const before = head.slice(-3);
  const after = tail.slice(0, 3);
  const oldStart = head.length - before.length + 1;
  out.push(
    `@@ -${range(oldStart, before.length + removed.length + after.length)} +${range(oldStart, before.length + added.length + after.length)} @@`,
    ...before.map((l) => ` ${l}`),
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...after.map((l) => ` ${l}`),
  );
  return out;
}
