import { request } from 'node:http';
import { Readable } from 'node:stream';
import type { SyncFetch } from './sync-client';

/**
 * A `SyncFetch` that sends each request to `connectHost`:`connectPort` (a TCP proxy standing in for
 * the network: PROMPTDESK_TEAM_SYNC_URL, tests' fault proxies) while keeping the URL's own Host
 * header, as a transparent middlebox would: the
 * team server checks Host against its public URL, which is what the desktop was told to join.
 *
 * One TCP connection per request (`agent: false`, `connection: close`), never a kept-alive pool:
 * the proxy's faults apply per connection, so a test that queues a fault knows which request it
 * hits (global fetch would reuse a connection across a push and the pull after it).
 *
 * The answer's body streams; a connection cut mid-body makes reading it reject (Node's
 * IncomingMessage errors with "aborted"), as undici's fetch does. `init.signal` aborts the
 * request and the reading.
 */
export function routedFetch(connectPort: number, connectHost = '127.0.0.1'): SyncFetch {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const body = typeof init.body === 'string' ? init.body : undefined;
      const headers: Record<string, string> = {
        ...(init.headers as Record<string, string> | undefined),
        host: target.host,
        connection: 'close',
        ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      };
      const req = request(
        { host: connectHost, port: connectPort, method: init.method ?? 'GET', path: `${target.pathname}${target.search}`, headers, agent: false, signal: init.signal ?? undefined },
        (res) => {
          const answer = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) answer.set(name, Array.isArray(value) ? value.join(', ') : value);
          const status = res.statusCode ?? 502;
          // A Response may not carry a body for these statuses.
          const stream = status === 204 || status === 304 ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
          resolve(new Response(stream, { status, headers: answer }));
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
}
