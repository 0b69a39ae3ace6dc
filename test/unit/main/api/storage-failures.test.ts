import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestHost, expectProblem, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { dispatch } from '../../../../src/main/core/handlers';
import { toErrorShape } from '../../../../src/main/core/errors';
import { toProblem } from '../../../../src/main/api/problem';
import { damagedErrorOf, storageErrorOf } from '../../../../src/main/store/storage-errors';
import { startFakeProvider } from '../../../helpers/fake-provider';
import { seedPrompt } from '../../../helpers/workspace';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';

/**
 * Disk full and read-only folders without filling a disk: `PRAGMA max_page_count` at the current
 * size makes SQLite answer SQLITE_FULL to a real write that needs a new page; `PRAGMA query_only`
 * makes it answer SQLITE_READONLY, as a read-only folder does (tests run as root, so chmod 0500
 * would not stop them writing).
 */
let t: TestHost;
beforeEach(async () => {
  t = await startTestHost();
  expect((await t.call('POST', '/api/v1/prompts', { name: 'notes', title: 'Notes' })).status).toBe(201);
  expect((await t.call('POST', '/api/v1/prompts/notes/versions', { template: { kind: 'text', text: 'v1 {{x}}' } })).status).toBe(201);
});
afterEach(async () => {
  const db = t.host.workspace.store.db;
  db.pragma('query_only = OFF');
  db.pragma('max_page_count = 1073741823');
  await t.stop();
});

const db = () => t.host.workspace.store.db;
const diskFull = () => db().pragma(`max_page_count = ${db().pragma('page_count', { simple: true }) as number}`);
const readOnly = () => db().pragma('query_only = ON');
// Needs new pages: a write that fits in free space would not reach the limit.
const LONG = `Long ${'lorem ipsum dolor sit amet '.repeat(2000)}{{x}}`;
const bigTemplate = () => ({ template: { kind: 'text', text: LONG } });

const conditions = [
  { name: 'a full disk', make: diskFull, code: 'insufficient_storage', detail: /^Disk full: nothing was saved/ },
  { name: 'a read-only folder', make: readOnly, code: 'read_only_storage', detail: /read-only: nothing was saved/ },
] as const;

// Writes that need new pages (as every write does on a really full disk: the WAL must grow).
const writes: { name: string; send: () => Promise<RawResponse> }[] = [
  { name: 'save a version', send: () => t.call('POST', '/api/v1/prompts/notes/versions', bigTemplate()) },
  { name: 'edit a draft', send: () => t.call('PATCH', '/api/v1/prompts/notes/versions/1', bigTemplate()) },
  {
    name: 'seed 001 compat save (raw text body)',
    send: () =>
      http(t.port, 'PUT', '/compat/conductor/api/prompts/notes-too?description=d', { headers: { 'x-authorization': t.key, 'content-type': 'text/plain' }, body: LONG }),
  },
];

async function snapshot() {
  return {
    versions: (await t.call('GET', '/api/v1/prompts/notes/versions')).json(),
    prompts: (await t.call('GET', '/api/v1/prompts')).json(),
  };
}

describe('a write the disk cannot hold', () => {
  it.each(conditions.flatMap((c) => writes.map((w) => [c.name, w.name, c, w] as const)))(
    'under %s, "%s" answers 507 problem+json naming it, and nothing is saved',
    async (_c, _w, condition, write) => {
      const before = await snapshot();
      condition.make();
      const res = await write.send();
      const problem = expectProblem(res, 507);
      expect(problem).toMatchObject({ type: `urn:promptdesk:problem:${condition.code}`, code: condition.code });
      expect(problem.detail).toMatch(condition.detail);
      // Reads still work, and show nothing changed.
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each(conditions)('under $name, the app door (IPC and the browser bridge) gets the same error', async (condition) => {
    condition.make();
    const result = await dispatch(t.host.handlers, t.owner, 'versions:save', { name: 'notes', ...bigTemplate() });
    expect(result).toMatchObject({ ok: false, error: { code: condition.code, message: expect.stringMatching(condition.detail) } });
  });

  it('a run whose log cannot be written answers 507 naming the cause, not a 500', async () => {
    const provider = await startFakeProvider();
    try {
      saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
      seedPrompt(t.owner, 'count', 'Count {{n}}', { api: true });
      const run = () => t.call('POST', '/api/v1/prompts/count/run', { variables: { n: '1' }, model: 'local:echo' });
      expect((await run()).status).toBe(200);
      readOnly();
      const problem = expectProblem(await run(), 507);
      expect(problem).toMatchObject({ code: 'read_only_storage' });
      expect(problem.detail).toMatch(/log could not be written.*read-only: nothing was saved/);
    } finally {
      await provider.close();
    }
  });

  it('saves again once there is room', async () => {
    diskFull();
    expect((await t.call('POST', '/api/v1/prompts/notes/versions', bigTemplate())).status).toBe(507);
    db().pragma('max_page_count = 1073741823');
    expect((await t.call('POST', '/api/v1/prompts/notes/versions', bigTemplate())).status).toBe(201);
    expect(db().pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('storageErrorOf: one mapping of storage failures for every door', () => {
  const error = (code: string, message = code) => Object.assign(new Error(message), { code });
  const cases: [string, string | null][] = [
    ['SQLITE_FULL', 'insufficient_storage'],
    ['ENOSPC', 'insufficient_storage'],
    ['EDQUOT', 'insufficient_storage'],
    ['SQLITE_READONLY', 'read_only_storage'],
    ['SQLITE_READONLY_DBMOVED', 'read_only_storage'],
    ['SQLITE_READONLY_DIRECTORY', 'read_only_storage'],
    ['EROFS', 'read_only_storage'],
    ['EACCES', 'read_only_storage'],
    ['EPERM', 'read_only_storage'],
    ['SQLITE_CONSTRAINT_UNIQUE', null],
    ['ENOENT', null],
    ['SQLITE_BUSY', null],
  ];
  it.each(cases)('%s -> %s, directly, as a cause, and as the HTTP problem', (code, expected) => {
    expect(storageErrorOf(error(code))?.code ?? null).toBe(expected);
    expect(storageErrorOf(new Error('export failed', { cause: error(code) }))?.code ?? null).toBe(expected);
    const problem = toProblem(toErrorShape(error(code)));
    expect(problem.code).toBe(expected ?? 'internal');
    expect(problem.status).toBe(expected ? 507 : 500);
    // Never the raw SQLite or system text.
    expect(problem.detail).not.toContain(code);
  });
});

describe('damagedErrorOf: a damaged database file, met by a read or a write, is one answer at every door', () => {
  const error = (code: string, message = 'database disk image is malformed') => Object.assign(new Error(message), { code });
  const cases: [string, string | null][] = [
    ['SQLITE_CORRUPT', 'data_damaged'],
    ['SQLITE_CORRUPT_VTAB', 'data_damaged'],
    ['SQLITE_CORRUPT_INDEX', 'data_damaged'],
    ['SQLITE_CORRUPT_SEQUENCE', 'data_damaged'],
    ['SQLITE_NOTADB', 'data_damaged'],
    ['SQLITE_FULL', null],
    ['SQLITE_BUSY', null],
    ['SQLITE_CONSTRAINT_UNIQUE', null],
  ];
  it.each(cases)('%s -> %s, directly, as a cause, and as the HTTP problem', (code, expected) => {
    expect(damagedErrorOf(error(code))?.code ?? null).toBe(expected);
    expect(damagedErrorOf(new Error('search failed', { cause: error(code) }))?.code ?? null).toBe(expected);
    if (!expected) return;
    const problem = toProblem(toErrorShape(error(code)));
    expect(problem).toMatchObject({ code: 'data_damaged', status: 500, type: 'urn:promptdesk:problem:data_damaged' });
    // Points to the check, never says a read "was not saved", never the raw SQLite text.
    expect(problem.detail).toMatch(/database file is damaged.*promptdesk check/);
    expect(problem.detail).not.toMatch(/change was not saved|malformed/);
  });
});
