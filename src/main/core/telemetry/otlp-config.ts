import { invalid } from '../errors';
import { OTLP_PROTOCOLS, OtlpEndpointSchema, OtlpHeadersSchema, type OtlpProtocol, type TelemetrySource } from '../../../shared/schemas/telemetry';

/** What Settings → Telemetry keeps (store setting {@link TELEMETRY_SETTING}); headers sealed by the runtime's SecretBox. */
export interface StoredTelemetry {
  enabled: boolean;
  endpoint: string;
  protocol: OtlpProtocol;
  /** base64 of the sealed `key=value,...` text, or null. */
  sealedHeaders: string | null;
  headersHint: string | null;
}

export const TELEMETRY_SETTING = 'telemetry.otlp';

export const DEFAULT_STORED: StoredTelemetry = { enabled: false, endpoint: '', protocol: 'http/protobuf', sealedHeaders: null, headersHint: null };

/** The export a host runs with, once flag, environment and Settings are combined. */
export interface EffectiveTelemetry {
  enabled: boolean;
  endpoint: string | null;
  endpointSource: TelemetrySource;
  protocol: OtlpProtocol;
  protocolSource: TelemetrySource;
  headers: Record<string, string>;
  /** Why a collector that was asked for gets nothing (OTEL_SDK_DISABLED=true over a flag, variable or Settings); null otherwise. */
  warning: string | null;
}

/**
 * Parses OTEL_EXPORTER_OTLP_HEADERS' format (`k=v,k2=v2`, values URL-decoded, as the OpenTelemetry
 * spec's "Specifying headers via environment variables" says).
 *
 * @throws AppError `invalid` at `field` for a pair without `=`
 * @example parseOtlpHeaders('Authorization=Basic%20eA==') // { Authorization: 'Basic eA==' }
 */
export function parseOtlpHeaders(raw: string, field = 'headers'): Record<string, string> {
  if (!OtlpHeadersSchema.safeParse(raw).success) throw invalid('Write headers as key=value pairs separated by commas, e.g. Authorization=Basic%20cGs6c2s=', field);
  // No prototype: a header named `__proto__` is a header, not a prototype change.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const key = pair.slice(0, at).trim();
    let value = pair.slice(at + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // A literal % that is not an escape is kept as typed.
    }
    if (key) headers[key] = value;
  }
  return headers;
}

/** Header names with each value cut to its last 4 characters: what the Settings section shows back. */
export function headersHint(headers: Record<string, string>): string | null {
  const names = Object.entries(headers);
  if (names.length === 0) return null;
  return names.map(([key, value]) => `${key}=…${value.length > 8 ? value.slice(-4) : ''}`).join(', ');
}

/**
 * A collector URL from a flag, a variable or the form, checked by the one schema.
 *
 * @throws AppError `invalid` naming `field` (e.g. `endpoint`, `--otlp-endpoint`, `OTEL_EXPORTER_OTLP_ENDPOINT`)
 */
export function checkEndpoint(raw: string, field: string): string {
  const parsed = OtlpEndpointSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? 'Use an http:// or https:// URL', field);
  return parsed.data;
}

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT is a base URL: the signal path `/v1/traces` is appended to its path
 * (OTLP exporter spec, "Endpoint URLs for OTLP/HTTP"), before any query string, so
 * `http://h:4318/base/?token=x` sends to `http://h:4318/base/v1/traces?token=x`. (The JS SDK's own
 * env reader, otlp-exporter-base appendResourcePathToUrl, appends to the whole string and would
 * put the path inside the query; the Go SDK joins paths as here.)
 */
export function tracesUrl(base: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}

/**
 * A collector URL as Settings and messages show it: query values and any userinfo masked like
 * header values (`token=…ET77`, the last 4 characters of a value longer than 8), so a credential
 * someone put in the URL is not shown in full. Text that is not a URL comes back as is.
 *
 * @example maskEndpoint('http://h:4318/v1/traces?token=QSEKRET77') // 'http://h:4318/v1/traces?token=…ET77'
 */
export function maskEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return endpoint;
  }
  const userinfo = url.username || url.password ? '…@' : '';
  const query = [...url.searchParams].map(([key, value]) => `${encodeURIComponent(key)}=…${value.length > 8 ? encodeURIComponent(value.slice(-4)) : ''}`).join('&');
  // The fragment is never sent to the collector: left out.
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query ? `?${query}` : ''}`;
}

const ASKED_BY: Record<TelemetrySource, string> = {
  flag: '--otlp-endpoint',
  env: 'OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT',
  settings: 'Settings → Telemetry',
  default: 'the default',
};

/**
 * The effective export: each setting from the first source that sets it, in the order
 * `--otlp-endpoint` flag > OTEL_EXPORTER_OTLP_* variables > Settings > default (the SDK's own
 * order puts programmatic config first; here the flag and the variables are the operator's, the
 * form is the member's). OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as is,
 * OTEL_EXPORTER_OTLP_ENDPOINT gets `/v1/traces`; a flag or variable endpoint turns export on
 * (OTEL_SDK_DISABLED=true turns everything off). Headers: the form's (only when the endpoint in
 * effect is on the form's collector), then the variables' over them.
 *
 * @throws AppError `invalid` naming the flag or variable whose value is not an http(s) URL or a known protocol
 */
export function resolveTelemetry(stored: StoredTelemetry, storedHeaders: Record<string, string>, flagEndpoint: string | undefined, env: NodeJS.ProcessEnv): EffectiveTelemetry {
  let endpoint: string | null = stored.endpoint || null;
  let endpointSource: TelemetrySource = endpoint ? 'settings' : 'default';
  let enabled = stored.enabled && endpoint !== null;
  if (flagEndpoint) {
    endpoint = checkEndpoint(flagEndpoint, '--otlp-endpoint');
    endpointSource = 'flag';
    enabled = true;
  } else if (env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    endpoint = checkEndpoint(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'], 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    endpointSource = 'env';
    enabled = true;
  } else if (env['OTEL_EXPORTER_OTLP_ENDPOINT']) {
    endpoint = tracesUrl(checkEndpoint(env['OTEL_EXPORTER_OTLP_ENDPOINT'], 'OTEL_EXPORTER_OTLP_ENDPOINT'));
    endpointSource = 'env';
    enabled = true;
  }
  let protocol = stored.protocol;
  let protocolSource: TelemetrySource = stored.enabled || stored.endpoint ? 'settings' : 'default';
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!(OTLP_PROTOCOLS as readonly string[]).includes(value)) throw invalid(`Use http/protobuf or http/json (grpc is not supported)`, name);
    protocol = value as OtlpProtocol;
    protocolSource = 'env';
    break;
  }
  // Saved headers (credentials) go only to the collector they were saved for, never to a flag's or variable's.
  const sameCollector = endpoint !== null && stored.endpoint !== '' && new URL(endpoint).origin === new URL(stored.endpoint).origin;
  const headers = sameCollector ? { ...storedHeaders } : {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    if (env[name]) Object.assign(headers, parseOtlpHeaders(env[name], name));
  }
  let warning: string | null = null;
  if (/^true$/i.test(env['OTEL_SDK_DISABLED']?.trim() ?? '')) {
    // Documented to turn it all off; said out loud when someone asked for export (attack 15a F6).
    if (enabled && endpoint !== null) warning = `OTEL_SDK_DISABLED=true turns export off, over ${ASKED_BY[endpointSource]}`;
    enabled = false;
  }
  return { enabled: enabled && endpoint !== null, endpoint, endpointSource, protocol, protocolSource, headers, warning };
}
