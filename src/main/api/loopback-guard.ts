import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';
import type { AppErrorShape } from '../../shared/schemas/common';

/**
 * Another shape for a refusal, by request (a compat door answers in its product's shape:
 * compat/index.ts compatRefusal); undefined keeps problem+json.
 */
export type RefusalShape = (req: IncomingMessage, error: AppErrorShape) => Response | undefined;

/** Writes a fetch Response to a Node response (a refusal's small body). */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...Object.fromEntries(response.headers), 'Content-Length': body.length });
  res.end(body);
}

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

/** The browser Origins allowed to call the API: `http://` + each allowed Host (allowedHosts); any other Origin is refused. */
export function allowedOrigins(hosts: Set<string>): Set<string> {
  return new Set([...hosts].map((host) => `http://${host}`));
}

function reject(req: IncomingMessage, res: ServerResponse, detail: string, shape?: RefusalShape, code: 'forbidden' | 'invalid_input' = 'forbidden'): void {
  const error: AppErrorShape = { code, message: detail };
  const shaped = shape?.(req, error);
  if (shaped) {
    void writeResponse(res, shaped).catch(() => res.destroy());
    return;
  }
  const body = JSON.stringify(toProblem(error));
  res.writeHead(code === 'forbidden' ? 403 : 400, { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Whether the request carries more than one Host field line (Node keeps the first and drops the rest). */
function hostSentTwice(req: IncomingMessage): boolean {
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++seen > 1) return true;
  }
  return false;
}

/**
 * The authority of an absolute-form request target (`POST http://h:1/path HTTP/1.1`), lower-cased;
 * undefined for the usual origin-form (`/path`) and for `*`. RFC 9112 §3.2.2: with an absolute-form
 * target, the target's authority is the request's host, whatever the Host header says.
 */
function targetAuthority(url: string | undefined): string | undefined {
  if (url === undefined || url.charCodeAt(0) === 47 /* '/' */ || url === '*') return undefined;
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  // Neither form (an authority-form CONNECT target or garbage): an empty authority, never allowed.
  return match ? match[1]!.toLowerCase() : '';
}

/**
 * Which Host values and browser Origins a server answers to, given the port it is bound to.
 * A loopback server: {@link loopbackAllowList}; a team server adds its public URL
 * (core/team/serve-mode.ts `teamAllowList`).
 */
export interface AllowList {
  hosts(port: number): Set<string>;
  origins(port: number): Set<string>;
  /** The refusal's text for a foreign Host. */
  hostHint: string;
  /** Optional further check of the request's headers (a proxy's X-Forwarded-Host): a refusal's text, or null. */
  check?(req: IncomingMessage, port: number): string | null;
}

/** The loopback server's allow-list: {@link allowedHosts} and their `http://` origins. */
export function loopbackAllowList(bindHost: string): AllowList {
  // Asked on every request; the sets depend on the port alone, so they are kept for the last one.
  let memo: { port: number; hosts: Set<string>; origins: Set<string> } | undefined;
  const forPort = (port: number) => {
    if (memo?.port !== port) {
      const hosts = allowedHosts(port, bindHost);
      memo = { port, hosts, origins: allowedOrigins(hosts) };
    }
    return memo;
  };
  return {
    hosts: (port) => forPort(port).hosts,
    origins: (port) => forPort(port).origins,
    hostHint: 'Host not allowed: use 127.0.0.1, localhost or [::1] with this port',
  };
}

/**
 * Wraps a request listener so a foreign Host or Origin is refused before any routing,
 * body parsing or authentication runs. No response ever carries CORS headers. `allow`
 * defaults to the loopback allow-list of `bindHost`. Host is compared, and passed on, in lower
 * case: host names are case-insensitive.
 */
export function guardLoopback(
  getPort: () => number,
  bindHost: string,
  next: (req: IncomingMessage, res: ServerResponse) => void,
  shape?: RefusalShape,
  allow: AllowList = loopbackAllowList(bindHost),
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const port = getPort();
    // RFC 9112 §3.2: more than one Host field line is a 400, whichever comes first.
    if (hostSentTwice(req)) return reject(req, res, 'Bad request: more than one Host header', shape, 'invalid_input');
    const host = req.headers.host?.toLowerCase();
    if (!host || !allow.hosts(port).has(host)) return reject(req, res, allow.hostHint, shape);
    const authority = targetAuthority(req.url);
    if (authority !== undefined && !allow.hosts(port).has(authority)) return reject(req, res, allow.hostHint, shape);
    const origin = req.headers.origin;
    if (origin !== undefined && !allow.origins(port).has(origin.toLowerCase())) {
      return reject(req, res, 'Cross-origin requests are not allowed', shape);
    }
    const refused = allow.check?.(req, port);
    if (refused) return reject(req, res, refused, shape);
    // Host names are case-insensitive (RFC 9110 §4.2.3): `LOCALHOST:4411` was allowed above, and
    // is handed on in the one spelling the rest (the adapter's URL, the routes) expects.
    req.headers.host = host;
    next(req, res);
  };
}
