import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import protobuf from 'protobufjs';

/**
 * A protocol-faithful OTLP/HTTP trace receiver on 127.0.0.1, as a collector answers
 * (opentelemetry-proto docs/specification.md "OTLP/HTTP"): POST /v1/traces with
 * `application/x-protobuf` (decoded with the official .proto files in test/fixtures/otlp-proto) or
 * `application/json` (OTLP/JSON: hex ids, enum integers, int64 as strings), gzip allowed; answers
 * 200 with an ExportTraceServiceResponse in the request's encoding, 415 for another content type,
 * 404 for another path. It can be told to go down (connection refused: the port is closed), to
 * hang (never answer), or to answer 503 a number of times before recovering.
 */
export interface OtlpReceiver {
  /** e.g. http://127.0.0.1:PORT/v1/traces */
  url: string;
  port: number;
  /** Every accepted export request, in arrival order. */
  requests: ReceivedExport[];
  /** Every span of every accepted request. */
  spans(): ReceivedSpan[];
  /** Spans accepted so far (also when `keep` is false). */
  spanCount(): number;
  /** Closes the port (connection refused) until {@link up}. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Holds every request open without an answer until {@link up} or close (they are then dropped). */
  hang(): void;
  /** The next `times` requests get 503 (retryable), then it answers normally. */
  failTimes(times: number): void;
  /** Waits until at least `count` spans arrived, at most `ms` (then returns what arrived: the test's expect fails, not a timer). */
  waitForSpans(count: number, ms?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export interface ReceivedExport {
  contentType: string;
  headers: IncomingMessage['headers'];
  /** The body as sent (after gzip), for grepping secret text. */
  raw: Buffer;
  spans: ReceivedSpan[];
}

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  name: string;
  /** OTLP SpanKind: 3 = CLIENT. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  attributes: Record<string, AttributeValue>;
  resource: Record<string, AttributeValue>;
}

const PROTO_ROOT = join(__dirname, '../fixtures/otlp-proto');
let typesPromise: Promise<{ request: protobuf.Type; response: protobuf.Type }> | null = null;

function types() {
  typesPromise ??= (async () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
    await root.load('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
    return {
      request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
      response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    };
  })();
  return typesPromise;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded OTLP messages are walked generically */
function anyValue(value: any): AttributeValue {
  if (!value) return null;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return ((value.arrayValue?.values ?? []) as any[]).map(anyValue);
  return null;
}

const attributes = (list: any[] | undefined) => Object.fromEntries((list ?? []).map((kv: any) => [kv.key, anyValue(kv.value)]));

/** protobuf toObject gives ids as base64; OTLP/JSON as hex. */
const hexId = (id: string, json: boolean) => (json ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

function spansOf(request: any, json: boolean): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        spans.push({
          traceId: hexId(span.traceId, json),
          spanId: hexId(span.spanId, json),
          name: span.name,
          kind: Number(span.kind ?? 0),
          startNs: BigInt(span.startTimeUnixNano ?? 0),
          endNs: BigInt(span.endTimeUnixNano ?? 0),
          status: { code: Number(span.status?.code ?? 0), ...(span.status?.message ? { message: span.status.message } : {}) },
          attributes: attributes(span.attributes),
          resource,
        });
      }
    }
  }
  return spans;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * Starts a receiver on 127.0.0.1 (port 0 = a free one). `keep: false` only counts what it
 * accepts (a bench's long run would otherwise hold every body).
 */
export async function startOtlpReceiver(port = 0, options: { keep?: boolean } = {}): Promise<OtlpReceiver> {
  const keep = options.keep ?? true;
  let accepted = 0;
  const { request: RequestType, response: ResponseType } = await types();
  const requests: ReceivedExport[] = [];
  let failures = 0;
  let hanging = false;
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (hanging) {
      held.add(res);
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
    if (type !== 'application/x-protobuf' && type !== 'application/json') return void res.writeHead(415).end();
    if (failures > 0) {
      failures--;
      return void res.writeHead(503, { 'content-type': 'text/plain' }).end('collector overloaded');
    }
    let raw = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const json = type === 'application/json';
    let decoded: unknown;
    try {
      decoded = json ? JSON.parse(raw.toString('utf8')) : RequestType.toObject(RequestType.decode(raw), { longs: String, bytes: String, enums: Number });
    } catch {
      return void res.writeHead(400, { 'content-type': 'text/plain' }).end('cannot decode ExportTraceServiceRequest');
    }
    const spans = spansOf(decoded, json);
    accepted += spans.length;
    if (keep) requests.push({ contentType: type, headers: req.headers, raw, spans });
    if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(ResponseType.encode(ResponseType.create({})).finish()));
  };

  let server: Server;
  const listen = (at: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer((req, res) => void handle(req, res));
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.once('error', reject);
      server.listen(at, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const res of held) res.destroy();
      held.clear();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });

  const bound = await listen(port);
  const spans = () => requests.flatMap((r) => r.spans);
  return {
    url: `http://127.0.0.1:${bound}/v1/traces`,
    port: bound,
    requests,
    spans,
    spanCount: () => accepted,
    down: stop,
    async up() {
      hanging = false;
      if (!server.listening) await listen(bound);
      for (const res of held) res.destroy();
      held.clear();
    },
    hang() {
      hanging = true;
    },
    failTimes(times) {
      failures = times;
    },
    async waitForSpans(count, ms = 20_000) {
      const until = Date.now() + ms;
      while (spans().length < count && Date.now() < until) await sleep(25);
      return spans();
    },
    close: stop,
  };
}
