import type { Db } from '../open';
import type { IntegrationAccess, IntegrationKind } from '../../../shared/schemas/integrations';

export interface IntegrationRecord {
  id: string;
  name: string;
  kind: IntegrationKind;
  baseUrl: string;
  /** Sealed by the SecretBox; never leaves the main process. */
  apiKey: Buffer | null;
  apiKeyHint: string | null;
  models: string[];
  access: IntegrationAccess;
  memberIds: string[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  kind: IntegrationKind;
  base_url: string;
  api_key: Buffer | null;
  api_key_hint: string | null;
  models: string;
  access: IntegrationAccess;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export function integrationsRepo(db: Db) {
  const all = db.prepare<[], Row>('SELECT * FROM integrations ORDER BY name COLLATE NOCASE');
  const byId = db.prepare<[string], Row>('SELECT * FROM integrations WHERE id = ?');
  const byName = db.prepare<[string], Row>('SELECT * FROM integrations WHERE name = ?');
  const members = db.prepare<[string], { user_id: string }>('SELECT user_id FROM integration_members WHERE integration_id = ?');
  const upsert = db.prepare(`INSERT INTO integrations (id, name, kind, base_url, api_key, api_key_hint, models, access, created_by, created_at, updated_at)
    VALUES (@id, @name, @kind, @baseUrl, @apiKey, @apiKeyHint, @models, @access, @createdBy, @createdAt, @updatedAt)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, base_url = excluded.base_url, api_key = excluded.api_key,
      api_key_hint = excluded.api_key_hint, models = excluded.models, access = excluded.access, updated_at = excluded.updated_at`);
  const clearMembers = db.prepare('DELETE FROM integration_members WHERE integration_id = ?');
  const addMember = db.prepare('INSERT OR IGNORE INTO integration_members (integration_id, user_id) VALUES (?, ?)');
  const remove = db.prepare('DELETE FROM integrations WHERE id = ?');

  const fromRow = (row: Row): IntegrationRecord => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    baseUrl: row.base_url,
    apiKey: row.api_key,
    apiKeyHint: row.api_key_hint,
    models: JSON.parse(row.models) as string[],
    access: row.access,
    memberIds: row.access === 'selected' ? members.all(row.id).map((m) => m.user_id) : [],
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

  return {
    list: () => all.all().map(fromRow),
    get: (id: string) => {
      const row = byId.get(id);
      return row ? fromRow(row) : undefined;
    },
    /** Names are case-insensitive, as in `OpenAI:gpt-4o` and `openai:gpt-4o`. */
    getByName: (name: string) => {
      const row = byName.get(name);
      return row ? fromRow(row) : undefined;
    },
    save: (record: IntegrationRecord) => {
      upsert.run({ ...record, models: JSON.stringify(record.models) });
      clearMembers.run(record.id);
      if (record.access === 'selected') for (const userId of record.memberIds) addMember.run(record.id, userId);
    },
    remove: (id: string) => remove.run(id).changes > 0,
  };
}
