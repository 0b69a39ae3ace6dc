import { openStore, type Db, type OpenStoreOptions } from './open';
import { usersRepo } from './repos/users-repo';
import { keysRepo } from './repos/keys-repo';
import { promptsRepo } from './repos/prompts-repo';
import { versionsRepo } from './repos/versions-repo';
import { settingsRepo } from './repos/settings-repo';
import { promotionsRepo } from './repos/promotions-repo';
import { sharesRepo } from './repos/shares-repo';
import { integrationsRepo } from './repos/integrations-repo';
import { logsRepo } from './repos/logs-repo';
import { testCasesRepo } from './repos/test-cases-repo';
import { readinessRepo } from './repos/readiness-repo';
import { openWebUiSnapshotsRepo } from './repos/openwebui-snapshots-repo';
import { respanParamsRepo } from './repos/respan-params-repo';
import { createReadCache } from './read-cache';
import { checkpointIfLarge } from './wal-seal';
import { withStorageCause } from './storage-errors';

/** How often the store looks at its WAL's size (it checkpoints and reseals past 8 MiB). */
const CHECKPOINT_CHECK_MS = 2000;

/** The open database and its repositories, prepared once. */
export interface Store {
  db: Db;
  path: string;
  /** The better-sqlite3 binary the store was opened with (Electron's ABI), for the check's worker. */
  nativeBinding: string | undefined;
  users: ReturnType<typeof usersRepo>;
  keys: ReturnType<typeof keysRepo>;
  prompts: ReturnType<typeof promptsRepo>;
  versions: ReturnType<typeof versionsRepo>;
  settings: ReturnType<typeof settingsRepo>;
  promotions: ReturnType<typeof promotionsRepo>;
  shares: ReturnType<typeof sharesRepo>;
  integrations: ReturnType<typeof integrationsRepo>;
  /** Written by the log writer's group commit, not through tx(): logs are never memoised. */
  logs: ReturnType<typeof logsRepo>;
  testCases: ReturnType<typeof testCasesRepo>;
  readiness: ReturnType<typeof readinessRepo>;
  openWebUiSnapshots: ReturnType<typeof openWebUiSnapshotsRepo>;
  respanParams: ReturnType<typeof respanParamsRepo>;
  /** Runs `fn` in one synchronous transaction (never await inside). */
  tx<T>(fn: () => T): T;
  close(): void;
}

export function createStore(path: string, options?: OpenStoreOptions): Store {
  const db = openStore(path, options);
  const cache = createReadCache(db);
  const { memo } = cache;
  const users = usersRepo(db);
  const keys = keysRepo(db);
  const prompts = promptsRepo(db);
  const versions = versionsRepo(db);
  const shares = sharesRepo(db);
  // SQLite's auto-checkpoint is off (see wal-seal.ts): the store keeps its WAL short itself.
  const checkpoints = path === ':memory:' ? null : setInterval(() => checkpointIfLarge(db, path), CHECKPOINT_CHECK_MS).unref();
  const logs = logsRepo(db);
  // The reads every API request makes (key, member, prompt, version, share) are memoised until
  // the next write; see read-cache.ts.
  return {
    db,
    path,
    nativeBinding: options?.nativeBinding,
    users: { ...users, get: memo('users.get', users.get) },
    keys: {
      ...keys,
      getByPrefix: memo('keys.getByPrefix', keys.getByPrefix),
      // The one write made outside a transaction (last-used time).
      touch: (id: string, at: string) => {
        const result = keys.touch(id, at);
        cache.clear();
        return result;
      },
    },
    prompts: {
      ...prompts,
      getRowByName: memo('prompts.getRowByName', prompts.getRowByName),
      tags: memo('prompts.tags', prompts.tags),
      owners: memo('prompts.owners', prompts.owners),
    },
    versions: { ...versions, get: memo('versions.get', versions.get), publishedNumber: memo('versions.publishedNumber', versions.publishedNumber) },
    settings: settingsRepo(db),
    promotions: promotionsRepo(db),
    integrations: integrationsRepo(db),
    logs,
    testCases: testCasesRepo(db),
    readiness: readinessRepo(db),
    openWebUiSnapshots: openWebUiSnapshotsRepo(db),
    respanParams: respanParamsRepo(db),
    shares: { ...shares, permissionOf: memo('shares.permissionOf', shares.permissionOf) },
    // A write the file system refused mid-way (a read-only mount, a full disk) says so: see withStorageCause.
    tx: (fn) => {
      try {
        return cache.around(() => db.transaction(fn).immediate());
      } catch (error) {
        throw withStorageCause(error, path);
      }
    },
    close: () => {
      if (checkpoints) clearInterval(checkpoints);
      db.close();
    },
  };
}
