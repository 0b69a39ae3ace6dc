import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { tempDbPath } from '../../../helpers/temp-db';

/**
 * 0130 moves Open WebUI snapshots out of `prompts.extra` into a row per version. It was slotted
 * in after 0150 shipped, so it must also run on a database already at 0150 (the runner applies
 * every migration not recorded in schema_migrations, not only those above user_version).
 */
const WITHOUT_0130 = MIGRATIONS.filter((m) => m.version !== 130);

describe('0130 Open WebUI snapshots', () => {
  it('runs on a database already at 0150, moving each snapshot of an existing version and dropping them from extra', () => {
    const path = tempDbPath();
    const before = openStore(path, { migrations: WITHOUT_0130 });
    expect(before.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    before.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'admin', 'now')").run();
    const snapshot = (name: string) => ({ name, command: 'c', tags: [], data: { big: 'x' }, meta: {}, access_grants: [] });
    const extra = { openwebui: { data: { keep: 1 }, snapshots: { v1: snapshot('one'), v2: snapshot('two'), gone: snapshot('deleted') } }, respan: { params: {} } };
    before.prepare("INSERT INTO prompts (id, name, title, owner_id, latest_version, created_at, updated_at, extra) VALUES ('p1', 'p', 'P', 'u1', 2, 'now', 'now', ?)").run(JSON.stringify(extra));
    const version = before.prepare("INSERT INTO prompt_versions (id, prompt_id, number, template, author_id, created_at) VALUES (?, 'p1', ?, '{\"kind\":\"text\",\"text\":\"x\"}', 'u1', 'now')");
    version.run('v1', 1);
    version.run('v2', 2);
    before.close();

    const after = openStore(path);
    expect(after.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    const rows = after.prepare('SELECT version_id, snapshot FROM openwebui_snapshots ORDER BY version_id').all() as { version_id: string; snapshot: string }[];
    expect(rows.map((r) => [r.version_id, JSON.parse(r.snapshot).name])).toEqual([
      ['v1', 'one'],
      ['v2', 'two'],
    ]);
    const kept = JSON.parse((after.prepare("SELECT extra FROM prompts WHERE id = 'p1'").get() as { extra: string }).extra);
    expect(kept).toEqual({ openwebui: { data: { keep: 1 } }, respan: { params: {} } });
    // A deleted version takes its snapshot with it.
    after.prepare("DELETE FROM prompt_versions WHERE id = 'v1'").run();
    expect(after.prepare("SELECT count(*) AS n FROM openwebui_snapshots WHERE version_id = 'v1'").get()).toEqual({ n: 0 });
    after.close();
    // Opening again applies nothing more.
    const again = openStore(path);
    expect((again.prepare('SELECT count(*) AS n FROM schema_migrations WHERE version = 130').get() as { n: number }).n).toBe(1);
    again.close();
  });
});
