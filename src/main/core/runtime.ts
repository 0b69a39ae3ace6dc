import { join } from 'node:path';
import type { Store } from '../store/store';
import { DEFAULT_PROVIDER_LIMITS, type ProviderLimits } from './integrations/guarded-fetch';
import type { SecretBox } from './integrations/secret-box';
import { createLogWriter, type LogWriter } from './logs/log-writer';
import { ExportJobs } from './logs/log-export';
import { RunRegistry } from './runs/run-registry';
import { createRunTelemetry, type ExportLimits, type RunTelemetry } from './telemetry/run-telemetry';
import { applyTelemetry, type TelemetryInputs } from './telemetry/telemetry-service';

/** The long-lived parts of the core beside the store: secrets, runs in flight, the log writer. */
export interface Runtime {
  dataDir: string;
  secrets: SecretBox;
  limits: ProviderLimits;
  runs: RunRegistry;
  logs: LogWriter;
  exports: ExportJobs;
  /** Every logged run as an OpenTelemetry span, when a collector is configured (core/telemetry). */
  telemetry: RunTelemetry;
  /** The `--otlp-endpoint` flag and environment the telemetry config is resolved with. */
  telemetryInputs: TelemetryInputs;
  /** Told when a member is deactivated, after it is saved (the headless bridge ends their browser sessions for good). */
  deactivations: Set<(userId: string) => void>;
}

export interface RuntimeOptions {
  dataDir: string;
  secrets: SecretBox;
  limits?: Partial<ProviderLimits>;
  /** Where log exports are written (the desktop uses the Downloads folder). */
  exportsDir?: string;
  /** `serve --otlp-endpoint`, the environment (process.env unless given) and export bounds (tests shorten them). */
  telemetry?: { flagEndpoint?: string; env?: NodeJS.ProcessEnv; limits?: Partial<ExportLimits> };
}

export function createRuntime(store: Store, options: RuntimeOptions): Runtime {
  const telemetry = createRunTelemetry(options.telemetry?.limits);
  const telemetryInputs: TelemetryInputs = { flagEndpoint: options.telemetry?.flagEndpoint, env: options.telemetry?.env ?? process.env };
  applyTelemetry({ store, secrets: options.secrets, telemetry, telemetryInputs });
  return {
    dataDir: options.dataDir,
    secrets: options.secrets,
    limits: { ...DEFAULT_PROVIDER_LIMITS, ...options.limits },
    runs: new RunRegistry(),
    // A run becomes a span once its log row is committed: the one place every door's runs pass.
    logs: createLogWriter(store, undefined, (record, extras) => telemetry.record(record, extras)),
    telemetry,
    telemetryInputs,
    exports: new ExportJobs(options.exportsDir ?? join(options.dataDir, 'exports')),
    deactivations: new Set(),
  };
}
