/**
 * Issue 10 item 15: search finds what was typed. Matrix: scripts (zh, ja, ko, th, emoji,
 * symbols only, mixed, Latin with diacritics) x doors (library search service, API `?query=`,
 * logs `q` in the service and the API). A word inside CJK/Thai text is found; a query of only
 * symbols or emoji matches them literally, one of only punctuation matches nothing, and no
 * query ever lists every prompt. Then a property test over random symbol/emoji/punctuation queries.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { listPrompts } from '../../../../src/main/core/prompts/prompts-service';
import { listLogs } from '../../../../src/main/core/logs/logs-service';
import { searchableText, toMatchQuery, MATCH_NOTHING } from '../../../../src/main/core/search/search-text';
import { ListPromptsInput } from '../../../../src/shared/schemas/prompts';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';
import type { LogRecord } from '../../../../src/main/store/repos/logs-repo';

interface Case {
  script: string;
  text: string;
  /** Queries that must find this text and nothing else. */
  finds: string[];
}

const CASES: Case[] = [
  { script: 'zh', text: '用户登录失败时请重试', finds: ['登录', '失败时', '用户', '请重试'] },
  { script: 'ja', text: '東京都でラーメンを食べました', finds: ['ラーメン', '食べ', '東京', 'でラー'] },
  { script: 'ko', text: '학교에서 친구를 만났어요', finds: ['친구', '학교', '만났', '친구를'] },
  { script: 'th', text: 'สวัสดีครับยินดีต้อนรับ', finds: ['ยินดี', 'ต้อนรับ', 'สวัสดี'] },
  { script: 'emoji', text: 'Launch day 🚀🎉 with the team 👩‍💻', finds: ['🚀', '🎉', '🚀🎉', '👩‍💻', 'launch 🚀'] },
  { script: 'symbols', text: 'Costs 5 € or ≈ 6 $ → ok', finds: ['€', '≈', '→', '$', '€ ≈'] },
  { script: 'mixed', text: 'iPhone手机壳 review 2024', finds: ['手机', '手机 review', 'review 手机壳', 'iphone'] },
  { script: 'latin', text: 'Crème brûlée recipe from Málaga', finds: ['creme brulee', 'CRÈME', 'brûl', 'malaga', 'Málaga recipe', 'rec\u200Bipe', 'Mála\u00ADga', '\uFEFFcrème'] },
  // Keyboards add a variation selector to many emoji (❤️ is ❤ U+FE0F) and texts differ in it:
  // found whichever side has it, alone or side by side.
  { script: 'emoji-vs', text: 'Made with ❤️☕ at dawn ☀ ⛵️ #️⃣', finds: ['❤', '❤️', '☕️', '☀️', '❤☕', '❤️☕️', '⛵', '⛵️ dawn', '#️⃣'] },
];
/** Queries that must find nothing at all: punctuation only, and words absent from every text. */
const FINDS_NOTHING = ['!!!', '@#%', '...', '“”', '「」', '京都大学', '🍕', '£', 'ยินร้าย',
  // Combining marks alone: FTS5 drops diacritics, so they were an empty prefix that matched every prompt.
  '\u0301', '\u0300\u0301', '! \u0308', '\u20dd', '\uFE0F', '\uFE0F\u0301"', '🍕\uFE0F\u0301'];
/** Another prompt in every search, so "every prompt" would show. */
const FILLER = 'A plain English prompt about invoices and refunds';

let t: TestHost;

type Door = (query: string) => Promise<string[]>;
const DOORS: Record<string, Door> = {
  'library service': async (query) => listPrompts(t.owner, ListPromptsInput.parse({ query, limit: 100 })).items.map((p) => p.name).sort(),
  'API ?query=': async (query) => {
    const res = await t.call('GET', `/api/v1/prompts?query=${encodeURIComponent(query)}&limit=100`);
    expect(res.status).toBe(200);
    return (res.json().items as { name: string }[]).map((p) => p.name).sort();
  },
  'logs service q': async (query) => listLogs(t.owner, ListLogsInput.parse({ q: query, limit: 500 })).items.map((l) => l.prompt).sort(),
  'logs API q': async (query) => {
    const res = await t.call('GET', `/api/v1/logs?q=${encodeURIComponent(query)}&limit=500`);
    expect(res.status).toBe(200);
    return (res.json().items as { prompt: string }[]).map((l) => l.prompt).sort();
  },
};

function logOf(name: string, text: string, i: number): LogRecord {
  const row = t.owner.store.prompts.getRowByName(name)!;
  return {
    id: `log-${name}`, promptId: row.id, promptName: name, version: 1, source: 'api', userId: t.owner.actor.id, keyLabel: 'k', model: 'local:echo',
    status: 'success', startedAt: Date.parse('2026-11-01T00:00:00Z') + i * 1000, latencyMs: 1, ttftMs: 1, tokensIn: 1, tokensOut: 1,
    dataLogging: 'full', variableNames: '["input"]', variables: JSON.stringify({ input: 'x' }), messages: '[]', output: text,
    outputChars: text.length, error: null, conversationId: null,
  };
}

beforeAll(async () => {
  t = await startTestHost();
  const all = [...CASES.map((c) => [`s-${c.script}`, c.text] as const), ['filler', FILLER] as const];
  for (const [name, text] of all) seedPrompt(t.owner, name, text, { api: true });
  t.owner.store.logs.insertMany(all.map(([name, text], i) => logOf(name, text, i)));
});
afterAll(() => t.stop());

describe.each(Object.entries(DOORS))('%s', (_door, search) => {
  describe.each(CASES)('$script', ({ script, finds }) => {
    it.each(finds)('finds %s', async (query) => {
      expect(await search(query)).toEqual([`s-${script}`]);
    });
  });

  it.each(FINDS_NOTHING)('finds nothing for %s (never every prompt)', async (query) => {
    expect(await search(query)).toEqual([]);
  });

  it('still lists everything for a blank query', async () => {
    expect((await search('  ')).length).toBe(CASES.length + 1);
  });
});

describe('any query of symbols, emoji and punctuation', () => {
  const docs = [...CASES.map((c) => [`s-${c.script}`, c.text] as const), ['filler', FILLER] as const];
  const pieces = ['🚀', '🎉', '🍕', '€', '$', '≈', '→', '£', '!', '?', '#', '%', '…', '“', '、', '。', ' '];
  it('matches only texts holding every symbol it names, literally, and nothing when it names none', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 }), (parts) => {
        const query = parts.join('');
        if (query.trim() === '') return;
        const found = listPrompts(t.owner, ListPromptsInput.parse({ query, limit: 100 })).items.map((p) => p.name).sort();
        // Symbols typed together are found side by side (spaces and punctuation between them aside).
        const runs = query.match(/[\p{S}\p{Extended_Pictographic}]+/gu) ?? [];
        const expected = runs.length === 0 ? [] : docs.filter(([, text]) => runs.every((run) => text.replace(/[\s\p{P}]/gu, '').includes(run))).map(([name]) => name).sort();
        expect({ query, found }).toEqual({ query, found: expected });
      }),
      { numRuns: 200 },
    );
  });
});

describe('any query at all', () => {
  // FTS5 syntax, quotes, marks, variation selectors, joiners, emoji and CJK, in any order.
  const pieces = ['"', '*', '(', ')', ':', '^', '-', '+', 'OR', 'NEAR', 'AND', 'NOT', '{name}', ' ', '\u0301', '\uFE0F', '\u200D', '\u20E3',
    '🚀', '❤', '☕', '👩', '💻', '登', 'ร', 'ั', 'a', 'é', '1', '€', '!', "'"];
  it('never fails, in the library, the chat launcher or the logs, and never lists everything unless blank', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 10 }), (parts) => {
        const query = parts.join('');
        const library = listPrompts(t.owner, ListPromptsInput.parse({ query, limit: 100 })).items;
        listPrompts(t.owner, ListPromptsInput.parse({ query, limit: 100 }), 'runnable');
        const logs = listLogs(t.owner, ListLogsInput.parse({ q: query, limit: 500 })).items;
        if (query.normalize('NFKC').trim() !== '') {
          expect(library.length, query).toBeLessThan(CASES.length + 1);
          expect(logs.length, query).toBeLessThan(CASES.length + 1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('search text', () => {
  it('leaves text without CJK/Thai characters or symbols as it is', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'abc XYZ 019 .,;:!?-_\'"()'.split('')) }), (text) => {
      expect(searchableText(text)).toBe(text);
    }));
  });

  it('quotes FTS syntax as text and says "nothing" apart from "no search"', () => {
    expect(toMatchQuery('')).toBeNull();
    expect(toMatchQuery('   ')).toBeNull();
    expect(toMatchQuery('!!!')).toBe(MATCH_NOTHING);
    expect(toMatchQuery('a OR b NEAR(c)')).toBe('"a"* "OR"* "b"* "NEAR"* "c"*');
  });
});
