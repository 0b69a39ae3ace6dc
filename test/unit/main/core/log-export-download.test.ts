import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { seedPrompt, tempDir, testWorkspace } from '../../../helpers/workspace';
import { resolveFilter } from '../../../../src/main/core/logs/logs-service';
import { ExportJobs } from '../../../../src/main/core/logs/log-export';
import { AppError } from '../../../../src/main/core/errors';
import { LogFilterSchema, type LogExportStatus } from '../../../../src/shared/schemas/logs';

/**
 * The headless download of a finished export streams its file. A file removed since (by hand, a
 * cleanup) must not be answered as a download: streaming a missing file sent 200 text/csv with an
 * empty body (an export with no rows, as far as the browser knows) and an ENOENT on stderr.
 */
let t: ReturnType<typeof testWorkspace>;
let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  t = testWorkspace();
  seedPrompt(t.owner, 'alpha', 'A {{x}}');
  dir = tempDir();
});
afterEach(() => {
  t.cleanup();
  dir.cleanup();
});

async function finished(jobs: ExportJobs, format: 'csv' | 'jsonl'): Promise<LogExportStatus> {
  let status = jobs.start(t.owner, resolveFilter(t.owner, LogFilterSchema.parse({})), format);
  while (status.state === 'running') {
    await new Promise((r) => setImmediate(r));
    status = jobs.status(t.owner, status.exportId);
  }
  expect(status.state).toBe('done');
  return status;
}

describe('downloading a finished export', () => {
  it.each(['csv', 'jsonl'] as const)('%s: gives the file while it exists, and a 404 saying so once it is gone', async (format) => {
    const jobs = new ExportJobs(dir.dir);
    const status = await finished(jobs, format);
    expect(jobs.file(t.owner, status.exportId).path).toBe(status.path);
    rmSync(status.path!);
    let thrown: unknown;
    try {
      jobs.file(t.owner, status.exportId);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'not_found', message: 'The export file is no longer on disk: export again' });
  });
});
