import { z } from 'zod';

/** The OTLP/HTTP encodings (OTEL_EXPORTER_OTLP_PROTOCOL's values; `grpc` is not offered). */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/**
 * A collector's traces URL (e.g. `http://localhost:4318/v1/traces`): http or https only, no
 * user:password in it (a secret goes in the headers, which are sealed; the URL is shown as is).
 */
export const OtlpEndpointSchema = z
  .string()
  .trim()
  .min(1, 'Enter the collector URL, e.g. http://localhost:4318/v1/traces')
  .max(2000)
  .refine((url) => URL.canParse(url), 'Enter a URL such as http://localhost:4318/v1/traces')
  .refine((url) => /^https?:\/\//i.test(url), 'Use an http:// or https:// URL')
  .refine((url) => {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    return !parsed || (!parsed.username && !parsed.password);
  }, 'Put credentials in the headers field (they are kept sealed), not in the URL');

/**
 * OTLP headers as OTEL_EXPORTER_OTLP_HEADERS writes them: `key=value` pairs separated by commas,
 * values URL-encoded where needed (`Authorization=Basic%20cGs6c2s=`).
 */
export const OtlpHeadersSchema = z
  .string()
  .max(8000)
  .refine(
    (raw) => raw.trim() === '' || raw.split(',').every((pair) => /^\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+\s*=.*\S/.test(pair)),
    'Write headers as key=value pairs separated by commas, e.g. Authorization=Basic%20cGs6c2s=',
  );

export const SaveTelemetryInput = z
  .object({
    enabled: z.boolean(),
    /** '' when export stays off and no collector is named yet. */
    endpoint: z.union([z.literal(''), OtlpEndpointSchema]).default(''),
    protocol: z.enum(OTLP_PROTOCOLS).default('http/protobuf'),
    /** undefined keeps the stored headers; '' removes them. Never shown back in full. */
    headers: OtlpHeadersSchema.optional(),
  })
  .strict()
  .superRefine((input, issue) => {
    if (input.enabled && input.endpoint === '') issue.addIssue({ code: 'custom', path: ['endpoint'], message: 'Enter the collector URL to turn export on' });
  });
export type SaveTelemetryInput = z.input<typeof SaveTelemetryInput>;

/** Where each effective setting came from (README "Send runs to an OpenTelemetry collector"). */
export type TelemetrySource = 'flag' | 'env' | 'settings' | 'default';

/** What Settings → Telemetry shows: the saved form, the effective export, and its counters. */
export interface TelemetryStatus {
  settings: {
    enabled: boolean;
    endpoint: string;
    protocol: OtlpProtocol;
    /** Header names with values masked (`Authorization=…c2s=`); null when none are stored. */
    headersHint: string | null;
  };
  effective: {
    enabled: boolean;
    endpoint: string | null;
    endpointSource: TelemetrySource;
    protocol: OtlpProtocol;
    protocolSource: TelemetrySource;
    /** Header names in effect (values never leave the core). */
    headerNames: string[];
    /** Why export asked for is off anyway (OTEL_SDK_DISABLED=true over a flag, variable or Settings); null otherwise. */
    warning: string | null;
  };
  /** Since the app started: spans the collector took, spans dropped because the queue was full, spans whose export failed. */
  counters: { exported: number; dropped: number; failed: number; queued: number; maxQueueSize: number };
  lastError: { at: string; message: string } | null;
}

export interface TelemetryTestResult {
  ok: boolean;
  message: string;
}
