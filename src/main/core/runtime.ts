import { join } from 'node:path';
import type { Store } from '../store/store';
import { DEFAULT_PROVIDER_LIMITS, type ProviderLimits } from './integrations/guarded-fetch';
import type { SecretBox } from './integrations/secret-box';
import { createLogWriter, type LogWriter } from './logs/log-writer';
import { ExportJobs } from './logs/log-export';
import { RunRegistry } from './runs/run-registry';

/** The long-lived parts of the core beside the store: secrets, runs in flight, the log writer. */
export interface Runtime {
  dataDir: string;
  secrets: SecretBox;
  limits: ProviderLimits;
  runs: RunRegistry;
  logs: LogWriter;
  exports: ExportJobs;
  /** Told when a member is deactivated, after it is saved (the headless bridge ends their browser sessions for good). */
  deactivations: Set<(userId: string) => void>;
}

export interface RuntimeOptions {
  dataDir: string;
  secrets: SecretBox;
  limits?: Partial<ProviderLimits>;
  /** Where log exports are written (the desktop uses the Downloads folder). */
  exportsDir?: string;
}

export function createRuntime(store: Store, options: RuntimeOptions): Runtime {
  return {
    dataDir: options.dataDir,
    secrets: options.secrets,
    limits: { ...DEFAULT_PROVIDER_LIMITS, ...options.limits },
    runs: new RunRegistry(),
    logs: createLogWriter(store),
    exports: new ExportJobs(options.exportsDir ?? join(options.dataDir, 'exports')),
    deactivations: new Set(),
  };
}
