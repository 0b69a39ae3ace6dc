import type { Migration } from './types';

interface ExtraRow {
  id: string;
  extra: string;
}

/**
 * The settings a Respan prompt version carries that Promptdesk's model settings have no field
 * for (`tools`, `response_format`, `top_p`, ...; src/main/core/compat/respan-params.ts) get a row
 * per version, deleted with it (ON DELETE CASCADE). They used to live in the prompt's one `extra`
 * JSON under `respan.params`, by version id, so every version write parsed and rewrote every
 * version's settings, every version read parsed them all, and a deleted version's stayed
 * (issue 11, Respan attack item 2). The data step moves the settings of each version that still
 * exists into the table and drops `respan.params` from `extra`.
 *
 * Numbered 0140, below 0150 which shipped first: open.ts runs every migration a database has not
 * recorded in schema_migrations, not only those above its user_version.
 */
export const respanVersionParams: Migration = {
  version: 140,
  name: 'respan-version-params',
  sql: `
    CREATE TABLE respan_version_params (
      version_id TEXT PRIMARY KEY REFERENCES prompt_versions(id) ON DELETE CASCADE,
      prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
      params TEXT NOT NULL
    ) STRICT;
    CREATE INDEX respan_version_params_prompt ON respan_version_params (prompt_id);
  `,
  up(db) {
    const rows = db.prepare<[], ExtraRow>(`SELECT id, extra FROM prompts WHERE extra LIKE '%"respan"%'`).all();
    const exists = db.prepare<[string, string], { id: string }>('SELECT id FROM prompt_versions WHERE id = ? AND prompt_id = ?');
    const insert = db.prepare('INSERT OR REPLACE INTO respan_version_params (version_id, prompt_id, params) VALUES (?, ?, ?)');
    const setExtra = db.prepare('UPDATE prompts SET extra = ? WHERE id = ?');
    for (const row of rows) {
      const extra = JSON.parse(row.extra) as { respan?: { params?: Record<string, Record<string, unknown>> } & Record<string, unknown> };
      const params = extra.respan?.params;
      if (!extra.respan || !params) continue;
      for (const [versionId, kept] of Object.entries(params)) {
        if (Object.keys(kept).length > 0 && exists.get(versionId, row.id)) insert.run(versionId, row.id, JSON.stringify(kept));
      }
      delete extra.respan.params;
      if (Object.keys(extra.respan).length === 0) delete extra.respan;
      setExtra.run(JSON.stringify(extra), row.id);
    }
  },
};
