import type { Migration } from './types';

/**
 * The change stream's `sharing.changed` rows for a prompt's own access columns (sharing level,
 * API access, key requirement, owner) now keep, in `access`, who could see the prompt BEFORE the
 * change: `{ owner, level, api }` of the OLD row (issue 13, attack F4). Delivery
 * (core/changes/change-feed.ts) sends `access.changed` only to a member who could see the prompt
 * before or can after; the others never learn that anything happened to it. Rows written before
 * this migration have no `access` and keep the old, wider delivery.
 */
const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
const ACCESS_FIELDS = ['sharing_level', 'api_access', 'api_key_required', 'owner_id'];
const differs = ACCESS_FIELDS.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
const changed = `(SELECT json_group_array(f) FROM (${ACCESS_FIELDS.map((c) => `SELECT '${c}' AS f WHERE OLD.${c} IS NOT NEW.${c}`).join(' UNION ALL ')}))`;

export const changesOldAccess: Migration = {
  version: 250,
  name: 'changes-old-access',
  sql: `
    DROP TRIGGER changes_prompts_access;
    CREATE TRIGGER changes_prompts_access AFTER UPDATE ON prompts WHEN ${differs} BEGIN
      INSERT INTO changes (kind, at, prompt_id, prompt_name, version, previous_version, run_id, user_id, fields, access) VALUES
        ('sharing.changed', ${NOW}, NEW.id, NEW.name, NULL, NULL, NULL, NULL, ${changed},
         json_object('owner', OLD.owner_id, 'level', OLD.sharing_level, 'api', OLD.api_access));
    END;
  `,
};
