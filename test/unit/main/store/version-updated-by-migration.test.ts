import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { tempDbPath } from '../../../helpers/temp-db';

/** Every migration but 0120: a database that already ran 0150 before 0120 was slotted in. */
const WITHOUT_0120 = MIGRATIONS.filter((m) => m.version !== 120);

describe('0120 who last changed a version in place', () => {
  it('runs on a database already at 0150; existing versions read as changed by their author (updated_by null)', () => {
    const path = tempDbPath();
    const before = openStore(path, { migrations: WITHOUT_0120 });
    expect(before.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    before.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'admin', 'now')").run();
    before.prepare("INSERT INTO prompts (id, name, title, owner_id, latest_version, created_at, updated_at) VALUES ('p1', 'kept', 'Kept', 'u1', 1, 'now', 'now')").run();
    before.prepare("INSERT INTO prompt_versions (id, prompt_id, number, template, author_id, created_at) VALUES ('v-1', 'p1', 1, '{\"kind\":\"text\",\"text\":\"x\"}', 'u1', 'now')").run();
    before.close();

    const after = openStore(path);
    expect(after.prepare('SELECT id, updated_by FROM prompt_versions').all()).toEqual([{ id: 'v-1', updated_by: null }]);
    // A reference to a member who does not exist is refused (foreign key).
    expect(() => after.prepare("UPDATE prompt_versions SET updated_by = 'nobody' WHERE id = 'v-1'").run()).toThrow(/FOREIGN KEY/);
    after.close();
  });
});
