/**
 * Migration 0080 rebuilds both full-text indexes as search-text.ts has them: text indexed
 * before it (one giant token per CJK/Thai sentence, symbols dropped) becomes findable by a word
 * inside it or by its symbols, and the logs index stays consistent for later deletes (retention).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { toMatchQuery } from '../../../../src/main/core/search/search-text';
import { logsRepo } from '../../../../src/main/store/repos/logs-repo';
import { tempDir } from '../../../helpers/workspace';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

const BEFORE_0080 = MIGRATIONS.filter((m) => m.version < 80);
const TEXTS: Record<string, string> = { zh: '用户登录失败时请重试', th: 'สวัสดีครับยินดีต้อนรับ', emoji: 'Launch day 🚀 € 5', latin: 'Crème brûlée' };

describe('0080 search text', () => {
  it('reindexes the library and the logs so words inside CJK/Thai text and symbols are found', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'promptdesk.db');
    const before = openStore(path, { migrations: BEFORE_0080 });
    before.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'admin', 'now')").run();
    let rowid = 0;
    for (const [key, text] of Object.entries(TEXTS)) {
      rowid += 1;
      before.prepare("INSERT INTO prompts (id, name, title, owner_id, created_at, updated_at) VALUES (?, ?, ?, 'u1', 'now', 'now')").run(key, key, key);
      // As the repositories wrote them before 0080: the raw text.
      before.prepare('INSERT INTO prompts_fts (rowid, name, title, description, tags, template) VALUES (?, ?, ?, ?, ?, ?)').run(rowid, key, key, '', '', text);
      const seq = before
        .prepare("INSERT INTO run_logs (id, prompt_id, prompt_name, version, source, model, status, started_at, data_logging, output) VALUES (?, ?, ?, 1, 'api', 'x:y', 'success', ?, 'full', ?)")
        .run(`r-${key}`, key, key, rowid, text).lastInsertRowid;
      before.prepare('INSERT INTO run_logs_fts (rowid, variables, output) VALUES (?, NULL, ?)').run(seq, text);
    }
    expect(before.prepare('SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?').all(toMatchQuery('登录'))).toEqual([]);
    before.close();

    const after = openStore(path);
    const library = (q: string) => (after.prepare('SELECT name FROM prompts_fts WHERE prompts_fts MATCH ?').all(toMatchQuery(q)) as { name: string }[]).map((r) => r.name);
    const logs = (q: string) => (after.prepare('SELECT l.prompt_name AS name FROM run_logs_fts f JOIN run_logs l ON l.seq = f.rowid WHERE run_logs_fts MATCH ?').all(toMatchQuery(q)) as { name: string }[]).map((r) => r.name);
    for (const [query, key] of [['登录', 'zh'], ['ยินดี', 'th'], ['🚀', 'emoji'], ['€', 'emoji'], ['creme', 'latin']]) {
      expect({ query, library: library(query!), logs: logs(query!) }).toEqual({ query, library: [key], logs: [key] });
    }
    // Retention deletes through the rebuilt index, which must still agree with the logged text.
    logsRepo(after).purgeBefore(3);
    after.prepare("INSERT INTO run_logs_fts (run_logs_fts) VALUES ('integrity-check')").run();
    expect(logs('登录')).toEqual([]);
    expect(logs('🚀')).toEqual(['emoji']);
    after.close();
  });
});
