import type { Migration } from './types';

/** Fields seed APIs carry that Promptdesk has no column for (OpenWebUI's `data` and `meta`), kept verbatim. */
export const compatExtra: Migration = {
  version: 50,
  name: 'compat-extra',
  sql: `ALTER TABLE prompts ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';`,
};
