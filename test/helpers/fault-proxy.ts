import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * What the proxy does to the next connections. Faults apply per connection, in the order the
 * connections arrive; `queue()` adds one-shot faults, `always` applies to every later one.
 * - `pass`: forward both ways untouched
 * - `refuse`: accept and close at once (a dropped connection, before any byte reaches the server)
 * - `delay`: hold each chunk, both ways, for `ms` before forwarding it
 * - `cutRequest`: forward the first `afterBytes` bytes of the request, then close both sides
 *   (a push cut mid-body: the server sees a truncated request)
 * - `cutResponse`: forward the request whole and the first `afterBytes` bytes of the response,
 *   then close both sides (a pull stream closed mid-page, or a push whose answer is lost)
 * - `blackhole`: accept and read, never forward, never answer (a network that went away)
 */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'refuse' }
  | { kind: 'delay'; ms: number }
  | { kind: 'cutRequest'; afterBytes: number }
  | { kind: 'cutResponse'; afterBytes: number }
  | { kind: 'blackhole' };

export interface FaultProxy {
  /** The port clients connect to (127.0.0.1). */
  port: number;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** One-shot faults for the next connections, in order. */
  queue(...faults: Fault[]): void;
  /** The fault for every connection once the queue is empty (default `pass`). */
  setDefault(fault: Fault): void;
  /** Offline: every new connection is refused and open ones are cut, until `online()`. */
  offline(): void;
  online(): void;
  /** Connections accepted so far, with the fault each one got. */
  readonly log: readonly { fault: Fault['kind']; requestBytes: number; responseBytes: number }[];
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `targetPort` that injects network faults, so sync code
 * is tested through the same HTTP client users run, against real truncation and loss rather
 * than mocked errors. Bounded: it only ever connects to 127.0.0.1:targetPort.
 */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const pending: Fault[] = [];
  let fallback: Fault = { kind: 'pass' };
  let isOffline = false;
  const open = new Set<Socket>();
  const log: { fault: Fault['kind']; requestBytes: number; responseBytes: number }[] = [];

  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    const fault: Fault = isOffline ? { kind: 'refuse' } : (pending.shift() ?? fallback);
    const entry = { fault: fault.kind, requestBytes: 0, responseBytes: 0 };
    log.push(entry);
    if (fault.kind === 'refuse') {
      client.destroy();
      return;
    }
    if (fault.kind === 'blackhole') {
      client.resume();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());

    const forward = (from: Socket, to: Socket, direction: 'requestBytes' | 'responseBytes') => {
      from.on('data', (chunk: Buffer) => {
        let piece = chunk;
        const limit =
          (fault.kind === 'cutRequest' && direction === 'requestBytes') || (fault.kind === 'cutResponse' && direction === 'responseBytes')
            ? fault.afterBytes
            : Infinity;
        const room = limit - entry[direction];
        if (room < piece.length) piece = piece.subarray(0, Math.max(0, room));
        entry[direction] += piece.length;
        const send = () => {
          if (piece.length > 0 && !to.destroyed) to.write(piece);
          if (entry[direction] >= limit) {
            // Let the written bytes leave before cutting, so the peer sees a truncation, not nothing.
            to.end(() => {
              client.destroy();
              upstream.destroy();
            });
          }
        };
        if (fault.kind === 'delay') setTimeout(send, fault.ms);
        else send();
      });
      // A half-close travels like the bytes before it (after the same delay), so a delayed answer
      // still arrives whole.
      from.on('end', () => {
        const finish = () => to.end();
        if (fault.kind === 'delay') setTimeout(finish, fault.ms);
        else finish();
      });
    };
    forward(client, upstream, 'requestBytes');
    forward(upstream, client, 'responseBytes');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy: no port');
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    queue: (...faults) => pending.push(...faults),
    setDefault: (fault) => (fallback = fault),
    offline: () => {
      isOffline = true;
      for (const socket of open) socket.destroy();
    },
    online: () => (isOffline = false),
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
