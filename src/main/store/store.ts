import { openStore, type Db, type OpenStoreOptions } from './open';
import { usersRepo } from './repos/users-repo';
import { keysRepo } from './repos/keys-repo';
import { promptsRepo } from './repos/prompts-repo';
import { versionsRepo } from './repos/versions-repo';
import { settingsRepo } from './repos/settings-repo';
import { promotionsRepo } from './repos/promotions-repo';
import { sharesRepo } from './repos/shares-repo';

/** The open database and its repositories, prepared once. */
export interface Store {
  db: Db;
  path: string;
  users: ReturnType<typeof usersRepo>;
  keys: ReturnType<typeof keysRepo>;
  prompts: ReturnType<typeof promptsRepo>;
  versions: ReturnType<typeof versionsRepo>;
  settings: ReturnType<typeof settingsRepo>;
  promotions: ReturnType<typeof promotionsRepo>;
  shares: ReturnType<typeof sharesRepo>;
  /** Runs `fn` in one synchronous transaction (never await inside). */
  tx<T>(fn: () => T): T;
  close(): void;
}

export function createStore(path: string, options?: OpenStoreOptions): Store {
  const db = openStore(path, options);
  return {
    db,
    path,
    users: usersRepo(db),
    keys: keysRepo(db),
    prompts: promptsRepo(db),
    versions: versionsRepo(db),
    settings: settingsRepo(db),
    promotions: promotionsRepo(db),
    shares: sharesRepo(db),
    tx: (fn) => db.transaction(fn).immediate(),
    close: () => db.close(),
  };
}
