import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../lib/api';
import type { SaveTelemetryInput } from '../../../shared/schemas/telemetry';

/**
 * Settings → Telemetry: the saved form, the export in effect (flag, environment or Settings) and
 * its counters (channel telemetry:status; core/telemetry). Refetched every few seconds while the
 * section is open, so exported / dropped / last error follow the runs.
 */
export const telemetryQuery = queryOptions({
  queryKey: ['settings', 'telemetry'] as const,
  queryFn: () => unwrap(api.telemetry.status()),
  refetchInterval: 3000,
});

/** Saves the form; the core checks the URL and headers (naming `endpoint` / `headers`) and applies it at once. */
export const saveTelemetry = (input: SaveTelemetryInput) => unwrap(api.telemetry.save(input));

/** Sends one test span to the collector in effect; answers what the collector said. */
export const sendTestSpan = () => unwrap(api.telemetry.test());
