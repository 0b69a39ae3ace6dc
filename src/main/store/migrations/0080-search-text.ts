import type { Migration } from './types';
import { indexedSearchText, searchableText } from '../../core/search/search-text';

/**
 * Search finds what was typed (core/search/search-text.ts): both full-text indexes are rebuilt
 * with symbols and marks as token characters and with their text as searchableText has it (one
 * token per character of CJK/Thai… text, per symbol or emoji), so words inside those scripts and
 * symbol-only queries can be found.
 *
 * The library index holds its own copy of the text, so it is rebuilt from itself; the logs
 * index is external-content (run_logs), so it is rebuilt from the logged columns.
 */
export const searchText: Migration = {
  version: 80,
  name: 'search-text',
  sql: `
    CREATE VIRTUAL TABLE prompts_fts_next USING fts5(
      name, title, description, tags, template,
      tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M* S*'",
      prefix = '1 2 3'
    );
    DROP TABLE run_logs_fts;
    CREATE VIRTUAL TABLE run_logs_fts USING fts5(variables, output, content='run_logs', content_rowid='seq', prefix='1 2 3',
      tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M* S*'");
  `,
  up(db) {
    db.function('migration_search_text', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? searchableText(value) : null));
    // The logs index holds what logs-repo inserts and deletes: the indexed prefix of each column.
    db.function('migration_log_text', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? indexedSearchText(value) : null));
    db.exec(`
      INSERT INTO prompts_fts_next (rowid, name, title, description, tags, template)
        SELECT rowid, migration_search_text(name), migration_search_text(title), migration_search_text(description),
          migration_search_text(tags), migration_search_text(template) FROM prompts_fts;
      DROP TABLE prompts_fts;
      ALTER TABLE prompts_fts_next RENAME TO prompts_fts;
      INSERT INTO run_logs_fts (rowid, variables, output)
        SELECT seq, migration_log_text(variables), migration_log_text(output) FROM run_logs
        WHERE variables IS NOT NULL OR output IS NOT NULL;
    `);
  },
};
