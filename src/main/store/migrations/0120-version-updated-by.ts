import type { Migration } from './types';

/**
 * Who last changed a version's content in place (a draft edited: text, variables, models,
 * messages). Conductor's MessageTemplate reports `updatedBy` as whoever made the last update
 * (issue 11, Conductor attack item 12); the version's author stays its creator. Null until the
 * first edit, when the author is also the last to change it. No data moves: earlier edits are
 * not known, so they read as the author's.
 *
 * Numbered 0120, below 0150 which shipped first: open.ts runs every migration a database has not
 * recorded in schema_migrations, not only those above its user_version.
 */
export const versionUpdatedBy: Migration = {
  version: 120,
  name: 'version-updated-by',
  sql: `
    ALTER TABLE prompt_versions ADD COLUMN updated_by TEXT REFERENCES users(id);
  `,
};
