import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { ApiEnv } from './env';
import { guardLoopback } from './loopback-guard';

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

/** Listens on the given loopback host (always named: never all interfaces by accident). */
export function listen(app: Hono<ApiEnv>, host: string, port: number, timeouts: Timeouts = DEFAULT_TIMEOUTS): Promise<RunningServer> {
  let boundPort = port;
  // A client trickling bytes must not hold a connection forever. Node only checks these
  // timeouts every connectionsCheckingInterval (30 s by default), so check often enough.
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, timeouts.headersMs / 2)),
      keepAliveTimeout: 5_000,
    },
    guardLoopback(() => boundPort, host, getRequestListener(app.fetch)),
  );
  // Requests Node's parser refuses (malformed, oversized headers, too slow) still get problem+json.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (error as { code?: string }).code === 'ECONNRESET') return socket.destroy();
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = timedOut ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      type: `urn:promptdesk:problem:${timedOut ? 'request_timeout' : 'bad_request'}`,
      title: timedOut ? 'Request timeout' : 'Bad request',
      status,
      detail: timedOut ? 'The request took too long to arrive' : 'The request is not valid HTTP',
    });
    const reason = timedOut ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(describeListenError(error, host, port))));
    server.listen(port, host, () => {
      boundPort = (server.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        host,
        port: boundPort,
        url: `http://${urlHost}:${boundPort}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
