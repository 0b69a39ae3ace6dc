import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../../src/main/host';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { MAX_TEMPLATE_VARIABLES } from '../../../../src/shared/template/parse';
import { MAX_JSON_VALUES } from '../../../../src/main/api/json-values';
import { http, type RawResponse } from '../../../helpers/http';
import { expectProblem } from '../../../helpers/host';
import { startBridgeHost, type BridgeHost } from '../../../helpers/host';

// Issue 10 item 12: tens of thousands of variables are the attack input. A template uses at most
// MAX_TEMPLATE_VARIABLES distinct variables, a render or run sends at most as many values, and a
// JSON body holds at most MAX_JSON_VALUES values: past each, every door answers 400 naming the
// field (a template with line and column of the first excess variable) and nothing is saved.
// What these inputs cost (event-loop delay) is printed by `npm run bench:input`.

let host: Host;
let port: number;
let key: string;
let served: BridgeHost;

beforeAll(async () => {
  served = await startBridgeHost();
  ({ host, port } = served);
  const owner = host.workspace.as(host.workspace.owner.id);
  key = createKey(owner, { userEmail: owner.actor.email, label: 'test' }).key;
});
afterAll(() => served.stop());

const json = (method: string, path: string, body: unknown): Promise<RawResponse> =>
  http(port, method, path, {
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const bridge = async (channel: string, body: unknown) => (await served.bridge(channel, body)).json();

/** `_0`, `_1`, ...: n distinct variable names. */
const names = (n: number, prefix = '_') => Array.from({ length: n }, (_, i) => `${prefix}${i.toString(36)}`);
/** One variable per line, so the first excess one's position is known: line n, column 3. */
const lines = (vars: string[]) => vars.map((v) => `- {{${v}}}`).join('\n');
const excess = `"_${MAX_TEMPLATE_VARIABLES.toString(36)}"`;
const where = `line ${MAX_TEMPLATE_VARIABLES + 1}, column 3`;

let prompts = 0;
async function newPrompt(text?: string): Promise<string> {
  const name = `p${++prompts}`;
  expect((await json('POST', '/api/v1/prompts', { name, title: name })).status).toBe(201);
  if (text !== undefined) expect((await json('POST', `/api/v1/prompts/${name}/versions`, { template: { kind: 'text', text } })).status).toBe(201);
  return name;
}
const versionCount = async (name: string) => (await json('GET', `/api/v1/prompts/${name}/versions`, '')).json().items.length as number;

describe('a template uses at most MAX_TEMPLATE_VARIABLES distinct variables', () => {
  // Every door that saves a template: one past the limit is refused at the first excess variable.
  const over = lines(names(MAX_TEMPLATE_VARIABLES + 1));
  const attack = names(25_000).map((v) => `{{${v}}}`).join('');
  const doors: { door: string; field: string; save: (name: string, text: string) => Promise<RawResponse> }[] = [
    { door: 'POST /api/v1/prompts/{name}/versions (text)', field: 'template.text', save: (n, text) => json('POST', `/api/v1/prompts/${n}/versions`, { template: { kind: 'text', text } }) },
    {
      door: 'POST /api/v1/prompts/{name}/versions (chat, counted across messages)',
      field: 'template.messages.1.content',
      // The first message's variables count towards the second's: the excess one is in message 1.
      save: (n, text) => {
        const [first, ...rest] = text.split('\n');
        return json('POST', `/api/v1/prompts/${n}/versions`, { template: { kind: 'chat', messages: [{ role: 'system', content: `${first}\n${first}` }, { role: 'user', content: [first, ...rest].join('\n') }] } });
      },
    },
    {
      door: 'PUT /compat/conductor/api/prompts/{name}',
      field: 'template.text',
      // Conductor writes variables as ${name} (docs/compat.md); {{name}} would be literal text there.
      save: (n, text) =>
        http(port, 'PUT', `/compat/conductor/api/prompts/${n}?description=d`, {
          headers: { 'x-authorization': key, 'content-type': 'text/plain' },
          body: text.replace(/\{\{([^}]*)\}\}/g, (_, v: string) => `\${${v}}`),
        }),
    },
    {
      door: 'POST /compat/respan/api/prompts/{id}/versions/',
      field: 'messages.0.content',
      save: (n, text) => json('POST', `/compat/respan/api/prompts/${n}/versions/`, { messages: [{ role: 'user', content: text }] }),
    },
  ];
  for (const { door, field, save } of doors) {
    it(`refuses one variable past the limit, and 25,000, through ${door}, naming ${field}; nothing is saved`, async () => {
      const name = await newPrompt('{{a}}');
      await json('PUT', `/api/v1/prompts/${name}/api`, { apiAccess: true });
      const refused = expectProblem(await save(name, over), 400, field);
      expect(refused.detail).toContain(excess);
      expect(refused.detail).toContain(MAX_TEMPLATE_VARIABLES.toLocaleString('en-US'));
      if (field.startsWith('template.text')) expect(refused.detail).toContain(where);
      expectProblem(await save(name, attack), 400);
      expect(await versionCount(name)).toBe(1);
    });
  }

  it('the editor (bridge) refuses the same save and preview, naming the field', async () => {
    const name = await newPrompt('{{a}}');
    const saved = await bridge('versions:save', { name, template: { kind: 'text', text: over } });
    expect(saved).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'template.text' } });
    expect(saved.error.message).toContain(where);
    const preview = await bridge('render:preview', { template: { kind: 'text', text: attack } });
    expect(preview).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'template' } });
    expect(preview.error.message).toContain('at most 1,000 different variables');
    expect(await versionCount(name)).toBe(1);
  });
});

describe('a render or run sends at most MAX_TEMPLATE_VARIABLES values', () => {
  const values = (n: number) => Object.fromEntries(names(n, 'v').map((v) => [v, '1']));
  it('a template at the limit saves and renders with every value; one value more is refused on render, run and preview', async () => {
    // The most a template may use, each variable many times.
    const vars = names(MAX_TEMPLATE_VARIABLES);
    const text = [lines(vars), lines(vars), vars.map((v) => `{{${v}}}`).join('')].join('\n');
    const name = await newPrompt(text);
    const version = (await json('GET', `/api/v1/prompts/${name}/versions/1`, '')).json();
    expect(version.detectedVariables).toEqual(vars);
    const given = Object.fromEntries(vars.map((v, i) => [v, String(i % 10)]));
    const rendered = await json('POST', `/api/v1/prompts/${name}/render`, { variables: given });
    expect(rendered.status).toBe(200);
    const digits = vars.map((_, i) => String(i % 10));
    const listed = digits.map((d) => `- ${d}`).join('\n');
    expect(rendered.json().text).toBe([listed, listed, digits.join('')].join('\n'));

    // Values past the limit, all but one unused.
    const small = await newPrompt('{{v0}}');
    const ok = await json('POST', `/api/v1/prompts/${small}/render`, { variables: values(MAX_TEMPLATE_VARIABLES) });
    expect(ok.status).toBe(200);
    expect(ok.json().unusedVariables).toHaveLength(MAX_TEMPLATE_VARIABLES - 1);
    for (const path of [`/api/v1/prompts/${small}/render`, `/api/v1/prompts/${small}/run`]) {
      const refused = expectProblem(await json('POST', path, { variables: values(MAX_TEMPLATE_VARIABLES + 1) }), 400, 'variables');
      expect(refused.detail).toContain('At most 1,000 variables');
    }
    const preview = await bridge('render:preview', { template: { kind: 'text', text: '{{v0}}' }, variables: values(MAX_TEMPLATE_VARIABLES + 1) });
    expect(preview).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'variables' } });
  });

  it('a body of tens of thousands of values is refused before it is parsed, naming where they are', async () => {
    const name = await newPrompt('{{v0}}');
    // About 1 MiB of tiny values, as the attack sends them.
    const flood = JSON.stringify({ variables: values(80_000) });
    expect(flood.length).toBeLessThan(1024 * 1024);
    for (const path of [`/api/v1/prompts/${name}/render`, `/api/v1/prompts/${name}/run`]) {
      const refused = expectProblem(await json('POST', path, flood), 400, 'variables');
      expect(refused.detail).toContain(MAX_JSON_VALUES.toLocaleString('en-US'));
    }
    // Elsewhere in a body too, at any depth, arrays included; the bridge reads bodies the same way.
    const messages = Array.from({ length: MAX_JSON_VALUES + 1 }, () => ({ role: 'user', content: 'x' }));
    expectProblem(await json('POST', `/api/v1/prompts/${name}/versions`, { template: { kind: 'chat', messages } }), 400, 'template.messages');
    expectProblem(await json('POST', `/api/v1/prompts/${name}/versions`, { template: { kind: 'text', text: 'x' }, extra: { a: [Array(MAX_JSON_VALUES + 1).fill(0)] } }), 400, 'extra.a.0');
    const viaBridge = await served.bridge('render:preview', { template: { kind: 'text', text: '{{v0}}' }, variables: values(80_000) });
    expectProblem(viaBridge, 400, 'variables');
    expect(await versionCount(name)).toBe(1);
  });
});
