import type { Migration } from './types';

/**
 * The change stream's log (issue 13): one row per committed change, written by triggers.
 *
 * Why triggers rather than a "record change" call in each service: every writer is covered by
 * construction (the native API, the compat doors, refine, the log writer's group commit outside
 * store.tx, the CLI and a second window writing the same file), a row is part of its write's
 * transaction (a rolled-back write leaves none, a committed one always has one), and `seq`
 * (AUTOINCREMENT: never reused, even after pruning) follows commit order because SQLite commits
 * one writer at a time. The feed (core/changes/change-feed.ts) reads rows past its cursor.
 *
 * A trigger fires only when something a client would refetch changed: `updated_at`,
 * `latest_version`, `version_high_water` or a key's `last_used_at` alone make no event. Rows of a
 * prompt being deleted (cascades) are skipped: `prompt.deleted` says it all, and keeps in `access`
 * who could see the prompt (owner, level, API access, shares) so delivery can still decide.
 *
 * Retention: the newest `changes_retain` rows (a settings row, default 10000) are kept; an insert
 * prunes older ones by primary-key range. A resume point older than that gets a `reset` event.
 */
const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
const LIVE = (alias: string) => `EXISTS (SELECT 1 FROM prompts WHERE id = ${alias}.prompt_id)`;
const NAME = (alias: string) => `(SELECT name FROM prompts WHERE id = ${alias}.prompt_id)`;
/** A JSON array of the listed columns whose value changed in this UPDATE. */
const changed = (columns: string[]) =>
  `(SELECT json_group_array(f) FROM (${columns.map((c) => `SELECT '${c}' AS f WHERE OLD.${c} IS NOT NEW.${c}`).join(' UNION ALL ')}))`;
const differs = (columns: string[]) => columns.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');

const PROMPT_FIELDS = ['name', 'title', 'description', 'tags', 'slash_command', 'data_logging', 'extra'];
const ACCESS_FIELDS = ['sharing_level', 'api_access', 'api_key_required', 'owner_id'];
const VERSION_FIELDS = ['status', 'committed_at', 'template', 'variables', 'model_settings', 'display_message', 'commit_message'];
const KEY_FIELDS = ['label', 'scopes', 'expires_at', 'revoked_at'];
const USER_FIELDS = ['email', 'name', 'role', 'is_active'];

const INSERT = 'INSERT INTO changes (kind, at, prompt_id, prompt_name, version, previous_version, run_id, user_id, fields, access) VALUES';

/** Rows per table for the triggers on prompt-bound tables whose every change is one kind. */
function promptBound(table: string, kind: string, field: string): string {
  return ['INSERT', 'UPDATE', 'DELETE']
    .map((op) => {
      const row = op === 'DELETE' ? 'OLD' : 'NEW';
      return `
    CREATE TRIGGER changes_${table}_${op.toLowerCase()} AFTER ${op} ON ${table} WHEN ${LIVE(row)} BEGIN
      ${INSERT} ('${kind}', ${NOW}, ${row}.prompt_id, ${NAME(row)}, NULL, NULL, NULL, NULL, json_array(${row}.${field}), NULL);
    END;`;
    })
    .join('\n');
}

export const changes: Migration = {
  version: 190,
  name: 'changes',
  sql: `
    CREATE TABLE changes (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL,
      at TEXT NOT NULL,
      prompt_id TEXT,
      prompt_name TEXT,
      version INTEGER,
      previous_version INTEGER,
      run_id TEXT,
      user_id TEXT,
      fields TEXT,
      access TEXT
    );
    CREATE INDEX changes_deleted ON changes (prompt_id) WHERE kind = 'prompt.deleted';

    CREATE TRIGGER changes_retain AFTER INSERT ON changes BEGIN
      DELETE FROM changes WHERE seq <= NEW.seq - COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'changes_retain'), 10000);
    END;

    CREATE TRIGGER changes_prompts_insert AFTER INSERT ON prompts BEGIN
      ${INSERT} ('prompt.created', ${NOW}, NEW.id, NEW.name, NULL, NULL, NULL, NULL, NULL, NULL);
    END;
    CREATE TRIGGER changes_prompts_update AFTER UPDATE ON prompts WHEN ${differs(PROMPT_FIELDS)} BEGIN
      ${INSERT} ('prompt.updated', ${NOW}, NEW.id, NEW.name, NULL, NULL, NULL, NULL, ${changed(PROMPT_FIELDS)}, NULL);
    END;
    CREATE TRIGGER changes_prompts_access AFTER UPDATE ON prompts WHEN ${differs(ACCESS_FIELDS)} BEGIN
      ${INSERT} ('sharing.changed', ${NOW}, NEW.id, NEW.name, NULL, NULL, NULL, NULL, ${changed(ACCESS_FIELDS)}, NULL);
    END;
    CREATE TRIGGER changes_prompts_pin AFTER UPDATE ON prompts WHEN OLD.pinned_version IS NOT NEW.pinned_version BEGIN
      ${INSERT} ('deployment.pinned', ${NOW}, NEW.id, NEW.name, NEW.pinned_version, OLD.pinned_version, NULL, NULL, NULL, NULL);
    END;
    CREATE TRIGGER changes_prompts_delete BEFORE DELETE ON prompts BEGIN
      ${INSERT} ('prompt.deleted', ${NOW}, OLD.id, OLD.name, NULL, NULL, NULL, NULL, NULL,
        json_object('owner', OLD.owner_id, 'level', OLD.sharing_level, 'api', OLD.api_access,
          'shares', (SELECT json_group_object(user_id, permission) FROM prompt_shares WHERE prompt_id = OLD.id)));
    END;

    CREATE TRIGGER changes_versions_insert AFTER INSERT ON prompt_versions BEGIN
      ${INSERT} ('version.saved', ${NOW}, NEW.prompt_id, ${NAME('NEW')}, NEW.number, NULL, NULL, NULL, NULL, NULL);
    END;
    CREATE TRIGGER changes_versions_update AFTER UPDATE ON prompt_versions WHEN ${differs(VERSION_FIELDS)} BEGIN
      ${INSERT} ('version.updated', ${NOW}, NEW.prompt_id, ${NAME('NEW')}, NEW.number, NULL, NULL, NULL, ${changed(VERSION_FIELDS)}, NULL);
    END;
    CREATE TRIGGER changes_versions_delete AFTER DELETE ON prompt_versions WHEN ${LIVE('OLD')} BEGIN
      ${INSERT} ('version.updated', ${NOW}, OLD.prompt_id, ${NAME('OLD')}, OLD.number, NULL, NULL, NULL, json_array('deleted'), NULL);
    END;

    CREATE TRIGGER changes_promotions_insert AFTER INSERT ON promotions BEGIN
      ${INSERT} ('version.promoted', ${NOW}, NEW.prompt_id, ${NAME('NEW')}, NEW.version, NEW.previous_version, NULL, NULL, NULL, NULL);
    END;

    CREATE TRIGGER changes_shares_insert AFTER INSERT ON prompt_shares BEGIN
      ${INSERT} ('sharing.changed', ${NOW}, NEW.prompt_id, ${NAME('NEW')}, NULL, NULL, NULL, NEW.user_id, json_array('share'), NULL);
    END;
    CREATE TRIGGER changes_shares_update AFTER UPDATE ON prompt_shares WHEN OLD.permission IS NOT NEW.permission BEGIN
      ${INSERT} ('sharing.changed', ${NOW}, NEW.prompt_id, ${NAME('NEW')}, NULL, NULL, NULL, NEW.user_id, json_array('share'), NULL);
    END;
    CREATE TRIGGER changes_shares_delete AFTER DELETE ON prompt_shares WHEN ${LIVE('OLD')} BEGIN
      ${INSERT} ('sharing.changed', ${NOW}, OLD.prompt_id, ${NAME('OLD')}, NULL, NULL, NULL, OLD.user_id, json_array('share'), NULL);
    END;

    CREATE TRIGGER changes_runs_insert AFTER INSERT ON run_logs BEGIN
      ${INSERT} ('run.logged', ${NOW}, NEW.prompt_id, NEW.prompt_name, NEW.version, NULL, NEW.id, NEW.user_id, NULL, NULL);
    END;
    CREATE TRIGGER changes_runs_rated AFTER UPDATE ON run_logs WHEN OLD.rating IS NOT NEW.rating OR OLD.rating_comment IS NOT NEW.rating_comment BEGIN
      ${INSERT} ('run.rated', ${NOW}, NEW.prompt_id, NEW.prompt_name, NEW.version, NULL, NEW.id, NEW.user_id, NULL, NULL);
    END;
    ${promptBound('test_cases', 'testcase.changed', 'name')}
    ${promptBound('readiness_ticks', 'readiness.changed', 'item')}

    CREATE TRIGGER changes_users_insert AFTER INSERT ON users BEGIN
      ${INSERT} ('member.changed', ${NOW}, NULL, NULL, NULL, NULL, NULL, NEW.id, NULL, NULL);
    END;
    CREATE TRIGGER changes_users_update AFTER UPDATE ON users WHEN ${differs(USER_FIELDS)} BEGIN
      ${INSERT} ('member.changed', ${NOW}, NULL, NULL, NULL, NULL, NULL, NEW.id, ${changed(USER_FIELDS)}, NULL);
    END;
    CREATE TRIGGER changes_keys_insert AFTER INSERT ON api_keys BEGIN
      ${INSERT} ('key.changed', ${NOW}, NULL, NULL, NULL, NULL, NULL, NEW.user_id, NULL, NULL);
    END;
    CREATE TRIGGER changes_keys_update AFTER UPDATE ON api_keys WHEN ${differs(KEY_FIELDS)} BEGIN
      ${INSERT} ('key.changed', ${NOW}, NULL, NULL, NULL, NULL, NULL, NEW.user_id, ${changed(KEY_FIELDS)}, NULL);
    END;
    CREATE TRIGGER changes_keys_delete AFTER DELETE ON api_keys BEGIN
      ${INSERT} ('key.changed', ${NOW}, NULL, NULL, NULL, NULL, NULL, OLD.user_id, json_array('deleted'), NULL);
    END;
    CREATE TRIGGER changes_integrations_insert AFTER INSERT ON integrations BEGIN
      ${INSERT} ('integration.changed', ${NOW}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    END;
    CREATE TRIGGER changes_integrations_update AFTER UPDATE ON integrations BEGIN
      ${INSERT} ('integration.changed', ${NOW}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    END;
    CREATE TRIGGER changes_integrations_delete AFTER DELETE ON integrations BEGIN
      ${INSERT} ('integration.changed', ${NOW}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    END;
  `,
};
