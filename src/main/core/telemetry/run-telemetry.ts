import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, RandomIdGenerator, type IdGenerator, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LogRecord } from '../../store/repos/logs-repo';
import type { TelemetryStatus, TelemetryTestResult } from '../../../shared/schemas/telemetry';
import { maskEndpoint, type EffectiveTelemetry } from './otlp-config';
import { runSpan, type RunSpanExtras } from './run-span';
import packageJson from '../../../../package.json';

/** How spans wait for the collector; tests shorten the delay. Bounds are counts of spans and milliseconds. */
export interface ExportLimits {
  /** Spans waiting or being sent at most; one more is dropped (and counted), never waited for. */
  maxQueueSize: number;
  maxExportBatchSize: number;
  /** How long a span may wait for its batch to fill before it is sent. */
  scheduledDelayMs: number;
  /** One export, the exporter's own retries and backoff included (ECONNREFUSED, 429, 502-504). */
  exportTimeoutMs: number;
}

/** How long "Send a test span" waits for the collector, retries included. */
export const TEST_SPAN_TIMEOUT_MS = 5000;

/**
 * A full batch is serialised synchronously when it fills (the SDK's BatchSpanProcessor): about
 * 90 µs per span carrying 2 KB of Full content as protobuf here, so 128 bounds that pause at ~12 ms
 * where the SDK's 512 would hold the event loop ~45 ms (bench:otel).
 */
export const DEFAULT_EXPORT_LIMITS: ExportLimits = { maxQueueSize: 2048, maxExportBatchSize: 128, scheduledDelayMs: 2000, exportTimeoutMs: 10_000 };

/**
 * Every run, exported as an OpenTelemetry GenAI span (README "Send runs to an OpenTelemetry
 * collector"). Fed by the log writer once a run's log row is committed (core/logs/log-writer.ts),
 * the one place every run of every door is recorded. Off until {@link RunTelemetry.apply} gets an
 * enabled config; applied live (the old exporter drains in the background).
 */
export interface RunTelemetry {
  /** Hands a logged run to the exporter; never throws, never waits, drops when the queue is full. */
  record(record: LogRecord, extras?: RunSpanExtras): void;
  /** Replaces the exporter with one for `config` (or none when it is off). */
  apply(config: EffectiveTelemetry): void;
  readonly config: EffectiveTelemetry | null;
  /** The counters Settings → Telemetry shows. */
  counters(): Pick<TelemetryStatus, 'counters' | 'lastError'>;
  /** Records an error that kept export off (a bad OTEL_EXPORTER_OTLP_ENDPOINT at start). */
  fail(message: string): void;
  /** Sends one span named "promptdesk test span" to `config`'s collector and says what it answered. */
  sendTest(config: EffectiveTelemetry): Promise<TelemetryTestResult>;
  /** Sends what is queued (bounded by the export timeout); for tests and shutdown. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * A run's trace id is its run id (a UUID is 16 bytes, as a trace id is) and its span id is derived
 * from it: the same run exported twice (a desktop and its team server both exporting) has the same
 * ids, and a run in the logs is found in the collector by id. startSpan is synchronous, so `next`
 * is read only by the span being started.
 */
class RunIdGenerator implements IdGenerator {
  next: string | null = null;
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    if (this.next === null) return this.random.generateTraceId();
    const hex = this.next.replace(/-/g, '').toLowerCase();
    return /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex) ? hex : createHash('sha256').update(this.next).digest('hex').slice(0, 32);
  }

  generateSpanId(): string {
    if (this.next === null) return this.random.generateSpanId();
    return createHash('sha256').update(`span:${this.next}`).digest('hex').slice(0, 16);
  }
}

interface Counters {
  exported: number;
  dropped: number;
  failed: number;
  /** Handed to a processor and not yet settled by its exporter: what the queue bound counts. */
  inFlight: number;
  lastError: { at: string; message: string } | null;
}

const errorText = (result: ExportResult) => (result.error?.message || 'The collector did not take the spans').slice(0, 300);

/** Counts what the wrapped exporter settles; the batch processor's own counters are private. */
class CountingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly counts: Counters,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.counts.inFlight = Math.max(0, this.counts.inFlight - spans.length);
      if (result.code === ExportResultCode.SUCCESS) this.counts.exported += spans.length;
      else {
        this.counts.failed += spans.length;
        this.counts.lastError = { at: new Date().toISOString(), message: errorText(result) };
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function otlpExporter(config: EffectiveTelemetry, timeoutMillis: number): SpanExporter {
  const options = { url: config.endpoint!, headers: config.headers, timeoutMillis };
  return config.protocol === 'http/json' ? new OtlpJsonExporter(options) : new OtlpProtoExporter(options);
}

interface Pipeline {
  provider: BasicTracerProvider;
  tracer: Tracer;
  ids: RunIdGenerator;
}

function pipeline(config: EffectiveTelemetry, limits: ExportLimits, counts: Counters): Pipeline {
  const ids = new RunIdGenerator();
  const exporter = new CountingExporter(otlpExporter(config, limits.exportTimeoutMs), counts);
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'promptdesk', [ATTR_SERVICE_VERSION]: packageJson.version })),
    idGenerator: ids,
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        maxQueueSize: limits.maxQueueSize,
        maxExportBatchSize: Math.min(limits.maxExportBatchSize, limits.maxQueueSize),
        scheduledDelayMillis: limits.scheduledDelayMs,
        // A little longer than the exporter's own deadline, so its answer (and our count) comes first.
        exportTimeoutMillis: limits.exportTimeoutMs + 1000,
      }),
    ],
  });
  return { provider, tracer: provider.getTracer('promptdesk', packageJson.version), ids };
}

/** Ends `promise` after `ms` whatever it does (a hanging collector must not hold a shutdown). */
const bounded = (promise: Promise<unknown>, ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    promise.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });

/** @see RunTelemetry */
export function createRunTelemetry(bounds: Partial<ExportLimits> = {}): RunTelemetry {
  const limits: ExportLimits = { ...DEFAULT_EXPORT_LIMITS, ...bounds };
  const counts: Counters = { exported: 0, dropped: 0, failed: 0, inFlight: 0, lastError: null };
  let current: Pipeline | null = null;
  let config: EffectiveTelemetry | null = null;

  const retire = (old: Pipeline | null) => {
    if (old) void bounded(old.provider.shutdown(), limits.exportTimeoutMs + 2000);
  };

  return {
    get config() {
      return config;
    },
    record(record, extras) {
      if (!current) return;
      if (counts.inFlight >= limits.maxQueueSize) {
        counts.dropped++;
        return;
      }
      try {
        const span = runSpan(record, extras);
        current.ids.next = record.id;
        const otelSpan = current.tracer.startSpan(span.name, { kind: SpanKind.CLIENT, startTime: span.startMs, attributes: span.attributes });
        current.ids.next = null;
        if (span.error) {
          otelSpan.setAttribute(ATTR_ERROR_TYPE, span.error.type);
          otelSpan.setStatus({ code: SpanStatusCode.ERROR, ...(span.error.message ? { message: span.error.message } : {}) });
        }
        counts.inFlight++;
        otelSpan.end(span.endMs);
      } catch (error) {
        // A span is never worth a run: note it where Settings shows it and go on.
        if (current) current.ids.next = null;
        counts.lastError = { at: new Date().toISOString(), message: `A run could not be made a span: ${(error as Error).message}`.slice(0, 300) };
      }
    },
    apply(next) {
      config = next;
      const old = current;
      current = next.enabled && next.endpoint ? pipeline(next, limits, counts) : null;
      retire(old);
    },
    counters() {
      return {
        counters: { exported: counts.exported, dropped: counts.dropped, failed: counts.failed, queued: counts.inFlight, maxQueueSize: limits.maxQueueSize },
        lastError: counts.lastError,
      };
    },
    fail(message) {
      counts.lastError = { at: new Date().toISOString(), message };
    },
    async sendTest(target) {
      if (!target.endpoint) return { ok: false, message: 'Enter the collector URL first' };
      let outcome: ExportResult | null = null;
      // A person is waiting on the button: a shorter deadline than runs get (retries included).
      const timeoutMs = Math.min(limits.exportTimeoutMs, TEST_SPAN_TIMEOUT_MS);
      const probe: SpanExporter = {
        export: (spans, done) => otlpExporter(target, timeoutMs).export(spans, (result) => ((outcome = result), done(result))),
        shutdown: () => Promise.resolve(),
      };
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'promptdesk', [ATTR_SERVICE_VERSION]: packageJson.version }),
        spanProcessors: [new BatchSpanProcessor(probe, { exportTimeoutMillis: timeoutMs + 1000 })],
      });
      provider.getTracer('promptdesk').startSpan('promptdesk test span', { kind: SpanKind.CLIENT, attributes: { 'promptdesk.test': true } }).end();
      await bounded(provider.forceFlush(), timeoutMs + 2000);
      void provider.shutdown().catch(() => undefined);
      const result = outcome as ExportResult | null;
      const shown = maskEndpoint(target.endpoint);
      if (result === null) return { ok: false, message: `The collector at ${shown} did not answer in ${timeoutMs / 1000} s` };
      if (result.code === ExportResultCode.SUCCESS) return { ok: true, message: `The collector at ${shown} took the test span` };
      return { ok: false, message: `The collector at ${shown} refused the test span: ${errorText(result)}` };
    },
    async flush() {
      // forceFlush settles at the first failed batch; keep on until every held span is settled (bounded).
      const until = Date.now() + limits.exportTimeoutMs + 2000;
      while (current && counts.inFlight > 0 && Date.now() < until) {
        await bounded(current.provider.forceFlush(), Math.max(0, until - Date.now()));
        if (counts.inFlight > 0) await sleep(25);
      }
    },
    async shutdown() {
      const old = current;
      current = null;
      if (old) await bounded(old.provider.shutdown(), limits.exportTimeoutMs + 2000);
    },
  };
}
