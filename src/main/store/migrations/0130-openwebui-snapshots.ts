import type { Migration } from './types';

interface ExtraRow {
  id: string;
  extra: string;
}

/**
 * Open WebUI history snapshots (name, command, tags, data, meta, grants of a prompt as of one of
 * its versions) get a row per version, as Open WebUI keeps one `prompt_history` row per version
 * (backend/open_webui/models/prompt_history.py). They used to live in the prompt's one `extra`
 * JSON, so every save parsed and rewrote every earlier snapshot: a save's cost grew with the
 * history and blocked the server (issue 11, Open WebUI attack item 1). The data step moves each
 * recorded snapshot of a version that still exists into the table and drops them from `extra`.
 */
export const openWebUiSnapshots: Migration = {
  version: 130,
  name: 'openwebui-snapshots',
  sql: `
    CREATE TABLE openwebui_snapshots (
      version_id TEXT PRIMARY KEY REFERENCES prompt_versions(id) ON DELETE CASCADE,
      prompt_id TEXT NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
      snapshot TEXT NOT NULL
    ) STRICT;
    CREATE INDEX openwebui_snapshots_prompt ON openwebui_snapshots (prompt_id);
  `,
  up(db) {
    const rows = db.prepare<[], ExtraRow>(`SELECT id, extra FROM prompts WHERE extra LIKE '%"snapshots"%'`).all();
    const exists = db.prepare<[string, string], { id: string }>('SELECT id FROM prompt_versions WHERE id = ? AND prompt_id = ?');
    const insert = db.prepare('INSERT OR REPLACE INTO openwebui_snapshots (version_id, prompt_id, snapshot) VALUES (?, ?, ?)');
    const setExtra = db.prepare('UPDATE prompts SET extra = ? WHERE id = ?');
    for (const row of rows) {
      const extra = JSON.parse(row.extra) as { openwebui?: { snapshots?: Record<string, unknown> } & Record<string, unknown> };
      const snapshots = extra.openwebui?.snapshots;
      if (!extra.openwebui || !snapshots) continue;
      for (const [versionId, snapshot] of Object.entries(snapshots)) {
        if (exists.get(versionId, row.id)) insert.run(versionId, row.id, JSON.stringify(snapshot));
      }
      delete extra.openwebui.snapshots;
      setExtra.run(JSON.stringify(extra), row.id);
    }
  },
};
