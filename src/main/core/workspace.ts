import { join } from 'node:path';
import { userInfo } from 'node:os';
import { createStore, type Store } from '../store/store';
import { systemClock, type Clock, type Ctx } from './context';
import { ensureFirstAdmin } from './users/users-service';
import type { User } from '../../shared/schemas/users';
import { notFound } from './errors';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime';
import { fileSecretBox, type SecretBox } from './integrations/secret-box';
import { ensurePrivateDir } from '../store/private-files';
import { createChangeFeed, type ChangeFeed } from './changes/change-feed';

export const DB_FILE = 'promptdesk.db';

/** An open data folder: the store, the clock, and the member a desktop session acts as. */
export interface Workspace {
  dataDir: string;
  store: Store;
  clock: Clock;
  owner: User;
  runtime: Runtime;
  /** Every committed change to the data folder, per member (see core/changes/change-feed.ts). */
  changes: ChangeFeed;
  /** A service context acting as the given member (fresh from the store, so deactivation shows). */
  as(userId: string): Ctx;
  close(): void;
}

/** Who owns a new workspace: the OS user, as `<username>@localhost`. */
export function osUser(): { name: string; email: string } {
  let name = 'owner';
  try {
    name = userInfo().username || name;
  } catch {
    // No passwd entry (some containers): keep the default.
  }
  const local = name.toLowerCase().replace(/[^a-z0-9._-]/g, '') || 'owner';
  return { name, email: `${local}@localhost` };
}

export interface OpenWorkspaceOptions {
  clock?: Clock;
  nativeBinding?: string;
  /** Electron passes its safeStorage box; headless uses the key file (see secret-box.ts). */
  secrets?: (dataDir: string) => SecretBox;
  limits?: RuntimeOptions['limits'];
  exportsDir?: string;
  /** How often the change stream polls for commits (ms); tests shorten it. */
  changesPollMs?: number;
  /** OpenTelemetry export of runs: `serve --otlp-endpoint`, the environment, export bounds (core/telemetry). */
  telemetry?: RuntimeOptions['telemetry'];
}

export function openWorkspace(dataDir: string, options: OpenWorkspaceOptions = {}): Workspace {
  // Created 0700 whatever the umask: the folder holds prompts, logs and keys (a looser one is warned about).
  ensurePrivateDir(dataDir);
  const clock = options.clock ?? systemClock;
  const store = createStore(join(dataDir, DB_FILE), { nativeBinding: options.nativeBinding });
  const owner = ensureFirstAdmin(store, clock, osUser());
  const runtime = createRuntime(store, {
    dataDir,
    secrets: (options.secrets ?? fileSecretBox)(dataDir),
    limits: options.limits,
    exportsDir: options.exportsDir,
    telemetry: options.telemetry,
  });
  const changes = createChangeFeed(store, { pollMs: options.changesPollMs });
  return {
    dataDir,
    store,
    clock,
    owner,
    runtime,
    changes,
    as(userId) {
      const actor = store.users.get(userId);
      if (!actor) throw notFound('Member');
      return { store, clock, actor, runtime };
    },
    close: () => {
      // Spans still queued get one bounded try (export timeout) in the background.
      void runtime.telemetry.shutdown();
      changes.close();
      store.close();
    },
  };
}
