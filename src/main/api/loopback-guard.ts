import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/**
 * The Host values a loopback server answers to. Anything else (a DNS name pointing at
 * 127.0.0.1, a missing Host, another port) is a DNS-rebinding attempt or a mistake.
 */
export function allowedHosts(port: number, bindHost: string): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (!['127.0.0.1', '::1', 'localhost'].includes(bindHost)) {
    hosts.add(bindHost.includes(':') ? `[${bindHost}]:${port}` : `${bindHost}:${port}`);
  }
  return hosts;
}

export function allowedOrigins(hosts: Set<string>): Set<string> {
  return new Set([...hosts].map((host) => `http://${host}`));
}

function reject(res: ServerResponse, detail: string): void {
  const body = JSON.stringify(toProblem({ code: 'forbidden', message: detail }));
  res.writeHead(403, { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Wraps a request listener so a foreign Host or Origin is refused before any routing,
 * body parsing or authentication runs. No response ever carries CORS headers.
 */
export function guardLoopback(
  getPort: () => number,
  bindHost: string,
  next: (req: IncomingMessage, res: ServerResponse) => void,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const hosts = allowedHosts(getPort(), bindHost);
    const host = req.headers.host?.toLowerCase();
    if (!host || !hosts.has(host)) return reject(res, 'Host not allowed: use 127.0.0.1, localhost or [::1] with this port');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins(hosts).has(origin.toLowerCase())) {
      return reject(res, 'Cross-origin requests are not allowed');
    }
    next(req, res);
  };
}
