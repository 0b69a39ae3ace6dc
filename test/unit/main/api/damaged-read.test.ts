import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, type Host } from '../../../../src/main/host';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { http } from '../../../helpers/http';
import { seedPrompt, tempDir } from '../../../helpers/workspace';

// Attack 15b F7: a search that meets a damaged page of the search index is a read; it answered 500
// "Something went wrong inside Promptdesk; the change was not saved". It now answers the one
// damaged-file problem (core/errors.ts toErrorShape -> store/storage-errors.ts damagedErrorOf).
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function host(dataDir: string): Promise<Host> {
  const h = await startHost({ dataDir, mode: 'headless', port: 0 });
  cleanups.push(() => h.close());
  return h;
}

describe('a read that meets a damaged page', () => {
  it('GET /api/v1/prompts?query= over a damaged search index: 500 data_damaged pointing to promptdesk check, never "not saved"', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    let h = await host(dir.dir);
    const owner = h.workspace.as(h.workspace.owner.id);
    const key = createKey(owner, { userEmail: owner.actor.email, label: 'test' }).key;
    for (let i = 0; i < 60; i++) seedPrompt(owner, `hello-${i}`, `hello world ${i} ${'filler '.repeat(200)}`);
    const search = (port: number) => http(port, 'GET', '/api/v1/prompts?query=hello', { headers: { authorization: `Bearer ${key}` } });
    expect((await search(h.server!.port)).status).toBe(200);
    await h.close();
    cleanups.pop();

    // Scribble over every page of the prompts' full-text index (its _data shadow table), keeping the rest.
    const dbPath = join(dir.dir, 'promptdesk.db');
    // Read-write, so its close removes the -wal it makes (a -wal left behind would count as a crash).
    const raw = new Database(dbPath);
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    const pages = (raw.prepare("SELECT pageno FROM dbstat WHERE name LIKE 'prompts_fts%_data'").all() as { pageno: number }[]).map((r) => r.pageno);
    raw.close();
    expect(pages.length).toBeGreaterThan(0);
    const fd = openSync(dbPath, 'r+');
    for (const page of pages) writeSync(fd, Buffer.alloc(pageSize - 100, 0x41), 0, pageSize - 100, (page - 1) * pageSize + 100);
    closeSync(fd);

    // A clean folder: it opens without a check, and the damage is met by the search.
    h = await host(dir.dir);
    const res = await search(h.server!.port);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = res.json() as { type: string; code: string; detail: string };
    expect(problem).toMatchObject({ type: 'urn:promptdesk:problem:data_damaged', code: 'data_damaged' });
    expect(problem.detail).toMatch(/database file is damaged.*promptdesk check/);
    expect(problem.detail).not.toMatch(/not saved|malformed/);
  });
});
