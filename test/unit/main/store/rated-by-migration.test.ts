import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { tempDbPath } from '../../../helpers/temp-db';

/** Every migration but 0180: a database that ran the others (any slotted in above it included) first. */
const WITHOUT_0180 = MIGRATIONS.filter((m) => m.version !== 180);

describe('0180 who rated a run', () => {
  it('runs on a database that already ran every other migration; ratings given before it have no rater', () => {
    const path = tempDbPath();
    const before = openStore(path, { migrations: WITHOUT_0180 });
    before.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'admin', 'now')").run();
    before.prepare("INSERT INTO prompts (id, name, title, owner_id, latest_version, created_at, updated_at) VALUES ('p1', 'kept', 'Kept', 'u1', 1, 'now', 'now')").run();
    before
      .prepare(
        `INSERT INTO run_logs (id, prompt_id, prompt_name, version, source, user_id, model, status, started_at, data_logging, rating)
         VALUES ('r1', 'p1', 'kept', 1, 'chat', 'u1', 'local:echo', 'success', 1, 'full', 'useful')`,
      )
      .run();
    before.close();

    const after = openStore(path);
    expect(after.prepare('SELECT version FROM schema_migrations WHERE version = 180').pluck().get()).toBe(180);
    expect(after.prepare('SELECT id, rating, rated_by FROM run_logs').all()).toEqual([{ id: 'r1', rating: 'useful', rated_by: null }]);
    expect(() => after.prepare("UPDATE run_logs SET rated_by = 'nobody' WHERE id = 'r1'").run()).toThrow(/FOREIGN KEY/);
    after.close();
  });
});
