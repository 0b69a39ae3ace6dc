import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { commitVersion, promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { RenderInput, SaveVersionInput, UpdateVersionInput, VersionRefInput } from '../../../../src/shared/schemas/prompts';
import { CompareInput, PinInput, PromoteInput } from '../../../../src/shared/schemas/versions';
import { RunApiBody, StartRunInput } from '../../../../src/shared/schemas/runs';
import { RespanDeploySchema } from '../../../../src/main/core/compat/respan';
import { fromZodError } from '../../../../src/main/core/errors';
import type { Ctx } from '../../../../src/main/core/context';
import type { RawResponse } from '../../../helpers/http';

/**
 * Issue 10 items 2 and 19, follow-up: a version number is read by one parser at every door. Zero,
 * negatives, fractions, text and numeric strings where a JSON number is required all answer the
 * same 400 problem+json naming the input (`version`, `number`, `from`, `to`, `pinnedVersion`),
 * with one wording, and change nothing. Before, `?version=0` answered 404 ("not found") on GET,
 * render, run, compare and Conductor while `/versions/0` and a body's `version: 0` answered 400,
 * and Respan's deploy answered `"version": "2"` with "version is required".
 */
let t: TestHost;
let app: Ctx;
let id: string;

const save = (name: string, text: string) => saveVersion(app, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
/** Everything a refused request might have changed. */
const state = async () => ({
  versions: (await t.call('GET', '/api/v1/prompts/vin/versions')).json(),
  promotions: (await t.call('GET', '/api/v1/prompts/vin/promotions')).json(),
  deployment: (await t.call('GET', '/api/v1/prompts/vin/deployment')).json(),
});

beforeAll(async () => {
  t = await startTestHost();
  app = t.owner;
  seedPrompt(app, 'vin', 'one {{x}}', { api: true });
  save('vin', 'two {{x}}');
  save('vin', 'three {{x}}');
  promoteVersion(app, { name: 'vin', number: 1, notes: '' });
  commitVersion(app, 'vin', 2);
  id = (await t.call('GET', '/api/v1/prompts/vin')).json().id as string;
});
afterAll(() => t.stop());

type Door = [door: string, field: string, call: (raw: string) => Promise<RawResponse>];

const text = { 'content-type': 'text/plain' };
/** Doors that read a version number from URL text (a path segment or a query parameter). */
const TEXT_DOORS: Door[] = [
  ['GET ?version=', 'version', (v) => t.call('GET', `/api/v1/prompts/vin?version=${v}`)],
  ['render ?version=', 'version', (v) => t.call('POST', `/api/v1/prompts/vin/render?version=${v}`, { variables: { x: 'a' } })],
  ['run ?version=', 'version', (v) => t.call('POST', `/api/v1/prompts/vin/run?version=${v}`, { variables: { x: 'a' } })],
  ['compare ?from=', 'from', (v) => t.call('GET', `/api/v1/prompts/vin/compare?from=${v}&to=2`)],
  ['compare ?to=', 'to', (v) => t.call('GET', `/api/v1/prompts/vin/compare?from=1&to=${v}`)],
  ['GET /versions/N', 'number', (v) => t.call('GET', `/api/v1/prompts/vin/versions/${v}`)],
  ['PATCH /versions/N', 'number', (v) => t.call('PATCH', `/api/v1/prompts/vin/versions/${v}`, { commitMessage: 'm' })],
  ['DELETE /versions/N', 'number', (v) => t.call('DELETE', `/api/v1/prompts/vin/versions/${v}`)],
  ['POST /versions/N/commit', 'number', (v) => t.call('POST', `/api/v1/prompts/vin/versions/${v}/commit`)],
  ['POST /versions/N/promote', 'number', (v) => t.call('POST', `/api/v1/prompts/vin/versions/${v}/promote`, {})],
  ['POST /versions/N/unarchive', 'number', (v) => t.call('POST', `/api/v1/prompts/vin/versions/${v}/unarchive`)],
  ['respan GET version', 'version', (v) => t.call('GET', `/compat/respan/api/prompts/${id}/versions/${v}/`)],
  ['respan PATCH version', 'version', (v) => t.call('PATCH', `/compat/respan/api/prompts/${id}/versions/${v}/`, { description: 'd' })],
  ['respan DELETE version', 'version', (v) => t.call('DELETE', `/compat/respan/api/prompts/${id}/versions/${v}/`)],
  ['respan commit', 'version', (v) => t.call('POST', `/compat/respan/api/prompts/${id}/versions/${v}/commit/`)],
  ['logs filter ?version=', 'version', (v) => t.call('GET', `/api/v1/logs?version=${v}`)],
  ['conductor PUT ?version=', 'version', (v) => t.call('PUT', `/compat/conductor/api/prompts/vin?description=d&version=${v}`, undefined, text)],
];

/** Doors that read a version number from a JSON body. */
const JSON_DOORS: [door: string, field: string, call: (value: unknown) => Promise<RawResponse>][] = [
  ['render body version', 'version', (v) => t.call('POST', '/api/v1/prompts/vin/render', { version: v, variables: { x: 'a' } })],
  ['run body version', 'version', (v) => t.call('POST', '/api/v1/prompts/vin/run', { version: v, variables: { x: 'a' } })],
  ['PUT deployment pinnedVersion', 'pinnedVersion', (v) => t.call('PUT', '/api/v1/prompts/vin/deployment', { pinnedVersion: v })],
  ['respan deploy version', 'version', (v) => t.call('POST', `/compat/respan/api/prompts/${id}/deployments/`, { version: v })],
];

/** URL text that is not a version number, as sent (percent-encoded) and as the answer quotes it. */
const BAD_TEXT: [sent: string, shown: string][] = [
  ['0', '"0"'],
  ['00', '"00"'],
  ['-1', '"-1"'],
  ['1.5', '"1.5"'],
  ['2e0', '"2e0"'],
  ['0x2', '"0x2"'],
  ['%202', '" 2"'],
  ['two', '"two"'],
];

/** JSON values that are not a version number, and how the answer shows them. */
const BAD_JSON: [value: unknown, shown: string][] = [
  [0, '0'],
  [-1, '-1'],
  [1.5, '1.5'],
  ['2', 'the string "2"'],
  ['two', 'the string "two"'],
  [true, 'boolean'],
  [[2], 'object'],
];

describe('one parser for a version number at every door', () => {
  it.each(TEXT_DOORS.flatMap(([door, field, call]) => BAD_TEXT.map(([sent, shown]) => [door, sent, field, shown, call] as const)))(
    '%s %s: 400 naming %s, nothing changes',
    async (_door, sent, field, shown, call) => {
      const before = await state();
      const problem = expectProblem(await call(sent), 400, field);
      expect(problem.detail).toBe(`${field}: must be a whole number from 1, not ${shown}`);
      expect(await state()).toEqual(before);
    },
  );

  it.each(JSON_DOORS.flatMap(([door, field, call]) => BAD_JSON.map(([value, shown]) => [door, JSON.stringify(value), field, value, shown, call] as const)))(
    '%s %s: 400 naming %s, nothing changes',
    async (_door, _label, field, value, shown, call) => {
      const before = await state();
      const problem = expectProblem(await call(value), 400, field);
      expect(problem.detail).toBe(`${field}: must be a whole number from 1, not ${shown}`);
      expect(await state()).toEqual(before);
    },
  );

  it('Respan deploy with no version says it is required, and with "2" does not', async () => {
    const deploy = (body: object) => t.call('POST', `/compat/respan/api/prompts/${id}/deployments/`, body);
    expect(expectProblem(await deploy({}), 400, 'version').detail).toBe('version: a version number is required');
    expect(expectProblem(await deploy({ version: '2' }), 400, 'version').detail).not.toMatch(/required/);
  });

  it('a number past the largest is refused at the path and in a body alike', async () => {
    expect(expectProblem(await t.call('GET', '/api/v1/prompts/vin/versions/1000000000'), 400, 'number').detail).toBe('number: must be at most 999999999');
    expect(expectProblem(await t.call('PUT', '/api/v1/prompts/vin/deployment', { pinnedVersion: 1e9 }), 400, 'pinnedVersion').detail).toBe(
      'pinnedVersion: must be at most 999999999',
    );
  });

  it('each door still takes a good number (the refusals above are not all it does)', async () => {
    for (const [door, field, call] of TEXT_DOORS.filter(([d]) => !/DELETE|promote|unarchive|PATCH|conductor/.test(d))) {
      const res = await call('2');
      expect(res.status === 400 && res.json().field === field, `${door}: ${res.text}`).toBe(false);
    }
    expect((await t.call('GET', '/api/v1/prompts/vin?version=02')).json().version.number).toBe(2);
    expect((await t.call('POST', '/api/v1/prompts/vin/render', { version: 2, variables: { x: 'a' } })).status).toBe(200);
    expect((await t.call('POST', `/compat/respan/api/prompts/${id}/deployments/`, { version: 2 })).status).toBe(200);
  });
});

describe('the app and the bridge read the same rule (the shared schemas)', () => {
  /** Every contract input that carries a version number, with the field it names. */
  const SCHEMAS = [
    ['VersionRefInput', 'number', (n: unknown) => VersionRefInput.safeParse({ name: 'p', number: n })],
    ['UpdateVersionInput', 'number', (n: unknown) => UpdateVersionInput.safeParse({ name: 'p', number: n })],
    ['PromoteInput', 'number', (n: unknown) => PromoteInput.safeParse({ name: 'p', number: n })],
    ['CompareInput', 'from', (n: unknown) => CompareInput.safeParse({ name: 'p', from: n, to: 1 })],
    ['PinInput', 'version', (n: unknown) => PinInput.safeParse({ name: 'p', version: n })],
    ['RenderInput', 'version', (n: unknown) => RenderInput.safeParse({ name: 'p', version: n })],
    ['StartRunInput', 'version', (n: unknown) => StartRunInput.safeParse({ name: 'p', version: n })],
    ['RunApiBody', 'version', (n: unknown) => RunApiBody.safeParse({ version: n })],
    ['RespanDeploySchema', 'version', (n: unknown) => RespanDeploySchema.safeParse({ version: n })],
  ] as const;

  it('accepts exactly the whole numbers from 1 to 999,999,999, and refuses the rest with one message', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 20 }),
      fc.integer(),
      fc.double(),
      fc.string({ maxLength: 4 }),
      fc.integer({ min: 0, max: 20 }).map(String),
      fc.boolean(),
      fc.constant(1e9),
      fc.constant(999_999_999),
    );
    fc.assert(
      fc.property(value, (n) => {
        const valid = typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 999_999_999;
        const answers = SCHEMAS.map(([, field, parse]) => {
          const parsed = parse(n);
          if (parsed.success) return 'ok';
          const error = fromZodError(parsed.error);
          return error.field === field ? error.message.slice(field.length) : `wrong field ${error.field}`;
        });
        expect(answers.every((a) => a === answers[0])).toBe(true);
        expect(answers[0] === 'ok').toBe(valid);
      }),
    );
  });
});
