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

/** Listens on the given loopback host (always named: never all interfaces by accident). */
export function listen(app: Hono<ApiEnv>, host: string, port: number): Promise<RunningServer> {
  let boundPort = port;
  const server = createServer(guardLoopback(() => boundPort, host, getRequestListener(app.fetch)));
  // A client trickling bytes must not hold a connection forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
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
