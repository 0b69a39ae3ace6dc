import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { Hono } from 'hono';
import type { ApiEnv } from './env';
import { guardLoopback, type AllowList, type RefusalShape } from './loopback-guard';
import { compatRefusal } from './compat';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';
import { withFastRender } from './fast-render';

export interface RunningServer {
  server: Server;
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_API_PORT = 4319;

/** Friendlier text for a failed listen, e.g. a port another program holds. */
export function describeListenError(error: NodeJS.ErrnoException, host: string, port: number): string {
  if (error.code === 'EADDRINUSE') return `Port ${port} on ${host} is already in use: choose another port`;
  if (error.code === 'EACCES') return `Not allowed to listen on ${host}:${port}: choose a port above 1024`;
  return `Could not listen on ${host}:${port}: ${error.message}`;
}

export interface Timeouts {
  /** Time to receive the request headers. */
  headersMs: number;
  /** Time to receive the whole request. */
  requestMs: number;
}
export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 10_000, requestMs: 30_000 };

type Listener = Parameters<typeof createServer>[1];

/**
 * A refused request in its compat door's shape (Conductor's `message`/`retryable`...), when its
 * path is under one: the Host/Origin guard's 403 and Node's parser refusals (400, 431) too.
 */
const doorShape: RefusalShape = (req, error) =>
  compatRefusal(`http://127.0.0.1${req.url ?? ''}`, Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string')), error);

/** The request target of the raw bytes Node's parser refused (its first line), if one can be read. */
function rawTarget(rawPacket: unknown): string | undefined {
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  const line = rawPacket.subarray(0, 16_384).toString('latin1').split('\r\n', 1)[0] ?? '';
  const target = line.split(' ')[1];
  return target?.startsWith('/') ? target : undefined;
}

/** `response` with another status, its JSON body's `status` member agreeing. */
async function withStatus(response: Response, status: number): Promise<{ body: string; type: string }> {
  const body = (await response.json()) as Record<string, unknown>;
  return { body: JSON.stringify({ ...body, status }), type: response.headers.get('content-type') ?? 'application/json' };
}

/** A certificate chain and its private key, PEM (`--tls-cert`, `--tls-key`). */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

function createHttpServer(listener: Listener, timeouts: Timeouts, tls?: TlsFiles): Server {
  // A client trickling bytes must not hold a connection forever. Node only checks these
  // timeouts every connectionsCheckingInterval (30 s by default), so check often enough.
  const options = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, timeouts.headersMs / 2)),
    keepAliveTimeout: 5_000,
  };
  // TLS is node:https (OpenSSL), never our own; an https.Server is an http.Server with a TLS socket.
  const server: Server = tls ? createTlsServer({ ...options, cert: tls.cert, key: tls.key }, listener) : createServer(options, listener);
  // Requests Node's parser refuses (malformed, oversized headers, too slow) still get problem+json.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = timedOut ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      type: `urn:promptdesk:problem:${timedOut ? 'request_timeout' : 'bad_request'}`,
      title: timedOut ? 'Request timeout' : 'Bad request',
      status,
      detail: timedOut ? 'The request took too long to arrive' : 'The request is not valid HTTP',
    });
    const reason = timedOut ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    const send = (text: string, type: string) =>
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    const target = timedOut ? undefined : rawTarget((error as { rawPacket?: unknown }).rawPacket);
    const message = status === 431 ? 'The request line or headers are too large' : 'The request is not valid HTTP';
    const shaped = target === undefined ? undefined : compatRefusal(`http://127.0.0.1${target}`, {}, { code: 'invalid_input', message });
    if (!shaped) return send(body, 'application/problem+json');
    withStatus(shaped, status).then(
      (answer) => send(answer.body, answer.type),
      () => send(body, 'application/problem+json'),
    );
  });
  return server;
}

/**
 * The answer when the adapter cannot turn a request into a fetch Request, before any route
 * runs: a backslash in the path (`/a\\b`, `/assets/..\\x`), a target that is not a path
 * (`OPTIONS *`, `GET api/x`) or a bad absolute-form URL is the client's fault, 400 problem+json
 * naming `path`; the adapter's own answer was an empty text/plain 400. Anything else thrown
 * there is logged and answered 500 problem+json.
 */
export function adapterErrorResponse(error: unknown): Response {
  const badTarget = error instanceof RequestError;
  if (!badTarget) console.error('[api]', error);
  const problem = badTarget
    ? toProblem({ code: 'invalid_input', message: 'The request target is not a valid path: use "/" separators and percent-encode anything else (e.g. "\\" as "%5C")', field: 'path' })
    : toProblem({ code: 'internal', message: 'Something went wrong inside Promptdesk' });
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
  });
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const closeServer = (server: Server) =>
  new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });

export interface ListenOptions {
  /** Serve HTTPS with these files (a team server's --tls-cert/--tls-key). */
  tls?: TlsFiles;
  /** Hosts and Origins answered (default: loopback only; a team server adds its public URL). */
  allow?: AllowList;
  /**
   * Internal, not a setting: false serves render through the Hono app alone, without the fast
   * path in front of it (api/fast-render.ts), for tests that compare both. Default on.
   */
  fastRender?: boolean;
}

/**
 * Listens on the given host (always named: never all interfaces by accident). On the default
 * 127.0.0.1 it also takes the same port on ::1, where `localhost` often resolves first.
 */

export async function listen(app: Hono<ApiEnv>, host: string, port: number, timeouts: Timeouts = DEFAULT_TIMEOUTS, options: ListenOptions = {}): Promise<RunningServer> {
  let boundPort = port;
  const honoListener = getRequestListener(app.fetch, { errorHandler: adapterErrorResponse });
  // The render route's fast path sits behind the Host/Origin guard, in front of the app.
  const served = options.fastRender === false ? honoListener : withFastRender(app, honoListener);
  const listener = guardLoopback(() => boundPort, host, served, doorShape, options.allow);
  const server = createHttpServer(listener, timeouts, options.tls);
  try {
    boundPort = await listenOn(server, port, host);
  } catch (error) {
    throw new Error(describeListenError(error as NodeJS.ErrnoException, host, port));
  }
  const servers = [server];
  if (host === '127.0.0.1') {
    const v6 = createHttpServer(listener, timeouts, options.tls);
    // No IPv6 on this machine, or the port taken there: IPv4 loopback alone still works.
    await listenOn(v6, boundPort, '::1').then(
      () => servers.push(v6),
      () => undefined,
    );
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    host,
    port: boundPort,
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${boundPort}`,
    close: async () => {
      await Promise.all(servers.map(closeServer));
    },
  };
}
