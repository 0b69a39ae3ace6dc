import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, createWriteStream, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { seedPrompt, tempDir, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import type { LogRecord } from '../../../../src/main/store/repos/logs-repo';
import { resolveFilter } from '../../../../src/main/core/logs/logs-service';
import { ABANDONED_PARTIAL_MS, ExportJobs, type OpenExportFile } from '../../../../src/main/core/logs/log-export';
import { LogFilterSchema, type LogExportStatus } from '../../../../src/shared/schemas/logs';

let t: ReturnType<typeof testWorkspace>;
let owner: Ctx;
let dir: string;
let cleanupDir: () => void;
const ROWS = 5000;

// One workspace with its 5,000 runs for the whole file (inserting them is most of a test's time):
// an export only reads them, and each test exports into a folder of its own.
beforeAll(() => {
  t = testWorkspace();
  owner = t.owner;
  seedPrompt(owner, 'alpha', 'A {{x}}');
  const promptId = t.workspace.store.prompts.getRowByName('alpha')!.id;
  const rows: LogRecord[] = Array.from({ length: ROWS }, (_, i) => ({
    id: crypto.randomUUID(), promptId, promptName: 'alpha', version: 1, source: 'api', userId: owner.actor.id, keyLabel: 'k',
    model: 'local:echo', status: 'success', startedAt: Date.parse('2025-12-31T00:00:00Z') + i, latencyMs: 100, ttftMs: 10,
    tokensIn: 3, tokensOut: 4, dataLogging: 'full', variableNames: '["x"]', variables: '{"x":"apples"}', messages: '[]',
    output: `Echo ${i}`, outputChars: 6, error: null, conversationId: null,
  }));
  t.workspace.store.logs.insertMany(rows);
});
afterAll(() => t.cleanup());
beforeEach(() => {
  ({ dir, cleanup: cleanupDir } = tempDir());
});
afterEach(() => cleanupDir());

const query = () => resolveFilter(owner, LogFilterSchema.parse({}));
async function settle(jobs: ExportJobs, started: LogExportStatus): Promise<LogExportStatus> {
  let status = started;
  while (status.state === 'running') {
    await new Promise((r) => setImmediate(r));
    status = jobs.status(owner, started.exportId);
  }
  return status;
}

describe('an export is never mistaken for a finished one', () => {
  it('has its name only once every row is on disk; until then only a hidden .partial file exists', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sawPartial = false;
    // The real file stream, held before its last bytes: an export caught in the middle.
    const held: OpenExportFile = (path) => {
      const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
      return new Writable({
        write(chunk, _enc, done) {
          file.write(chunk, () => done());
        },
        final(done) {
          sawPartial = readdirSync(dir).every((name) => name.endsWith('.partial'));
          void gate.then(() => file.end(() => done()));
        },
      });
    };
    const jobs = new ExportJobs(dir, held);
    const started = jobs.start(owner, query(), 'csv');
    while (!sawPartial && jobs.status(owner, started.exportId).state === 'running') await new Promise((r) => setImmediate(r));
    expect(sawPartial).toBe(true);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^\.promptdesk-logs-.*\.csv\.[0-9a-f]+\.partial$/)]);
    expect(readdirSync(dir)).not.toContain(started.fileName);
    expect(jobs.status(owner, started.exportId).state).toBe('running');
    expect(() => jobs.file(owner, started.exportId)).toThrow(/not found/);
    release();
    const done = await settle(jobs, started);
    expect(done).toMatchObject({ state: 'done', rows: ROWS });
    expect(readdirSync(dir)).toEqual([started.fileName]);
    expect(readFileSync(join(dir, started.fileName), 'utf8').split('\r\n').filter(Boolean)).toHaveLength(ROWS + 1);
    if (process.platform !== 'win32') expect(statSync(join(dir, started.fileName)).mode & 0o777).toBe(0o600);
  });

  /** Writes really reach the partial file until `failAfter` bytes, then the disk "fills" (or turns read-only). */
  function failing(code: string, failAfter: number, where: 'write' | 'final' = 'write'): OpenExportFile {
    return (path) => {
      let written = 0;
      const error = () => Object.assign(new Error(`${code}: simulated, write '${path}'`), { code, syscall: 'write' });
      return new Writable({
        write(chunk: Buffer, _enc, done) {
          if (where === 'write' && written + chunk.length > failAfter) return done(error());
          appendFileSync(path, chunk);
          written += chunk.length;
          done();
        },
        final(done) {
          done(where === 'final' ? error() : null);
        },
      });
    };
  }

  const failures = [
    { code: 'ENOSPC', message: /^Disk full: nothing was saved/ },
    { code: 'EDQUOT', message: /^Disk full: nothing was saved/ },
    { code: 'EROFS', message: /read-only: nothing was saved/ },
    { code: 'EACCES', message: /read-only: nothing was saved/ },
  ];
  const points = [
    { at: 'the first write', failAfter: 0, where: 'write' as const },
    { at: 'the middle of the rows', failAfter: 200_000, where: 'write' as const },
    { at: 'the final flush', failAfter: Infinity, where: 'final' as const },
  ];
  it.each(failures.flatMap((f) => points.map((p) => [f.code, p.at, f, p] as const)))(
    '%s at %s: the export ends in a clear error and leaves no file at all',
    async (_code, _at, failure, point) => {
      const jobs = new ExportJobs(dir, failing(failure.code, point.failAfter, point.where));
      const started = jobs.start(owner, query(), 'jsonl');
      const status = await settle(jobs, started);
      expect(status.state).toBe('error');
      expect(status.error).toMatch(failure.message);
      expect(readdirSync(dir)).toEqual([]);
      expect(() => jobs.file(owner, started.exportId)).toThrow(/not found/);
    },
  );

  it('a .partial left by a process that died mid-export is removed at the next export; a live one and other files stay', async () => {
    const abandoned = join(dir, '.promptdesk-logs-2026-01-01T00-00-00-abcdef.csv.0badc0de.partial');
    const live = join(dir, '.promptdesk-logs-2026-01-01T00-00-01-abcdef.csv.1badc0de.partial');
    const mine = join(dir, '.my-notes.partial');
    for (const path of [abandoned, live, mine]) writeFileSync(path, 'half');
    const old = (Date.now() - ABANDONED_PARTIAL_MS - 60_000) / 1000;
    utimesSync(abandoned, old, old);
    utimesSync(mine, old, old);
    const jobs = new ExportJobs(dir);
    const started = jobs.start(owner, query(), 'csv');
    expect((await settle(jobs, started)).state).toBe('done');
    expect(readdirSync(dir).sort()).toEqual([started.fileName, '.my-notes.partial', '.promptdesk-logs-2026-01-01T00-00-01-abcdef.csv.1badc0de.partial'].sort());
  });
});
