import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hono } from 'hono';
import type { ApiEnv } from './env';
import { clientSignalsOf, type Admission, type KeyGate } from './auth';
import { handOver } from './handover';
import { askedVersionOf, bodyTextOf, declaredTooLarge, jsonBodyOf, keepBody, readIncoming } from './body';
import { etagOf, ETAG_CACHE_CONTROL } from './etag';
import { SECURITY_HEADERS } from './problem';
import { RenderInput } from '../../shared/schemas/prompts';
import { renderPrompt } from '../core/render/render-service';

/** A node:http request listener. */
export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The render route (`POST /api/v1/prompts/{name}/render`, routes/prompts.ts) as local apps call
 * it: a name that decodes to itself and cannot be a dot segment (it starts with a letter or digit,
 * the prompt name's own first character) and at most `?version=<digits>`. Any other spelling
 * (percent-encoding, a trailing slash, another case, other query members) goes to the Hono app.
 */
const RENDER_TARGET = /^\/api\/v1\/prompts\/([A-Za-z0-9][A-Za-z0-9._-]*)\/render(?:\?version=(\d+))?$/;

/**
 * Whether each header was sent once: then Node's `req.headers` reads as fetch's Headers does
 * (which joins repeats, where Node keeps the first Authorization or Content-Type).
 */
const headersSentOnce = (req: IncomingMessage) => req.rawHeaders.length === 2 * Object.keys(req.headers).length;

/** One request header of `req` by its lower-case name, as the key check reads it (a header sent once: headersSentOnce). */
function headerOf(req: IncomingMessage): (name: string) => string | undefined {
  return (name) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
}

/** Hands an admitted request on to the app (`next`) with its key check's outcome and the body read for it. */
function handOn(req: IncomingMessage, res: ServerResponse, next: Listener, admitted: Admission, read: Promise<Buffer>): void {
  handOver(req, { admitted });
  // The app reads the body from this same outcome (body.ts requestBytes).
  keepBody(req, read);
  next(req, res);
}

/**
 * A fast path for the render route in front of the Hono app, on node:http's own request and
 * response (no fetch Request/Response objects, no router, no middleware chain). It calls the same
 * functions the Hono route does, in the same order: the key check ({@link KeyGate.admit}: key,
 * scopes' holder, failed-authentication throttle, per-key rate limit), the body rules (body.ts:
 * size, UTF-8, JSON, unknown members, RenderInput), renderPrompt (access rules, scope, versions)
 * and the ETag, and answers only the ordinary success itself. Anything else (another request,
 * an unusual header, If-None-Match, any refusal or error) goes to `next` (the Hono app) to
 * answer: with the key check's outcome handed over (api/handover.ts) so its counters count
 * once, and the body read once (kept for it: body.ts keepBody), so every error answer is the app's own, byte
 * for byte (test/unit/main/api/fast-render.test.ts compares both).
 * The Host/Origin guard runs before this (server.ts guardLoopback wraps it).
 */
export function fastRender(gate: KeyGate, next: Listener): Listener {
  return (req, res) => {
    const url = req.url ?? '';
    const target = req.method === 'POST' ? RENDER_TARGET.exec(url) : null;
    if (!target || req.headers['if-none-match'] !== undefined || !headersSentOnce(req)) return next(req, res);
    const header = headerOf(req);
    const query = url.indexOf('?');
    let admitted: Admission | null;
    try {
      admitted = gate.admit({
        method: 'POST',
        pathname: query === -1 ? url : url.slice(0, query),
        search: query === -1 ? '' : url.slice(query),
        header,
        client: clientSignalsOf(() => req.socket.remoteAddress, header),
      });
    } catch (refused) {
      handOver(req, { refused });
      return next(req, res);
    }
    // A known path always gets an admission or a refusal; null (no operation here) is the app's 404.
    if (!admitted) return next(req, res);
    const ctx = admitted.ctx;
    if (declaredTooLarge(header('content-length'))) {
      handOver(req, { admitted });
      return next(req, res);
    }
    const read = readIncoming(req);
    read.then((bytes) => {
      let body: string;
      try {
        const type = header('content-type') ?? '';
        const input = jsonBodyOf(bodyTextOf(bytes, type), type, RenderInput, { name: target[1] }, true);
        // The parsed input is this request's own object: set the asked version on it rather than copy it.
        input.version = askedVersionOf(target[2], input.version);
        body = JSON.stringify(renderPrompt(ctx, input));
      } catch {
        // Every refusal (400, 404, 413, ...) is answered by the app, from the same functions.
        return handOn(req, res, next, admitted, read);
      }
      // The headers @hono/node-server writes for the route's answer (etag.ts jsonWithETag), in its order.
      res.writeHead(200, {
        'cache-control': ETAG_CACHE_CONTROL,
        'content-type': 'application/json',
        etag: etagOf(body),
        'referrer-policy': SECURITY_HEADERS['Referrer-Policy'],
        'x-content-type-options': SECURITY_HEADERS['X-Content-Type-Options'],
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
    }, () => handOn(req, res, next, admitted, read))
      // Nothing above should throw (every refusal is handed on); if writing the answer does, the
      // connection is closed rather than the process brought down by an unhandled rejection.
      .catch((error: unknown) => {
        console.error('[api]', error);
        res.destroy();
      });
  };
}

// The key gate of each API app (app.ts createApiApp), which the server puts the fast path in front of.
const gates = new WeakMap<Hono<ApiEnv>, KeyGate>();

/** Records the key gate `app` checks keys with, so {@link withFastRender} shares its counters. */
export function registerFastRender(app: Hono<ApiEnv>, gate: KeyGate): void {
  gates.set(app, gate);
}

/** `next` (the app's listener) with the render fast path in front, when `app` registered its gate; else `next`. */
export function withFastRender(app: Hono<ApiEnv>, next: Listener): Listener {
  const gate = gates.get(app);
  return gate ? fastRender(gate, next) : next;
}
