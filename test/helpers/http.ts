import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * An HTTP request with full control of headers (fetch refuses to set Host), over IPv4 loopback
 * or, with `family: 6`, over `::1` (Host `[::1]:PORT`).
 */
export function http(
  port: number,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer; family?: 4 | 6 } = {},
): Promise<RawResponse> {
  const host = opts.family === 6 ? '::1' : '127.0.0.1';
  const hostHeader = opts.family === 6 ? `[::1]:${port}` : `127.0.0.1:${port}`;
  return new Promise((resolve, reject) => {
    // Node's client sends no framing for a DELETE/GET body unless told its length.
    const length = opts.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(opts.body)) };
    const req = request(
      { host, port, method, path, agent: false, headers: { host: hostHeader, ...length, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Sends raw bytes (e.g. a request with no Host line) and returns the status line. */
export function rawStatus(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    let data = '';
    socket.on('data', (c) => {
      data += c.toString('latin1');
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
    socket.on('end', () => resolve(data.split('\r\n')[0] ?? ''));
  });
}

/**
 * A `text/event-stream` body as [event, data] pairs, each data parsed as JSON; a block with no
 * `event:` line is `message`, as in the EventSource spec.
 *
 * @example sseEvents('event: delta\ndata: {"text":"Hi"}\n\n') // [['delta', { text: 'Hi' }]]
 */
export function sseEvents(text: string): [string, any][] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return [event, JSON.parse(data)];
    });
}
