import type { Migration } from './types';

/**
 * Version numbers are identities (docs/versions.md): a per-prompt high-water mark of every number
 * ever given, so deleting v2 and saving again makes v3, never a second v2.
 *
 * Existing prompts start from the highest number anything still remembers: the versions left,
 * the pinned and latest pointers, promotion history (version and previous version) and run
 * logs. A deleted number nothing remembers cannot be recovered, so it is at least max(existing).
 *
 * The triggers keep the rule below every code path: a version row may only be inserted above the
 * mark, and inserting one raises the mark.
 */
export const versionHighWater: Migration = {
  version: 70,
  name: 'version-high-water',
  sql: `
    ALTER TABLE prompts ADD COLUMN version_high_water INTEGER NOT NULL DEFAULT 0 CHECK (version_high_water >= 0);

    UPDATE prompts SET version_high_water = max(
      coalesce(latest_version, 0),
      coalesce(pinned_version, 0),
      coalesce((SELECT max(v.number) FROM prompt_versions v WHERE v.prompt_id = prompts.id), 0),
      coalesce((SELECT max(max(pr.version, coalesce(pr.previous_version, 0))) FROM promotions pr WHERE pr.prompt_id = prompts.id), 0),
      coalesce((SELECT max(l.version) FROM run_logs l WHERE l.prompt_id = prompts.id), 0)
    );

    CREATE TRIGGER prompt_versions_number_never_reused
    BEFORE INSERT ON prompt_versions
    WHEN NEW.number <= (SELECT version_high_water FROM prompts WHERE id = NEW.prompt_id)
    BEGIN
      SELECT RAISE(ABORT, 'version number already given for this prompt');
    END;

    CREATE TRIGGER prompt_versions_raise_high_water
    AFTER INSERT ON prompt_versions
    BEGIN
      UPDATE prompts SET version_high_water = NEW.number WHERE id = NEW.prompt_id AND version_high_water < NEW.number;
    END;
  `,
};
