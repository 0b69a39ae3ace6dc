import type { z } from 'zod';
import type { Ctx } from '../context';
import { AppError, invalid } from '../errors';
import { assertAdmin } from '../users/users-service';
import type { Store } from '../../store/store';
import type { SecretBox } from '../integrations/secret-box';
import type { SaveTelemetryInput, TelemetryStatus, TelemetryTestResult } from '../../../shared/schemas/telemetry';
import { DEFAULT_STORED, TELEMETRY_SETTING, headersHint, maskEndpoint, parseOtlpHeaders, resolveTelemetry, type EffectiveTelemetry, type StoredTelemetry } from './otlp-config';
import type { RunTelemetry } from './run-telemetry';

/** Where a host's telemetry config comes from besides Settings: `serve --otlp-endpoint` and the process environment. */
export interface TelemetryInputs {
  flagEndpoint?: string;
  env: NodeJS.ProcessEnv;
}

type Parts = { store: Store; secrets: SecretBox; telemetry: RunTelemetry; telemetryInputs: TelemetryInputs };

const stored = (store: Store): StoredTelemetry => ({ ...DEFAULT_STORED, ...store.settings.get<StoredTelemetry>(TELEMETRY_SETTING) });

function storedHeaders(secrets: SecretBox, saved: StoredTelemetry): Record<string, string> {
  if (!saved.sealedHeaders) return {};
  try {
    return parseOtlpHeaders(secrets.decrypt(Buffer.from(saved.sealedHeaders, 'base64')));
  } catch {
    throw invalid('The stored OTLP headers cannot be decrypted here (was the data folder moved?); enter them again', 'headers');
  }
}

/** The export flag, environment and Settings add up to (otlp-config.ts resolveTelemetry). */
function effective(parts: Parts): EffectiveTelemetry {
  const saved = stored(parts.store);
  return resolveTelemetry(saved, storedHeaders(parts.secrets, saved), parts.telemetryInputs.flagEndpoint, parts.telemetryInputs.env);
}

/**
 * Starts, changes or stops the export to match flag, environment and Settings; called when a
 * runtime is created and after every save. A config that cannot be used (a variable that is not
 * an http URL, headers sealed on another machine) leaves export off with the reason as the last error.
 */
export function applyTelemetry(parts: Parts): void {
  try {
    parts.telemetry.apply(effective(parts));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    parts.telemetry.apply({ ...resolveTelemetry(DEFAULT_STORED, {}, undefined, {}), enabled: false });
    parts.telemetry.fail(error.field ? `${error.field}: ${error.message}` : error.message);
  }
}

const partsOf = (ctx: Ctx): Parts => ({
  store: ctx.store,
  secrets: ctx.runtime.secrets,
  telemetry: ctx.runtime.telemetry,
  telemetryInputs: ctx.runtime.telemetryInputs,
});

/** Settings → Telemetry: the saved form (headers as a hint), what is in effect, the counters. Admins only. */
export function telemetryStatus(ctx: Ctx): TelemetryStatus {
  assertAdmin(ctx.actor);
  const saved = stored(ctx.store);
  const config = ctx.runtime.telemetry.config;
  return {
    settings: { enabled: saved.enabled, endpoint: saved.endpoint, protocol: saved.protocol, headersHint: saved.headersHint },
    effective: {
      enabled: config?.enabled ?? false,
      // A token in the URL's query (a flag's or variable's) is shown masked, like a header value.
      endpoint: config?.endpoint ? maskEndpoint(config.endpoint) : null,
      endpointSource: config?.endpointSource ?? 'default',
      protocol: config?.protocol ?? saved.protocol,
      protocolSource: config?.protocolSource ?? 'default',
      headerNames: Object.keys(config?.headers ?? {}),
      warning: config?.warning ?? null,
    },
    ...ctx.runtime.telemetry.counters(),
  };
}

/**
 * Saves Settings → Telemetry and applies it at once. Headers are sealed like provider keys
 * (runtime SecretBox); `headers` undefined keeps the stored ones, '' removes them.
 *
 * @throws AppError `invalid_input` at `endpoint` / `headers`; `forbidden` for members
 */
export function saveTelemetry(ctx: Ctx, input: z.output<typeof SaveTelemetryInput>): TelemetryStatus {
  assertAdmin(ctx.actor);
  const before = stored(ctx.store);
  const next: StoredTelemetry = { ...before, enabled: input.enabled, endpoint: input.endpoint, protocol: input.protocol };
  if (input.headers !== undefined) {
    const headers = input.headers.trim() === '' ? {} : parseOtlpHeaders(input.headers);
    const text = Object.entries(headers)
      .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
      .join(',');
    next.sealedHeaders = text ? ctx.runtime.secrets.encrypt(text).toString('base64') : null;
    next.headersHint = headersHint(headers);
  } else if (before.sealedHeaders && before.endpoint && input.endpoint && new URL(before.endpoint).origin !== new URL(input.endpoint).origin) {
    // Stored credentials go only to the collector they were entered for (as provider keys do).
    throw invalid('The URL points at another collector: enter the headers again so they are not sent somewhere new', 'headers');
  }
  ctx.store.tx(() => ctx.store.settings.set(TELEMETRY_SETTING, next));
  applyTelemetry(partsOf(ctx));
  return telemetryStatus(ctx);
}

/** "Send a test span": one span to the collector in effect (or the saved one while export is off). Admins only. */
export async function sendTestSpan(ctx: Ctx): Promise<TelemetryTestResult> {
  assertAdmin(ctx.actor);
  let target: EffectiveTelemetry;
  try {
    target = effective(partsOf(ctx));
  } catch (error) {
    if (error instanceof AppError) return { ok: false, message: error.message };
    throw error;
  }
  return ctx.runtime.telemetry.sendTest(target);
}
