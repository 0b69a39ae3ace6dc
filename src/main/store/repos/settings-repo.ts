import type { Db } from '../open';

export function settingsRepo(db: Db) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const set = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  return {
    get: <T>(key: string): T | undefined => {
      const row = get.get(key);
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    set: (key: string, value: unknown) => set.run(key, JSON.stringify(value)),
  };
}
