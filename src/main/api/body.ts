import type { Context } from 'hono';
import type { z } from 'zod';
import type { IncomingMessage } from 'node:http';
import { AppError, fromZodError, invalid } from '../core/errors';
import { isForbiddenKey } from '../../shared/reserved-keys';
import { assertJsonValueCount } from './json-values';
import { refuseUnknownFields } from '../core/unknown-fields';
import { optionalVersionNumberFromText, versionNumberFromText } from '../core/versions/version-number';
import { RenderInput } from '../../shared/schemas/prompts';
import { renderInputFast } from '../../shared/schemas/render-input-fast';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () => new AppError('payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes`);

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/**
 * The body's bytes as text, refusing what is not Unicode, for every door (native, compat, bridge):
 * bytes that are not UTF-8 (JSON is UTF-8, RFC 8259 §8.1; decoding them leniently stored U+FFFD in
 * place of what the client sent), a declared charset other than UTF-8, and in a JSON body a
 * `\uXXXX` escape of a lone surrogate (JSON.parse makes it a string no UTF-8 can hold).
 *
 * @throws AppError invalid_input naming `body`; unsupported_media_type for another charset
 */
export function bodyTextOf(bytes: Uint8Array, contentType: string): string {
  const charset = CHARSET.exec(contentType)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw new AppError('unsupported_media_type', `Send the body as UTF-8 (it declares charset=${charset.slice(0, 40)})`, 'body');
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw invalid('The body is not valid UTF-8: send the text encoded as UTF-8', 'body');
  }
  if (JSON_TYPE.test(contentType)) assertNoLoneSurrogateEscapes(text);
  return text;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The code unit of the `\uXXXX` escape at `at` in `text`, or NaN when there is none there. */
function escapedUnitAt(text: string, at: number): number {
  const hex = text.slice(at + 2, at + 6);
  return text[at] === '\\' && text[at + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(hex) ? Number.parseInt(hex, 16) : NaN;
}

/**
 * Refuses a JSON text with a `\uD800`-`\uDFFF` escape that is not half of a pair. One linear
 * scan over the backslashes (an escaped backslash `\\` is skipped whole, so `\\ud800` is text).
 */
function assertNoLoneSurrogateEscapes(text: string): void {
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', i)) {
    const code = escapedUnitAt(text, i);
    if (Number.isNaN(code)) {
      i += 2;
      continue;
    }
    if (isHigh(code) && isLow(escapedUnitAt(text, i + 6))) {
      i += 12;
      continue;
    }
    if (isHigh(code) || isLow(code)) {
      throw invalid(`The body has a lone surrogate (\\u${text.slice(i + 2, i + 6)}): a JSON string must be valid Unicode`, 'body');
    }
    i += 6;
  }
}

/** Whether a request's Content-Length header (its text, undefined when absent) declares more than MAX_BODY_BYTES: a 413 before anything is read. */
export function declaredTooLarge(contentLength: string | undefined): boolean {
  return Number(contentLength ?? '0') > MAX_BODY_BYTES;
}

/**
 * The request body as text, at most MAX_BODY_BYTES (413 beyond), checked by bodyTextOf. On Node
 * it reads the socket stream directly: building a WHATWG Request with a streamed body costs
 * several times more than the whole render, and this is the API's hot path.
 */
export async function readBodyText(c: Context): Promise<string> {
  if (declaredTooLarge(c.req.header('content-length'))) throw tooLarge();
  const type = c.req.header('content-type') ?? '';
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
    return bodyTextOf(bytes, type);
  }
  return bodyTextOf(await requestBytes(incoming), type);
}

// The bodies the fast render path (api/fast-render.ts) read before handing its request on to the
// Hono app: read here from the kept promise, not the spent stream. Only handed-on requests are kept.
const readBodies = new WeakMap<IncomingMessage, Promise<Buffer>>();

/**
 * The body of a Node request: the bytes kept for it ({@link keepBody}), else read now (see
 * readIncoming: at most MAX_BODY_BYTES, else a 413 AppError; a client gone mid-body rejects with
 * ECONNRESET 'aborted'). The caller checks the declared Content-Length first (readBodyText).
 */
export function requestBytes(incoming: IncomingMessage): Promise<Buffer> {
  return readBodies.get(incoming) ?? readIncoming(incoming);
}

/** Keeps the outcome of reading `incoming`'s body (readIncoming's promise), for {@link requestBytes} when the request is handed on. */
export function keepBody(incoming: IncomingMessage, bytes: Promise<Buffer>): void {
  readBodies.set(incoming, bytes);
}

/**
 * The bytes of a Node request, at most MAX_BODY_BYTES (413 beyond: the rest is drained, not
 * kept). Listens for its events rather than iterating it: an async iterator per request cost
 * more than the read itself on the render path. A request already read (ended) is empty, as
 * iterating it was; one that fails rejects with its error (a client gone: ECONNRESET 'aborted').
 */
export function readIncoming(incoming: IncomingMessage): Promise<Buffer> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  // Gone before it was read: no event will come, so answer now as iterating it failed.
  if (incoming.destroyed) return Promise.reject(incoming.errored ?? Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  return new Promise((resolve, reject) => new IncomingRead(incoming, resolve, reject).listen());
}

/**
 * One body being read by {@link readIncoming}: its chunks and its four listeners, removed together
 * once it settles. A class rather than named closures per request: its bookkeeping is on the
 * prototype, and only the four listeners are made per read.
 */
class IncomingRead {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly onData: (chunk: Buffer) => void;
  private readonly onEnd: () => void;
  private readonly onError: (error: Error) => void;
  private readonly onClose: () => void;

  constructor(
    private readonly incoming: IncomingMessage,
    resolve: (bytes: Buffer) => void,
    reject: (error: unknown) => void,
  ) {
    this.onData = (chunk) => {
      this.size += chunk.length;
      if (this.size > MAX_BODY_BYTES) {
        this.cleanup();
        // Drained, not kept, so the connection can answer the 413.
        incoming.resume();
        reject(tooLarge());
        return;
      }
      this.chunks.push(chunk);
    };
    this.onEnd = () => {
      this.cleanup();
      resolve(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size));
    };
    this.onError = (error) => {
      this.cleanup();
      reject(error);
    };
    // Closed before its end (a client gone mid-body): the error iterating it raised.
    this.onClose = () => {
      if (incoming.readableEnded) return;
      this.cleanup();
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
  }

  listen(): void {
    this.incoming.on('data', this.onData);
    this.incoming.on('end', this.onEnd);
    this.incoming.on('error', this.onError);
    this.incoming.on('close', this.onClose);
  }

  private cleanup(): void {
    this.incoming.off('data', this.onData);
    this.incoming.off('end', this.onEnd);
    this.incoming.off('error', this.onError);
    this.incoming.off('close', this.onClose);
  }
}

export const MAX_JSON_DEPTH = 32;

/**
 * Walks a parsed body once: refuses nesting deeper than MAX_JSON_DEPTH and the FORBIDDEN_KEYS
 * (`__proto__`: harmless to JSON.parse, dangerous to any code that later assigns or merges it).
 * The template parser refuses the same names as variables, so no saved template asks for one.
 */
function checkShape(value: unknown, depth = 0, path = ''): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_JSON_DEPTH) throw invalid(`The body is nested deeper than ${MAX_JSON_DEPTH} levels`, path || undefined);
  // JSON.parse makes plain objects and arrays whose members are all own and enumerable, so for-in
  // walks exactly Object.entries' members without building an array of pairs per object; a child's
  // path is only spelled out for a child that is itself an object or array (a scalar has no depth).
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (isForbiddenKey(key)) throw invalid(`The key "${key}" is not allowed`, path ? `${path}.${key}` : key);
    const child = record[key];
    if (typeof child === 'object' && child !== null) checkShape(child, depth + 1, path ? `${path}.${key}` : key);
  }
}

/**
 * A body's JSON text as a value, under every door's JSON rules: at most so many values (counted
 * before parsing, assertJsonValueCount), valid JSON, nested at most MAX_JSON_DEPTH, no forbidden
 * keys (checkShape).
 * @throws AppError invalid (400) naming what is wrong
 */
export function parseJsonText(text: string): unknown {
  // Counted before parsing: parsing and walking 170,000 tiny members would stall the server.
  assertJsonValueCount(text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('The body is not valid JSON');
  }
  checkShape(body);
  return body;
}

/**
 * Reads a JSON body and parses it with a shared schema. A non-JSON Content-Type is a 415:
 * browsers can send text/plain cross-site without a preflight, JSON they cannot.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, extra: Record<string, unknown> = {}): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  const text = await readBodyText(c);
  return jsonBodyOf(text, type, schema, extra, isNativePath(c));
}

/**
 * The rules of {@link readJson} after the read: `text` (bodyTextOf's) sent as `type`, parsed with
 * `schema` and `extra` (members from the path) merged in; `native`: on the native API, where
 * unknown members are refused naming them.
 * @throws AppError 415 (not JSON), 400 naming the field
 */
export function jsonBodyOf<S extends z.ZodType>(text: string, type: string, schema: S, extra: Record<string, unknown>, native: boolean): z.output<S> {
  let body: unknown = {};
  // An empty body (e.g. POST .../commit) is an empty object whatever its declared type.
  if (text.trim() !== '') {
    if (!JSON_TYPE.test(type)) throw new AppError('unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json"');
    body = parseJsonText(text);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object');
  if (native) refuseUnknownFields(schema, body as Record<string, unknown>, extra);
  // Object.assign rather than a spread: the same members (the body has no `__proto__` key, which
  // checkShape refuses, so no setter is met), at a tenth of a spread's cost on the render path.
  return parseWith(schema, Object.assign({}, body, extra));
}

/** The native API (`/api/v1/...`); compat doors (`/compat/...`) ignore extra members as their products do. */
const isNativePath = (c: Context) => c.req.path.startsWith('/api/');

// Schemas with a fast check for the inputs they certainly accept (the render route's, on every
// render): it answers exactly what the schema would, or undefined and the schema parses as usual.
const FAST_PARSES = new Map<z.ZodType, (value: unknown) => unknown>([[RenderInput, renderInputFast]]);

/**
 * `value` parsed by `schema`, for input already read (a query, a path, a compat body).
 * @throws AppError invalid (400) naming the first failing field (fromZodError)
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const fast = FAST_PARSES.get(schema)?.(value);
  if (fast !== undefined) return fast as z.output<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

/** A path segment that must be a version number (versionNumberFromText: 400 naming `name`). */
export function versionParam(c: Context, name = 'number'): number {
  return versionNumberFromText(c.req.param(name) ?? '', name);
}

/** An optional query parameter that names a version (`?version=`, `?from=`): the same parser as a path segment. */
export function versionQuery(c: Context, name: string): number | undefined {
  return optionalVersionNumberFromText(c.req.query(name), name);
}

/** An optional positive integer query parameter, with a clear error naming it. */
export function intQuery(c: Context, name: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw invalid(`${name} must be a whole number`, name);
  return Number(raw);
}

/**
 * The version a render or run asks for, one meaning on both doors: `?version=N` or the body's
 * `version`. Both given and different is a 400 naming `version`: neither is silently dropped
 * (a run once ignored `?version=2` and answered with the served version instead).
 */
export function askedVersion(c: Context, bodyVersion: number | undefined): number | undefined {
  return askedVersionOf(c.req.query('version'), bodyVersion);
}

/** {@link askedVersion} from the `version` query parameter's decoded text (undefined when absent). */
export function askedVersionOf(queryText: string | undefined, bodyVersion: number | undefined): number | undefined {
  const query = optionalVersionNumberFromText(queryText, 'version');
  if (query !== undefined && bodyVersion !== undefined && query !== bodyVersion) {
    throw invalid(`Ask for one version: ?version=${query} and the body's version ${bodyVersion} differ`, 'version');
  }
  return query ?? bodyVersion;
}
