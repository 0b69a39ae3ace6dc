import type Database from 'better-sqlite3';

export interface Migration {
  /** Numbered in steps of 10 so a fix can slot in between. */
  version: number;
  name: string;
  /** Schema change; hashed to detect a migration edited after it ran. */
  sql: string;
  /** Optional data step run after `sql` in the same transaction. */
  up?: (db: Database.Database) => void;
}
