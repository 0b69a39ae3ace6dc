import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { seedPrompt } from '../../../helpers/workspace';
import { errorOf } from '../../../helpers/errors';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { cancelRun, prepareRun, startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { getVersion, saveVersion } from '../../../../src/main/core/versions/versions-service';
import { deleteVersion, getDeployment, pinDeployment, promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { listLogs } from '../../../../src/main/core/logs/logs-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { StartRunInput } from '../../../../src/shared/schemas/runs';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';
import type { Ctx } from '../../../../src/main/core/context';
import type { RawResponse } from '../../../helpers/http';

/**
 * Issue 10 items 2, 18 and 19, through every door: a deleted version number stays 404 (it is never
 * given again), a prompt with no saved version is found and refuses to render or run with a 409,
 * and the pin applies to API deployments only (the app serves the active version).
 */
let t: TestHost;
let provider: FakeProvider;
let app: Ctx;

const save = (name: string, text: string) => saveVersion(app, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));

beforeAll(async () => {
  provider = await startFakeProvider();
  t = await startTestHost();
  app = t.owner;
  saveIntegration(app, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

/** The run's whole answer, once it is over and logged (cancelRun waits for the log write). */
async function finished(ctx: Ctx, runId: string) {
  let text = '';
  for (let cursor = 0; ; ) {
    const progress = await watchRun(ctx, { runId, cursor });
    text += progress.text;
    cursor = progress.cursor;
    if (progress.status !== 'running') break;
  }
  return { ...(await cancelRun(ctx, runId)), text };
}

describe('a deleted version number answers 404 forever, through every door (item 2)', () => {
  let id: string;
  beforeAll(async () => {
    seedPrompt(app, 'ids', 'one {{x}}', { api: true });
    save('ids', 'two {{x}}');
    save('ids', 'three {{x}}');
    deleteVersion(app, 'ids', 3);
    deleteVersion(app, 'ids', 2);
    // Saved after deleting the newest: must be a new number (v4), not a second v2 or v3.
    fourth = save('ids', 'four {{x}}').number;
    promoteVersion(app, { name: 'ids', number: fourth, notes: '' });
    id = (await t.call('GET', '/api/v1/prompts/ids')).json().id as string;
  });
  let fourth: number;

  it('a save after deleting the newest versions gets the next number never given', () => {
    expect(fourth).toBe(4);
  });

  const DELETED = [2, 3];
  const doors: [string, (n: number) => Promise<RawResponse>][] = [
    ['GET ?version=N', (n) => t.call('GET', `/api/v1/prompts/ids?version=${n}`)],
    ['GET /versions/N', (n) => t.call('GET', `/api/v1/prompts/ids/versions/${n}`)],
    ['PATCH /versions/N', (n) => t.call('PATCH', `/api/v1/prompts/ids/versions/${n}`, { commitMessage: 'x' })],
    ['DELETE /versions/N', (n) => t.call('DELETE', `/api/v1/prompts/ids/versions/${n}`)],
    ['POST /versions/N/commit', (n) => t.call('POST', `/api/v1/prompts/ids/versions/${n}/commit`)],
    ['POST /versions/N/promote', (n) => t.call('POST', `/api/v1/prompts/ids/versions/${n}/promote`, {})],
    ['POST /versions/N/unarchive', (n) => t.call('POST', `/api/v1/prompts/ids/versions/${n}/unarchive`)],
    ['render body version', (n) => t.call('POST', '/api/v1/prompts/ids/render', { version: n, variables: { x: 'a' } })],
    ['render ?version=N', (n) => t.call('POST', `/api/v1/prompts/ids/render?version=${n}`, { variables: { x: 'a' } })],
    ['run version', (n) => t.call('POST', '/api/v1/prompts/ids/run', { version: n, variables: { x: 'a' }, model: 'local:echo' })],
    ['compare from', (n) => t.call('GET', `/api/v1/prompts/ids/compare?from=${n}&to=4`)],
    ['compare to', (n) => t.call('GET', `/api/v1/prompts/ids/compare?from=1&to=${n}`)],
    ['PUT deployment pin', (n) => t.call('PUT', '/api/v1/prompts/ids/deployment', { pinnedVersion: n })],
    ['respan GET version', (n) => t.call('GET', `/compat/respan/api/prompts/${id}/versions/${n}/`)],
    ['respan PATCH version', (n) => t.call('PATCH', `/compat/respan/api/prompts/${id}/versions/${n}/`, { description: 'x' })],
    ['respan DELETE version', (n) => t.call('DELETE', `/compat/respan/api/prompts/${id}/versions/${n}/`)],
    ['respan commit', (n) => t.call('POST', `/compat/respan/api/prompts/${id}/versions/${n}/commit/`)],
    ['respan deploy', (n) => t.call('POST', `/compat/respan/api/prompts/${id}/deployments/`, { version: n })],
    [
      'conductor PUT ?version=N',
      (n) => t.call('PUT', `/compat/conductor/api/prompts/ids?description=d&version=${n}`, undefined, { 'content-type': 'text/plain' }),
    ],
  ];

  it.each(doors.flatMap(([door, call]) => DELETED.map((n) => [door, n, call] as const)))('%s with deleted v%i: 404, nothing changes', async (_door, n, call) => {
    const before = (await t.call('GET', '/api/v1/prompts/ids/versions')).json();
    const problem = expectProblem(await call(n), 404);
    expect(problem.detail).toMatch(new RegExp(`Version ${n} .*deleted`));
    expect((await t.call('GET', '/api/v1/prompts/ids/versions')).json()).toEqual(before);
  });

  it('the app door (IPC) answers not found too, and the newest saves keep counting up', () => {
    for (const n of DELETED) expect(errorOf(() => getVersion(app, 'ids', n))).toMatchObject({ code: 'not_found' });
    expect(save('ids', 'five {{x}}').number).toBe(5);
  });
});

describe('a prompt with no saved version (item 18)', () => {
  beforeAll(async () => {
    expect((await t.call('POST', '/api/v1/prompts', { name: 'blank', title: 'Blank' })).status).toBe(201);
  });

  it('is found: 200 with version null', async () => {
    const res = await t.call('GET', '/api/v1/prompts/blank');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ name: 'blank', version: null });
    expect((await t.call('GET', '/api/v1/prompts/blank/deployment')).json()).toMatchObject({ servedVersion: null });
  });

  it.each([
    ['render', () => t.call('POST', '/api/v1/prompts/blank/render', { variables: {} })],
    ['run', () => t.call('POST', '/api/v1/prompts/blank/run', { variables: {}, model: 'local:echo' })],
    ['run (stream)', () => t.call('POST', '/api/v1/prompts/blank/run', { variables: {}, model: 'local:echo', stream: true })],
  ])('%s answers 409 "no saved version yet"', async (_door, call) => {
    const problem = expectProblem(await call(), 409);
    expect(problem.detail).toMatch(/no saved version yet/);
    expect(problem.detail).not.toMatch(/not found/);
  });

  it('the chat launcher and a chat run answer the same conflict', () => {
    for (const attempt of [() => prepareRun(app, 'blank'), () => startRun(app, StartRunInput.parse({ name: 'blank', model: 'local:echo' }))]) {
      const error = errorOf(attempt);
      expect(error).toMatchObject({ code: 'conflict' });
      expect(error.message).toMatch(/no saved version yet/);
    }
  });

  it('a prompt created through a compat API is found the same way', async () => {
    const created = (await t.call('POST', '/compat/respan/api/prompts/', { name: 'Respan blank' })).json();
    expect((await t.call('GET', `/compat/respan/api/prompts/${created.id}/`)).status).toBe(200);
    const native = await t.call('GET', '/api/v1/prompts/respan-blank');
    expect(native.status).toBe(200);
    expect(native.json().version).toBeNull();
    expect(expectProblem(await t.call('POST', '/api/v1/prompts/respan-blank/render', { variables: {} }), 409).detail).toMatch(/no saved version yet/);
  });
});

describe('the served version: the pin is for API deployments only (item 19)', () => {
  beforeAll(() => {
    seedPrompt(app, 'served', 'one {{x}}', { api: true });
    save('served', 'two {{x}}');
    save('served', 'three {{x}}');
    promoteVersion(app, { name: 'served', number: 2, notes: '' });
    pinDeployment(app, 'served', 1);
  });

  it('API doors (the Open WebUI object too) serve the pinned version; the chat launcher, chat runs and the test panel default get the active one', async () => {
    expect((await t.call('GET', '/api/v1/prompts/served')).json().version.number).toBe(1);
    expect((await t.call('POST', '/api/v1/prompts/served/render', { variables: { x: 'a' } })).json()).toMatchObject({ version: 1, text: 'one a' });
    const run = (await t.call('POST', '/api/v1/prompts/served/run', { variables: { x: 'a' }, model: 'local:echo' })).json();
    expect(run).toMatchObject({ version: 1, output: 'Echo: one a' });
    expect(getDeployment(app, 'served')).toMatchObject({ pinnedVersion: 1, publishedVersion: 2, servedVersion: 1 });

    expect(prepareRun(app, 'served').version).toBe(2);
    const chat = startRun(app, StartRunInput.parse({ name: 'served', variables: { x: 'a' }, model: 'local:echo' }));
    expect(chat.version).toBe(2);
    expect(await finished(app, chat.runId)).toMatchObject({ status: 'success', text: 'Echo: two a' });
    const test = startRun(app, StartRunInput.parse({ name: 'served', variables: { x: 'b' }, model: 'local:echo', source: 'test' }));
    expect(test.version).toBe(2);
    await finished(app, test.runId);
    const id = (await t.call('GET', '/api/v1/prompts/served')).json().id as string;
    // Open WebUI pulls prompts through this API door, so it gets what the API deployment serves
    // (issue 11, Open WebUI attack item 3: its production showed v2 while v1 was served).
    expect((await t.call('GET', `/compat/openwebui/api/prompts/id/${id}`)).json()).toMatchObject({ content: 'one {{x}}' });
  });

  it('every run is logged with the version it used', async () => {
    const items = listLogs(app, ListLogsInput.parse({ prompt: 'served' })).items;
    const bySource = Object.fromEntries(items.map((e) => [e.source, e.version]));
    expect(bySource).toEqual({ api: 1, chat: 2, test: 2 });
  });
});
