/**
 * Issue 11 (Open WebUI attack items 12 and 13): a body that is not UTF-8 was decoded leniently
 * (`caf\xe9` stored as `caf\uFFFD`), and a JSON escape of a lone surrogate (`\ud800`) was stored
 * as is or as U+FFFD. Every door reads bodies through src/main/api/body.ts (bodyTextOf), so each
 * refuses both, with a 400 naming `body` in its own shape, and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { seedPrompt } from '../../../helpers/workspace';
import { bodyTextOf } from '../../../../src/main/api/body';
import { AppError } from '../../../../src/main/core/errors';

let t: TestHost;
let owId: string;
beforeAll(async () => {
  t = await startTestHost();
  seedPrompt(t.owner, 'uni', 'Hi {{who}}', { api: true, slashCommand: 'uni' });
  owId = t.owner.store.prompts.getRowByName('uni')!.id;
});
afterAll(() => t.stop());

/** One write per door, as a JSON text whose `name`-like member is `value` (raw JSON, not escaped again). */
const DOORS: Array<[string, string, (value: string) => string, () => string]> = [
  ['native create', 'POST', (v) => `{"name":"uni-new","title":"${v}"}`, () => '/api/v1/prompts'],
  ['native update', 'PATCH', (v) => `{"title":"${v}"}`, () => '/api/v1/prompts/uni'],
  ['Open WebUI create', 'POST', (v) => `{"command":"l2","name":"${v}","content":"c"}`, () => '/compat/openwebui/api/v1/prompts/create'],
  ['Open WebUI update', 'POST', (v) => `{"command":"uni","name":"${v}","content":"c"}`, () => `/compat/openwebui/api/prompts/id/${owId}/update`],
  ['Respan create', 'POST', (v) => `{"name":"${v}","description":"d"}`, () => '/compat/respan/api/prompts/'],
  ['Conductor save', 'PUT', (v) => `"Hello ${v}"`, () => '/compat/conductor/api/prompts/uni-c?description=d'],
];

describe.each(DOORS)('%s', (label, method, bodyOf, pathOf) => {
  const send = (_label: string, path: string, body: Buffer) =>
    http(t.port, method, path, { headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' }, body });

  it('refuses bytes that are not UTF-8, naming body', async () => {
    // "caf\xe9": Latin-1 é, a byte that is not UTF-8.
    const bytes = Buffer.from(bodyOf('caf\xe9'), 'latin1');
    const res = await send(label, pathOf(), bytes);
    expect([label, res.status]).toEqual([label, 400]);
    expect(res.json()).toMatchObject({ field: 'body', detail: expect.stringContaining('UTF-8') });
  });

  it('refuses a lone surrogate escape, naming body; a pair is fine', async () => {
    for (const lone of ['x\\ud800y', '\\udc00', 'a\\ud83d', '\\\\\\ud800']) {
      const res = await send(label, pathOf(), Buffer.from(bodyOf(lone)));
      expect([label, lone, res.status]).toEqual([label, lone, 400]);
      expect(res.json()).toMatchObject({ field: 'body', detail: expect.stringContaining('lone surrogate') });
    }
  });
});

describe('bodyTextOf', () => {
  const decode = (text: string) => bodyTextOf(Buffer.from(text, 'utf8'), 'application/json');
  const refused = (fn: () => unknown) => {
    try {
      fn();
      return false;
    } catch (error) {
      return error instanceof AppError && error.field === 'body';
    }
  };

  it('accepts every well-formed string JSON.stringify writes, and refuses exactly the lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const json = JSON.stringify({ s });
        expect(decode(json)).toBe(json);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ unit: 'binary' }), (a, code, b) => {
        // JSON.stringify escapes a lone surrogate as \udXXX (well-formed JSON.stringify, ES2019).
        const json = JSON.stringify({ s: `${a}${String.fromCharCode(code)}${b}` });
        // In u-mode a paired surrogate is one code point, so \p{Cs} finds only the lone ones.
        const wellFormed = !/\p{Cs}/u.test(`${a}${String.fromCharCode(code)}${b}`);
        expect(refused(() => decode(json))).toBe(!wellFormed);
      }),
    );
  });

  it('an escaped backslash before "ud800" is text, not an escape', () => {
    expect(decode('{"s":"\\\\ud800"}')).toBe('{"s":"\\\\ud800"}');
  });

  it('a declared charset other than UTF-8 is refused', () => {
    expect(() => bodyTextOf(Buffer.from('{}'), 'application/json; charset=iso-8859-1')).toThrow(/UTF-8/);
    expect(bodyTextOf(Buffer.from('{}'), 'application/json; charset=UTF-8')).toBe('{}');
  });
});
