/**
 * CSV cells for log exports, safe to open in a spreadsheet (OWASP "CSV Injection").
 *
 * Excel, LibreOffice and Google Sheets run a cell as a formula when it starts with `=`, `+`,
 * `-` or `@`, and they skip leading blanks, line breaks, tabs and invisible format characters
 * (zero-width space, BOM) to find that first character; Excel on East Asian locales also
 * reads the full-width forms `＝＋－＠`. A cell that starts with a tab or CR is a trigger of
 * its own in OWASP's list, and one that starts with NUL in OWASP ASVS (1.2.10). Such a cell
 * is prefixed with `'`, which every spreadsheet shows as text and which a reader of the raw
 * file can strip.
 */

/** Any run of whitespace, control or format characters, then a formula trigger. */
const FORMULA_START = /^[\s\p{Cc}\p{Cf}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u;
const TAB_CR_OR_NUL_START = /^[\t\r\0]/;

/** True when a spreadsheet could read this text as a formula. */
export function isFormulaLike(text: string): boolean {
  return TAB_CR_OR_NUL_START.test(text) || FORMULA_START.test(text);
}

/**
 * One CSV cell (RFC 4180 quoting): null/undefined is empty, numbers and booleans are written
 * as they are, and a string a spreadsheet would run as a formula gets a leading `'`.
 *
 * @example csvCell('=1+1') // "'=1+1"
 * @example csvCell(' \n@SUM(A1)') // "\"' \n@SUM(A1)\""
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && isFormulaLike(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
