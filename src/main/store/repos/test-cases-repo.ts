import type { Db } from '../open';
import type { TestCase } from '../../../shared/schemas/runs';

interface Row {
  id: string;
  name: string;
  variables: string;
  updated_at: string;
}

const fromRow = (row: Row): TestCase => ({
  id: row.id,
  name: row.name,
  variables: JSON.parse(row.variables) as TestCase['variables'],
  updatedAt: row.updated_at,
});

export function testCasesRepo(db: Db) {
  const list = db.prepare<[string], Row>('SELECT * FROM test_cases WHERE prompt_id = ? ORDER BY name COLLATE NOCASE');
  const byName = db.prepare<[string, string], Row>('SELECT * FROM test_cases WHERE prompt_id = ? AND name = ?');
  // Saving under an existing name replaces that case's values (keeps its id).
  const upsert = db.prepare(`INSERT INTO test_cases (id, prompt_id, name, variables, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (prompt_id, name) DO UPDATE SET variables = excluded.variables, updated_at = excluded.updated_at`);
  const remove = db.prepare('DELETE FROM test_cases WHERE prompt_id = ? AND id = ?');
  const byId = db.prepare<[string, string], Row>('SELECT * FROM test_cases WHERE prompt_id = ? AND id = ?');
  const put = db.prepare(`INSERT INTO test_cases (id, prompt_id, name, variables, updated_at) VALUES (:id, :promptId, :name, :variables, :at)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, variables = excluded.variables, updated_at = excluded.updated_at`);
  return {
    list: (promptId: string) => list.all(promptId).map(fromRow),
    save: (id: string, promptId: string, name: string, variables: TestCase['variables'], at: string): TestCase => {
      upsert.run(id, promptId, name, JSON.stringify(variables), at);
      return fromRow(byName.get(promptId, name)!);
    },
    remove: (promptId: string, id: string) => remove.run(promptId, id).changes > 0,
    get: (promptId: string, id: string): TestCase | undefined => {
      const row = byId.get(promptId, id);
      return row && fromRow(row);
    },
    /** Writes a case under its id (made or replaced), whatever its name was; the name must be free. */
    put: (id: string, promptId: string, name: string, variables: TestCase['variables'], at: string): TestCase => {
      put.run({ id, promptId, name, variables: JSON.stringify(variables), at });
      return fromRow(byId.get(promptId, id)!);
    },
  };
}
