import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { tempDbPath } from '../../../helpers/temp-db';

/** Every migration but 0140: a database that already ran 0150 before 0140 was slotted in. */
const WITHOUT_0140 = MIGRATIONS.filter((m) => m.version !== 140);

describe('0140 Respan kept settings per version', () => {
  it("moves each existing version's settings out of the prompt's extra into its own row, drops deleted versions', keeps other doors' parts", () => {
    const path = tempDbPath();
    const before = openStore(path, { migrations: WITHOUT_0140 });
    expect(before.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    before.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'admin', 'now')").run();
    const prompt = before.prepare("INSERT INTO prompts (id, name, title, owner_id, latest_version, created_at, updated_at, extra) VALUES (?, ?, ?, 'u1', 2, 'now', 'now', ?)");
    const version = before.prepare("INSERT INTO prompt_versions (id, prompt_id, number, template, author_id, created_at) VALUES (?, ?, ?, '{\"kind\":\"text\",\"text\":\"x\"}', 'u1', 'now')");
    const extra = { openwebui: { command: 'x' }, respan: { params: { 'v-1': { top_p: 0.5 }, 'v-2': { tools: [{ a: 1 }] }, 'v-gone': { seed: 3 } } } };
    prompt.run('p1', 'kept', 'Kept', JSON.stringify(extra));
    prompt.run('p2', 'plain', 'Plain', '{}');
    version.run('v-1', 'p1', 1);
    version.run('v-2', 'p1', 2);
    before.close();

    const after = openStore(path);
    expect(after.prepare('SELECT version_id, params FROM respan_version_params ORDER BY version_id').all()).toEqual([
      { version_id: 'v-1', params: '{"top_p":0.5}' },
      { version_id: 'v-2', params: '{"tools":[{"a":1}]}' },
    ]);
    const rows = after.prepare('SELECT id, extra FROM prompts ORDER BY id').all() as { id: string; extra: string }[];
    expect(rows.map((r) => [r.id, JSON.parse(r.extra)])).toEqual([
      ['p1', { openwebui: { command: 'x' } }],
      ['p2', {}],
    ]);
    // Deleted with their version.
    after.prepare("DELETE FROM prompt_versions WHERE id = 'v-1'").run();
    expect(after.prepare('SELECT count(*) AS n FROM respan_version_params').get()).toEqual({ n: 1 });
    after.close();
  });
});
