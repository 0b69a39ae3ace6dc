import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, expectProblem, type TestHost } from '../../../helpers/host';
import { previewRender } from '../../../../src/main/core/render/render-service';
import { PreviewRenderInput } from '../../../../src/shared/schemas/prompts';
import { errorOf } from '../../../helpers/errors';
import { http } from '../../../helpers/http';
import { FORBIDDEN_KEYS } from '../../../../src/shared/reserved-keys';

// The worst inputs the API accepts (bodies up to 1 MiB, templates up to 200,000 characters),
// through the real server: what they answer is asserted here; what they cost (event-loop delay)
// is printed by `npm run bench:input`.
const MAX_RENDERED_CHARS = 1_000_000;

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(async () => t.stop());

let created = 0;
async function promptWith(text: string): Promise<string> {
  const name = `p${++created}`;
  expect((await t.call('POST', '/api/v1/prompts', { name, title: name })).status).toBe(201);
  const saved = await t.call('POST', `/api/v1/prompts/${name}/versions`, { template: { kind: 'text', text } });
  expect(saved.status, saved.text.slice(0, 300)).toBe(201);
  return name;
}

describe('worst-case input is bounded', () => {
  it('a 200,000-character template with 25,000 distinct variables is refused; with 1,000 it saves, renders and compares correctly', async () => {
    // `{{_0}}` ... `{{_jpz}}`: as many distinct names as fit in the template limit: refused at the
    // 1,001st (a template uses at most 1,000; test/unit/main/api/variable-limits.test.ts).
    const names = Array.from({ length: 25_000 }, (_, i) => `_${i.toString(36)}`);
    const attack = names.map((n) => `{{${n}}}`).join('');
    expect(attack.length).toBeLessThanOrEqual(200_000);
    expect((await t.call('POST', '/api/v1/prompts', { name: 'wide', title: 'wide' })).status).toBe(201);
    expectProblem(await t.call('POST', '/api/v1/prompts/wide/versions', { template: { kind: 'text', text: attack } }), 400, 'template.text');
    // The most a template may use, each used many times, filling the template limit.
    const used = names.slice(0, 1_000);
    const uses: string[] = [];
    for (let length = 0; length < 199_990; length += `{{${used[uses.length % 1_000]}}}`.length) uses.push(used[uses.length % 1_000]!);
    const text = uses.map((n) => `{{${n}}}`).join('');
    expect(text.length).toBeLessThanOrEqual(200_000);
    const name = await promptWith(text);
    const version = (await t.call('GET', `/api/v1/prompts/${name}/versions/1`)).json();
    expect(version.detectedVariables).toEqual(used);
    const values = Object.fromEntries(used.map((n, i) => [n, String(i % 10)]));
    const rendered = await t.call('POST', `/api/v1/prompts/${name}/render`, { variables: values });
    expect(rendered.status).toBe(200);
    expect(rendered.json().text).toBe(uses.map((n) => String(used.indexOf(n) % 10)).join(''));

    // Two long, entirely different versions: an exact diff (Myers' O(N·D) never finished here).
    const before = 'a\n'.repeat(100_000);
    const after = 'b\n'.repeat(100_000);
    const diffName = await promptWith(before);
    expect((await t.call('POST', `/api/v1/prompts/${diffName}/versions`, { template: { kind: 'text', text: after } })).status).toBe(201);
    const compared = await t.call('GET', `/api/v1/prompts/${diffName}/compare?from=1&to=2`);
    expect(compared.status).toBe(200);
    const parts = compared.json().template as { value: string; added?: boolean; removed?: boolean }[];
    expect(parts.filter((p) => !p.added).map((p) => p.value).join('')).toBe(before);
    expect(parts.filter((p) => !p.removed).map((p) => p.value).join('')).toBe(after);
  });

  it('output past the cap answers 413 payload_too_large naming variables, on render, run and preview; at the cap it renders', async () => {
    const value = 'x'.repeat(200_000);
    const atCap = await promptWith('{{x}}{{x}}{{x}}{{x}}{{x}}');
    const ok = await t.call('POST', `/api/v1/prompts/${atCap}/render`, { variables: { x: value } });
    expect(ok.status).toBe(200);
    expect(ok.json().text.length).toBe(MAX_RENDERED_CHARS);

    const overCap = await promptWith('{{x}}{{x}}{{x}}{{x}}{{x}}!');
    const over = expectProblem(await t.call('POST', `/api/v1/prompts/${overCap}/render`, { variables: { x: value } }), 413, 'variables');
    expect(over.detail).toContain('1,000,001');
    expect(over.detail).toContain('1,000,000');

    // 40,000 uses of a 200,000-character value: 8 billion characters, refused before building any.
    const repeat = await promptWith('{{x}}'.repeat(40_000));
    expectProblem(await t.call('POST', `/api/v1/prompts/${repeat}/render`, { variables: { x: value } }), 413, 'variables');
    expectProblem(await t.call('POST', `/api/v1/prompts/${repeat}/run`, { variables: { x: value } }), 413, 'variables');
    const preview = errorOf(() =>
      previewRender(PreviewRenderInput.parse({ template: { kind: 'text', text: '{{x}}'.repeat(40_000) }, variables: { x: value } })),
    );
    expect(preview).toMatchObject({ code: 'payload_too_large', field: 'variables' });
    // The server is still answering normally.
    expect((await t.call('GET', '/api/v1/health')).status).toBe(200);
  });
});

describe('size limits are stated', () => {
  it('a template, message or value past 200,000 characters is refused naming the field and the limit', async () => {
    expect((await t.call('POST', '/api/v1/prompts', { name: 'sizes', title: 'sizes' })).status).toBe(201);
    const long = 'x'.repeat(200_001);
    const text = expectProblem(await t.call('POST', '/api/v1/prompts/sizes/versions', { template: { kind: 'text', text: long } }), 400, 'template.text');
    expect(text.detail).toContain('longer than 200,000 characters');
    const chat = await t.call('POST', '/api/v1/prompts/sizes/versions', { template: { kind: 'chat', messages: [{ role: 'user', content: long }] } });
    expect(expectProblem(chat, 400, 'template.messages.0.content').detail).toContain('longer than 200,000 characters');
    const name = await promptWith('{{v}}');
    const value = expectProblem(await t.call('POST', `/api/v1/prompts/${name}/render`, { variables: { v: long } }), 400, 'variables.v');
    expect(value.detail).toContain('longer than 200,000 characters');
  });
});

describe('model settings state their ranges', () => {
  it('a temperature or max tokens out of range is refused naming the field and the range, not zod\'s "Too big"', async () => {
    expect((await t.call('POST', '/api/v1/prompts', { name: 'ranges', title: 'ranges' })).status).toBe(201);
    const cases: [Record<string, number>, string, string][] = [
      [{ temperature: 99 }, 'modelSettings.temperature', 'Temperature is a number from 0 to 2'],
      [{ temperature: -0.5 }, 'modelSettings.temperature', 'Temperature is a number from 0 to 2'],
      [{ maxTokens: 0 }, 'modelSettings.maxTokens', 'Max tokens is a whole number from 1 to 1,000,000'],
      [{ maxTokens: 1.5 }, 'modelSettings.maxTokens', 'Max tokens is a whole number from 1 to 1,000,000'],
      [{ maxTokens: 2_000_000 }, 'modelSettings.maxTokens', 'Max tokens is a whole number from 1 to 1,000,000'],
    ];
    for (const [modelSettings, field, detail] of cases) {
      const res = await t.call('POST', '/api/v1/prompts/ranges/versions', { template: { kind: 'text', text: 'x' }, modelSettings });
      expect(expectProblem(res, 400, field).detail).toContain(detail);
    }
  });
});

describe('templates mean one thing', () => {
  it('refuses a variable name the body guard refuses, with line and column; allows the rest', async () => {
    expect((await t.call('POST', '/api/v1/prompts', { name: 'proto', title: 'proto' })).status).toBe(201);
    const refused = await t.call('POST', '/api/v1/prompts/proto/versions', { template: { kind: 'text', text: 'Hello\n  {{ __proto__ }}' } });
    const problem = expectProblem(refused, 400, 'template.text');
    expect(problem.detail).toContain('__proto__');
    expect(problem.detail).toContain('line 2, column 3');
    // The same name as a body key is refused by the guard: the two sides agree.
    const seeded = await promptWith('{{x}}');
    for (const key of FORBIDDEN_KEYS) {
      const body = `{"variables":{${JSON.stringify(key)}:"x"}}`;
      const asKey = await http(t.port, 'POST', `/api/v1/prompts/${seeded}/render`, {
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body,
      });
      expectProblem(asKey, 400, `variables.${key}`);
      const asName = await t.call('POST', '/api/v1/prompts/proto/versions', { template: { kind: 'text', text: `{{${key}}}` } });
      expect(expectProblem(asName, 400, 'template.text').detail).toContain('line 1, column 1');
    }
    // `constructor` and `prototype` are ordinary keys: saved, sent and rendered like any name.
    const ordinary = await promptWith('{{constructor}} {{prototype}}');
    const rendered = await t.call('POST', `/api/v1/prompts/${ordinary}/render`, { variables: { constructor: 'a', prototype: 'b' } });
    expect(rendered.json().text).toBe('a b');
  });

  it('flags a Windows path whose backslash escapes a variable; \\\\{{user}} renders the backslash and the value', async () => {
    expect((await t.call('POST', '/api/v1/prompts', { name: 'paths', title: 'paths' })).status).toBe(201);
    const flagged = await t.call('POST', '/api/v1/prompts/paths/versions', { template: { kind: 'text', text: 'Open\nC:\\Users\\{{user}}\\Desktop' } });
    const problem = expectProblem(flagged, 400, 'template.text');
    expect(problem.detail).toContain('line 2, column 9');
    expect(problem.detail).toContain('\\\\{{user}}');
    // The display message (it may use variables too) follows the same grammar, as its own field.
    const display = await t.call('POST', '/api/v1/prompts/paths/versions', {
      template: { kind: 'text', text: '{{user}}' },
      displayMessage: 'Files of\nD:\\{{user}}',
    });
    expect(expectProblem(display, 400, 'displayMessage').detail).toContain('line 2, column 3');
    const proto = await t.call('POST', '/api/v1/prompts/paths/versions', { template: { kind: 'text', text: 'x' }, displayMessage: 'Hi {{__proto__}}' });
    expect(expectProblem(proto, 400, 'displayMessage').detail).toContain('line 1, column 4');
    const name = await promptWith('C:\\Users\\\\{{user}}\\Desktop and \\{{literal}}');
    const rendered = await t.call('POST', `/api/v1/prompts/${name}/render`, { variables: { user: 'ada' } });
    expect(rendered.json().text).toBe('C:\\Users\\ada\\Desktop and {{literal}}');
  });
});
