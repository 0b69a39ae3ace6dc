import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { tempDbPath } from '../../../helpers/temp-db';

const dbPath = tempDbPath;

const BEFORE_0070 = MIGRATIONS.filter((m) => m.version < 70);

describe('0070 version high-water mark', () => {
  it('starts each prompt after every number anything remembers: versions left, promotions, pins and run logs', () => {
    const path = dbPath();
    const before = openStore(path, { migrations: BEFORE_0070 });
    before.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'admin', 'now')").run();
    const prompt = before.prepare("INSERT INTO prompts (id, name, title, owner_id, latest_version, pinned_version, created_at, updated_at) VALUES (?, ?, ?, 'u1', ?, ?, 'now', 'now')");
    const version = before.prepare("INSERT INTO prompt_versions (id, prompt_id, number, template, author_id, created_at) VALUES (?, ?, ?, '{\"kind\":\"text\",\"text\":\"x\"}', 'u1', 'now')");
    // by-versions: v1..v3 remain.
    prompt.run('p1', 'by-versions', 'A', 3, null);
    for (const n of [1, 2, 3]) version.run(`p1-${n}`, 'p1', n);
    // by-logs: v1 remains; v5 was deleted but a run of it is in the logs.
    prompt.run('p2', 'by-logs', 'B', 1, null);
    version.run('p2-1', 'p2', 1);
    before.prepare("INSERT INTO run_logs (id, prompt_id, prompt_name, version, source, model, status, started_at, data_logging) VALUES ('r1', 'p2', 'by-logs', 5, 'api', 'x:y', 'success', 0, 'full')").run();
    // by-promotions: v2 remains; v4 was promoted then replaced by v2 and deleted.
    prompt.run('p3', 'by-promotions', 'C', 2, null);
    version.run('p3-2', 'p3', 2);
    before.prepare("INSERT INTO promotions (id, prompt_id, version, previous_version, promoted_by, promoted_at, seq) VALUES ('h1', 'p3', 2, 4, 'u1', 'now', 1)").run();
    // empty: never saved.
    prompt.run('p4', 'empty', 'D', null, null);
    before.close();

    const after = openStore(path);
    const marks = Object.fromEntries(
      (after.prepare('SELECT name, version_high_water AS n FROM prompts').all() as { name: string; n: number }[]).map((r) => [r.name, r.n]),
    );
    expect(marks).toEqual({ 'by-versions': 3, 'by-logs': 5, 'by-promotions': 4, empty: 0 });
    // The trigger refuses a number at or below the mark, and raises the mark on insert.
    expect(() => after.prepare("INSERT INTO prompt_versions (id, prompt_id, number, template, author_id, created_at) VALUES ('again', 'p2', 5, '{}', 'u1', 'now')").run()).toThrowError(
      /already given/,
    );
    after.prepare("INSERT INTO prompt_versions (id, prompt_id, number, template, author_id, created_at) VALUES ('next', 'p2', 6, '{}', 'u1', 'now')").run();
    expect(after.prepare("SELECT version_high_water AS n FROM prompts WHERE id = 'p2'").get()).toEqual({ n: 6 });
    after.close();
  });
});
