import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeProviderOptions {
  /** When set, requests must carry it (OpenAI: `Authorization: Bearer KEY`; Anthropic: `x-api-key: KEY`), else 401 in the provider's error shape. When unset, no key is needed (like a local Ollama / LM Studio). */
  apiKey?: string;
  /**
   * Models listed by GET /v1/models (both protocols). Default ['echo', 'slow', 'stall', 'huge', 'error-401', 'error-429', 'error-500', 'redirect'].
   * Also served when listed: `midstream-KIND` (HTTP 200, one piece of text, then the protocol's
   * in-stream error event) and `early-KIND` (HTTP 200, the error event before anything else), KIND
   * one of `rate_limit`, `overloaded`, `server`, `bad_request`; asked without `stream`, they answer
   * that error's HTTP status instead, as the real APIs do.
   * Also served when listed: `reviser`, which answers a Refine with AI request as a model would
   * (reviserAnswer): an explanation, then the template from `<current_template>` with one line
   * added, in a `<revision>` block.
   */
  models?: string[];
  /** Retry-After sent with the `error-429` model's answer (default '1'); null sends none. Any header value, e.g. '7' or an HTTP-date. */
  retryAfter?: string | null;
  /** Like OpenAI's "Incorrect API key provided: sk-…": auth failures (and the `error-401` model) quote the key the client sent. */
  echoKey?: boolean;
}

export interface FakeRequest {
  protocol: 'openai' | 'anthropic';
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface FakeProvider {
  /** e.g. http://127.0.0.1:PORT — OpenAI-compatible base URL is `${url}/v1`, Anthropic base URL is `${url}/v1` too. */
  url: string;
  /**
   * Every request, in arrival order. The `redirect` model points at a second listener on
   * `localhost:<other port>` that shares this handler, so a client that follows the redirect
   * shows up here with that `host` header.
   */
  requests: FakeRequest[];
  close(): Promise<void>;
}

type Protocol = FakeRequest['protocol'];
type ErrorKind = 'bad_request' | 'auth' | 'not_found' | 'rate_limit' | 'overloaded' | 'server';
/** Kinds a `midstream-`/`early-` model can fail with, inside a 200 stream. */
export const STREAM_ERROR_KINDS = ['rate_limit', 'overloaded', 'server', 'bad_request'] as const;
export type StreamErrorKind = (typeof STREAM_ERROR_KINDS)[number];
const STREAM_ERROR_MODEL = /^(midstream|early)-(rate_limit|overloaded|server|bad_request)$/;

const DEFAULT_MODELS = ['echo', 'slow', 'stall', 'huge', 'error-401', 'error-429', 'error-500', 'redirect'];
const MODELS_CREATED = 1_700_000_000;
const ECHO_CHUNK_CHARS = 8;
const HUGE_CHUNK = 'abcdefg '.repeat(2048); // 16 KiB, 2048 words
const HUGE_CHUNKS = 320; // 5 MiB
const TEXT_MARK = '\u0000fake-provider-text\u0000';

/** The reply a model produces: its text as pieces, pacing, and the token count known up front. */
interface Plan {
  pieces: () => Iterable<string>;
  outputTokens: number;
  firstDelayMs: number;
  gapMs: number;
  /** Send the first piece, then hold the socket open until the client or close() ends it. */
  stall: boolean;
  /** End a streamed answer with this error event: before anything (`early`) or after the first piece. */
  fail?: { kind: StreamErrorKind; early: boolean };
}

// Overload: Anthropic's `overloaded_error` (529); llama.cpp's `unavailable_error` (503, code 503) for OpenAI-compatible servers.
const ERRORS: Record<ErrorKind, { status: number; openai: { type: string; code: string | number | null }; anthropic: string }> = {
  bad_request: { status: 400, openai: { type: 'invalid_request_error', code: null }, anthropic: 'invalid_request_error' },
  auth: { status: 401, openai: { type: 'invalid_request_error', code: 'invalid_api_key' }, anthropic: 'authentication_error' },
  not_found: { status: 404, openai: { type: 'invalid_request_error', code: 'model_not_found' }, anthropic: 'not_found_error' },
  rate_limit: { status: 429, openai: { type: 'requests', code: 'rate_limit_exceeded' }, anthropic: 'rate_limit_error' },
  overloaded: { status: 529, openai: { type: 'unavailable_error', code: 503 }, anthropic: 'overloaded_error' },
  server: { status: 500, openai: { type: 'server_error', code: null }, anthropic: 'api_error' },
};

/** What the fake says when a `midstream-`/`early-` model fails (tests look for it in the caller's message). */
export const STREAM_ERROR_MESSAGES: Record<StreamErrorKind, string> = {
  rate_limit: 'Fake provider: rate limit reached mid-stream',
  overloaded: 'Fake provider: overloaded mid-stream',
  server: 'Fake provider: internal error mid-stream',
  bad_request: 'Fake provider: output blocked mid-stream',
};

const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** Text of an OpenAI or Anthropic `content`: a string, or an array of parts/blocks of which the text ones count. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is { type: 'text'; text: string } => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join(' ');
}

function* chunksOf(text: string, size: number): Iterable<string> {
  // By code point, so a chunk boundary never splits a surrogate pair.
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += size) yield chars.slice(i, i + size).join('');
}

/** What the `reviser` model adds to the template it is asked to refine. */
export const REVISER_LINE = 'Answer in one short paragraph.';

/**
 * The `reviser` model's answer to a Refine with AI request (core/refine/refine-prompt.ts): the
 * template between `<current_template>` tags in the system text, with REVISER_LINE added at the
 * end of its text (or of its last chat message), in a `<revision>` block after an explanation.
 * With no template to read it answers a question and no block, as a model asking first would.
 */
export function reviserAnswer(systemText: string): string {
  const current = /<current_template>\n([\s\S]*)\n<\/current_template>/.exec(systemText)?.[1];
  if (current === undefined) return 'Which prompt should I refine?';
  const revised = current.endsWith('</message>') ? current.replace(/\n<\/message>$/, `\n${REVISER_LINE}\n</message>`) : `${current}\n${REVISER_LINE}`;
  return `I asked for a shorter answer.\n<revision>\n${revised}\n</revision>`;
}

function planFor(model: string, lastUserText: string, systemText = ''): Plan {
  if (model === 'huge') {
    return {
      pieces: function* () {
        for (let i = 0; i < HUGE_CHUNKS; i++) yield HUGE_CHUNK;
      },
      outputTokens: countWords(HUGE_CHUNK) * HUGE_CHUNKS,
      firstDelayMs: 0,
      gapMs: 0,
      stall: false,
    };
  }
  const text = model === 'reviser' ? reviserAnswer(systemText) : `Echo: ${lastUserText}`;
  const failing = STREAM_ERROR_MODEL.exec(model);
  if (failing) {
    const early = failing[1] === 'early';
    const first = chunksOf(text, ECHO_CHUNK_CHARS)[Symbol.iterator]().next().value as string;
    return { pieces: () => (early ? [] : [first]), outputTokens: 0, firstDelayMs: 0, gapMs: 0, stall: false, fail: { kind: failing[2] as StreamErrorKind, early } };
  }
  return {
    pieces: () => chunksOf(text, ECHO_CHUNK_CHARS),
    outputTokens: countWords(text),
    firstDelayMs: model === 'slow' ? 200 : 0,
    gapMs: model === 'slow' ? 50 : 0,
    stall: model === 'stall',
  };
}

/** Resolves false when the client has gone, so producers stop instead of writing into a dead socket. */
function send(res: ServerResponse, data: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (res.write(data)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * Writes head, then each piece at the plan's pace, then tail. Returns without ending the
 * response when the plan stalls, so the socket stays open until the client or close() drops it.
 */
async function drive(res: ServerResponse, plan: Plan, head: string, piece: (text: string) => string, tail: string): Promise<void> {
  if (!(await send(res, head))) return;
  let first = true;
  for (const text of plan.pieces()) {
    const wait = first ? plan.firstDelayMs : plan.gapMs;
    if (wait > 0) await sleep(wait);
    if (!(await send(res, piece(text)))) return;
    if (plan.stall) return;
    first = false;
  }
  if (await send(res, tail)) res.end();
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

/** A JSON body whose text field is streamed: `[prefix, suffix]` around the JSON-escaped text. */
function splitAtText(envelope: unknown): [string, string] {
  const json = JSON.stringify(envelope);
  const at = json.indexOf(JSON.stringify(TEXT_MARK));
  return [json.slice(0, at + 1), json.slice(at + JSON.stringify(TEXT_MARK).length - 1)];
}

const escapeJsonText = (text: string) => JSON.stringify(text).slice(1, -1);

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const models = options.models ?? DEFAULT_MODELS;
  const requests: FakeRequest[] = [];
  let nextId = 1;
  let trapPort = 0;
  const retryAfter = options.retryAfter === undefined ? '1' : options.retryAfter;
  /** The key a request presented, as the provider would quote it back. */
  const presentedKey = (req: IncomingMessage, protocol: Protocol): string | undefined => {
    const raw = protocol === 'openai' ? req.headers.authorization : req.headers['x-api-key'];
    const value = Array.isArray(raw) ? raw[0] : raw;
    return value?.replace(/^Bearer /, '');
  };

  function sendError(res: ServerResponse, protocol: Protocol, kind: ErrorKind, message: string, param?: string): void {
    const spec = ERRORS[kind];
    const body =
      protocol === 'openai'
        ? { error: { message, type: spec.openai.type, param: param ?? null, code: spec.openai.code } }
        : { type: 'error', error: { type: spec.anthropic, message }, request_id: `req_fake${nextId++}` };
    const text = JSON.stringify(body);
    res.writeHead(spec.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(kind === 'rate_limit' && retryAfter !== null ? { 'retry-after': retryAfter } : {}),
    });
    res.end(text);
  }

  function authorized(req: IncomingMessage, protocol: Protocol): boolean {
    if (options.apiKey === undefined) return true;
    return protocol === 'openai' ? req.headers.authorization === `Bearer ${options.apiKey}` : req.headers['x-api-key'] === options.apiKey;
  }

  function listModels(res: ServerResponse, protocol: Protocol): void {
    const body =
      protocol === 'openai'
        ? { object: 'list', data: models.map((id) => ({ id, object: 'model', created: MODELS_CREATED, owned_by: 'fake' })) }
        : {
            data: models.map((id) => ({ type: 'model', id, display_name: `Fake ${id}`, created_at: new Date(MODELS_CREATED * 1000).toISOString() })),
            has_more: false,
            first_id: models[0] ?? null,
            last_id: models[models.length - 1] ?? null,
          };
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** Shared checks; returns the model's plan, or undefined once it has answered with an error or redirect. */
  function prepare(req: IncomingMessage, res: ServerResponse, protocol: Protocol, body: Record<string, unknown>, lastUserText: string, systemText: string): Plan | undefined {
    const model = body.model;
    if (typeof model !== 'string' || !models.includes(model)) {
      const message =
        protocol === 'openai' ? `The model \`${String(model)}\` does not exist or you do not have access to it.` : `model: ${String(model)}`;
      sendError(res, protocol, 'not_found', message);
      return undefined;
    }
    switch (model) {
      case 'error-401':
        sendError(res, protocol, 'auth', options.echoKey ? `Incorrect API key provided: ${presentedKey(req, protocol) ?? ''}` : 'Fake provider: invalid API key');
        return undefined;
      case 'error-429':
        sendError(res, protocol, 'rate_limit', 'Fake provider: rate limit reached');
        return undefined;
      case 'error-500':
        sendError(res, protocol, 'server', 'Fake provider: internal server error');
        return undefined;
      case 'redirect':
        res.writeHead(302, { location: `http://localhost:${trapPort}${req.url ?? '/'}`, 'content-length': 0 });
        res.end();
        return undefined;
      default:
        return planFor(model, lastUserText, systemText);
    }
  }

  async function chatCompletions(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      sendError(res, 'openai', 'bad_request', "Missing required parameter: 'messages'.", 'messages');
      return;
    }
    const lastUser = [...messages].reverse().find((m) => m?.role === 'user');
    const systemText = messages.filter((m) => m?.role === 'system').map((m) => textOf(m?.content)).join('\n');
    const plan = prepare(req, res, 'openai', body, textOf(lastUser?.content), systemText);
    if (!plan) return;

    const inputTokens = messages.reduce((sum: number, m) => sum + countWords(textOf(m?.content)), 0);
    const usage = { prompt_tokens: inputTokens, completion_tokens: plan.outputTokens, total_tokens: inputTokens + plan.outputTokens };
    const id = `chatcmpl-fake${nextId++}`;
    const created = Math.floor(Date.now() / 1000);
    const envelope = (object: string) => ({ id, object, created, model: body.model, system_fingerprint: 'fp_fake' });
    res.setHeader('x-request-id', `req_fake${nextId++}`);

    if (body.stream !== true && plan.fail) {
      sendError(res, 'openai', plan.fail.kind, STREAM_ERROR_MESSAGES[plan.fail.kind]);
      return;
    }
    if (body.stream !== true) {
      const [prefix, suffix] = splitAtText({
        ...envelope('chat.completion'),
        choices: [{ index: 0, message: { role: 'assistant', content: TEXT_MARK, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      await drive(res, plan, prefix, escapeJsonText, suffix);
      return;
    }

    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    // OpenAI puts `usage: null` on every chunk once usage is requested, and a final chunk with no choices carries it.
    const chunk = (choices: unknown[], extra: object = {}) =>
      `data: ${JSON.stringify({ ...envelope('chat.completion.chunk'), choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`;
    const choice = (delta: object, finish: string | null) => ({ index: 0, delta, logprobs: null, finish_reason: finish });
    const head = chunk([choice({ role: 'assistant', content: '', refusal: null }, null)]);
    let tail = chunk([choice({}, 'stop')]) + (includeUsage ? chunk([], { usage }) : '') + 'data: [DONE]\n\n';
    if (plan.fail) {
      // OpenAI, vLLM, llama.cpp and Ollama send a bare `error` object as a data line, then close.
      const spec = ERRORS[plan.fail.kind].openai;
      tail = `data: ${JSON.stringify({ error: { message: STREAM_ERROR_MESSAGES[plan.fail.kind], type: spec.type, param: null, code: spec.code } })}\n\n`;
    }
    res.writeHead(200, SSE_HEADERS);
    await drive(res, plan, plan.fail?.early ? '' : head, (text) => chunk([choice({ content: text }, null)]), tail);
  }

  async function messagesApi(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      sendError(res, 'anthropic', 'bad_request', 'messages: Field required');
      return;
    }
    if (typeof body.max_tokens !== 'number') {
      sendError(res, 'anthropic', 'bad_request', 'max_tokens: Field required');
      return;
    }
    const lastUser = [...messages].reverse().find((m) => m?.role === 'user');
    const plan = prepare(req, res, 'anthropic', body, textOf(lastUser?.content), textOf(body.system));
    if (!plan) return;

    // The AI SDK sends `system` as an array of text blocks; the API also accepts a plain string.
    const inputTokens = messages.reduce((sum: number, m) => sum + countWords(textOf(m?.content)), countWords(textOf(body.system)));
    const id = `msg_fake${nextId++}`;
    const usage = { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    res.setHeader('request-id', `req_fake${nextId++}`);

    if (body.stream !== true && plan.fail) {
      sendError(res, 'anthropic', plan.fail.kind, STREAM_ERROR_MESSAGES[plan.fail.kind]);
      return;
    }
    if (body.stream !== true) {
      const [prefix, suffix] = splitAtText({
        id,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text: TEXT_MARK }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { ...usage, output_tokens: plan.outputTokens },
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      await drive(res, plan, prefix, escapeJsonText, suffix);
      return;
    }

    // Clients dispatch on the JSON `type`; the `event:` line is still sent because the real API does.
    const event = (data: { type: string; [key: string]: unknown }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
    const head =
      event({
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } },
      }) +
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
      event({ type: 'ping' });
    // Anthropic's mid-stream failure: `event: error` with the same body as an HTTP error, then the stream ends.
    const failure = plan.fail && event({ type: 'error', error: { type: ERRORS[plan.fail.kind].anthropic, message: STREAM_ERROR_MESSAGES[plan.fail.kind] } });
    const tail = failure ||
      event({ type: 'content_block_stop', index: 0 }) +
      event({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: plan.outputTokens } }) +
      event({ type: 'message_stop' });
    res.writeHead(200, SSE_HEADERS);
    await drive(res, plan, plan.fail?.early ? '' : head, (text) => event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }), tail);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    // Both protocols share GET /v1/models, so only the headers tell an Anthropic client apart.
    const protocol: Protocol =
      path === '/v1/chat/completions'
        ? 'openai'
        : path === '/v1/messages' || req.headers['anthropic-version'] !== undefined || req.headers['x-api-key'] !== undefined
          ? 'anthropic'
          : 'openai';

    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw === '' ? undefined : raw;
    let parsed = false;
    try {
      if (raw !== '') {
        body = JSON.parse(raw);
        parsed = true;
      }
    } catch {
      // Recorded as the raw text; answered below as a bad request.
    }
    requests.push({ protocol, path, headers: req.headers, body });

    if (!authorized(req, protocol)) {
      const presented = protocol === 'openai' ? req.headers.authorization : req.headers['x-api-key'];
      const message =
        presented === undefined
          ? protocol === 'openai'
            ? "Fake provider: you didn't provide an API key (Authorization: Bearer KEY)"
            : 'Fake provider: x-api-key header is required'
          : options.echoKey
            ? `Incorrect API key provided: ${presentedKey(req, protocol) ?? ''}. You can find your API key at https://example.invalid/keys.`
            : 'Fake provider: incorrect API key provided';
      sendError(res, protocol, 'auth', message);
      return;
    }

    if (req.method === 'GET' && path === '/v1/models') {
      listModels(res, protocol);
      return;
    }
    const route = req.method === 'POST' && path === '/v1/chat/completions' ? chatCompletions : req.method === 'POST' && path === '/v1/messages' ? messagesApi : undefined;
    if (!route) {
      sendError(res, protocol, 'not_found', `Fake provider: no route for ${req.method} ${path}`);
      return;
    }
    if (!parsed || typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendError(res, protocol, 'bad_request', 'Fake provider: the request body must be a JSON object');
      return;
    }
    await route(req, res, body as Record<string, unknown>);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (res.destroyed) return;
      if (!res.headersSent) sendError(res, 'openai', 'server', `Fake provider crashed: ${String(error)}`);
      else res.destroy();
    });
  };

  const listen = (server: Server) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });

  const server = createServer(listener);
  const trap = createServer(listener);
  const port = await listen(server);
  trapPort = await listen(trap);

  const shut = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      // Stalled streams and keep-alive sockets would otherwise hold close() open forever.
      s.closeAllConnections();
    });

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      await Promise.all([shut(server), shut(trap)]);
    },
  };
}
