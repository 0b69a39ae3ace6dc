import { channel, NoInput } from '../channel';
import { SaveTelemetryInput } from '../../../shared/schemas/telemetry';
import { saveTelemetry, sendTestSpan, telemetryStatus } from './telemetry-service';

/** Settings → Telemetry (OpenTelemetry export of runs): each channel's input schema and handler, declared once. Admins only. */
export const TELEMETRY_CHANNELS = {
  'telemetry:status': channel(NoInput, (ctx) => telemetryStatus(ctx)),
  'telemetry:save': channel(SaveTelemetryInput, (ctx, input) => saveTelemetry(ctx, input)),
  /** Sends one test span to the collector in effect and says what it answered. */
  'telemetry:test': channel(NoInput, (ctx) => sendTestSpan(ctx)),
};
