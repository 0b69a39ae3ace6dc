/**
 * Issue 10 item 9: a provider error that quotes the request never shows, logs, stores or exports
 * a key. A property test of the one redaction function, then a provider that echoes the key it
 * was sent (several key shapes), followed through every door: API answer, SSE error event, the
 * chat's run state, the log row, CSV and JSONL exports, the database files and Test connection.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { APICallError } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { REDACTED, redactSecrets } from '../../../../src/main/core/integrations/redact-secrets';
import { providerFailure } from '../../../../src/main/core/runs/run-errors';
import { guardedFetch } from '../../../../src/main/core/integrations/guarded-fetch';
import { redactLoggedErrors, saveIntegration, testIntegration } from '../../../../src/main/core/integrations/integrations';
import { startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { getLog, resolveFilter } from '../../../../src/main/core/logs/logs-service';
import { SaveIntegrationInput, TestIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { StartRunInput } from '../../../../src/shared/schemas/runs';
import { LogFilterSchema } from '../../../../src/shared/schemas/logs';
import { sseEvents } from '../../../helpers/http';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomKey = (length: number, seed: number) => Array.from({ length }, (_, i) => BASE62[(seed * 7919 + i * 104729 + i * i * 31) % 62]).join('');
const keyChars = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...BASE62.split('')), minLength: min, maxLength: max });
/** Prose around a key: anything but key characters next to it, so the key stays one token. */
const prose = fc.string({ unit: fc.constantFrom(' ', ':', ',', '"', '(', ')', '\n', 'é', '→', ...'the key was refused'.split('')), maxLength: 40 });
const glued = (before: string, key: string, after: string) => `${before}${before && /\w$/.test(before) ? ' ' : ''}${key}${after && /^\w/.test(after) ? ' ' : ''}${after}`;

describe('redactSecrets', () => {
  it('removes a stored key wherever it appears, whatever it looks like', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 64 }).filter((s) => s.trim().length >= 8), fc.string(), fc.string(), (key, before, after) => {
        fc.pre(!REDACTED.includes(key.trim()) && !(before + after).includes(key.trim()));
        const out = redactSecrets(`${before}${key.trim()}${after}`, [key]);
        expect(out).not.toContain(key.trim());
      }),
    );
  });

  it('removes the masked echo of a stored key (first characters, asterisks, last characters)', () => {
    fc.assert(
      fc.property(keyChars(24, 64), fc.integer({ min: 8, max: 12 }), prose, prose, (key, shown, before, after) => {
        const echo = `${key.slice(0, shown)}${'*'.repeat(12)}${key.slice(-4)}`;
        const out = redactSecrets(glued(before, echo, after), [key]);
        expect(out).not.toContain(key.slice(0, shown));
      }),
    );
  });

  it('removes unknown keys by shape: Bearer values, sk-/gsk_/xai- keys, long random tokens, key=value', () => {
    fc.assert(
      fc.property(
        keyChars(20, 60).filter((k) => /[A-Z]/.test(k) && /[a-z]/.test(k) && /\d/.test(k)),
        fc.constantFrom('Bearer ', 'Authorization: Bearer ', 'sk-', 'sk-proj-', 'sk-ant-api03-', 'gsk_', 'xai-', 'api_key=', '"x-api-key": "', ''),
        prose,
        prose,
        (key, lead, before, after) => {
          const out = redactSecrets(glued(before, `${lead}${key}`, after), []);
          expect(out).not.toContain(key);
        },
      ),
    );
  });

  it('removes a stored key quoted JSON-escaped, percent-encoded, split or followed by punctuation', () => {
    // Keys with the characters those encodings change: base64 (+ / =), symbols, a quote, a backslash, accents.
    const anyKey = fc
      .string({ unit: fc.constantFrom(...`${BASE62}+/=@!"\\é%-_.~`.split('')), minLength: 16, maxLength: 48 })
      .filter((k) => k.trim() === k && /[A-Za-z0-9]/.test(k));
    const quoted = (key: string) => ({
      raw: key,
      json: JSON.stringify(key).slice(1, -1),
      jsonSlash: JSON.stringify(key).slice(1, -1).replace(/\//g, '\\/'),
      jsonAscii: JSON.stringify(key).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      query: `https://api.example.invalid/v1/models?key=${encodeURIComponent(key)}`,
      queryLower: encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      uri: encodeURI(key),
      split: `${key.slice(0, 8)}\n${key.slice(8)}`,
      ellipsis: `${key.slice(0, 8)}…${key.slice(-8)}`,
    });
    fc.assert(
      fc.property(anyKey, fc.constantFrom('.', ',', '.)', '"}', ''), (key, tail) => {
        for (const [form, echo] of Object.entries(quoted(key))) {
          const out = redactSecrets(`{"error":{"message":"Incorrect API key provided: ${echo}${tail} You can find your key at https://example.invalid."}}`, [key]);
          // No 8 characters in a row of the key, in the form it was quoted in, are left.
          const shown = echo.replace(/^https:\/\/api\.example\.invalid\/v1\/models\?key=/, '');
          for (let i = 0; i + 8 <= shown.length; i++) {
            if (!shown.slice(i, i + 8).includes('\n')) expect(out, `${form}: ${JSON.stringify(echo)} -> ${out}`).not.toContain(shown.slice(i, i + 8));
          }
          expect(out).toContain('Incorrect API key provided: ');
        }
      }),
    );
  });

  it('removes a short stored key (4 to 7 characters: sk-test, a local password) where it stands as a word', () => {
    expect(redactSecrets('Incorrect API key provided: sk-test. You can find your API key at https://example.invalid.', ['sk-test'])).toBe(
      'Incorrect API key provided: [redacted]. You can find your API key at https://example.invalid.',
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...`${BASE62}-_.@!+/`.split('')), minLength: 4, maxLength: 7 }), prose, prose, (key, before, after) => {
        fc.pre(/[A-Za-z0-9]/.test(key) && !/^[A-Za-z]+$/.test(key) && !REDACTED.includes(key));
        for (const echo of [key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1)]) {
          const text = `${before}${before && /[\p{L}\p{N}]$/u.test(before) ? ' ' : ''}${echo}${after && /^[\p{L}\p{N}]/u.test(after) ? ' ' : ''}${after}`;
          const out = redactSecrets(text, [key]);
          expect(out.replace(before, '').replace(after, ''), text).not.toContain(echo);
        }
      }),
    );
    // Inside a longer word it is that word's: 'tes7' is not taken out of 'latest7'.
    expect(redactSecrets('the lates7 tes7ing run', ['tes7'])).toBe('the lates7 tes7ing run');
    // A placeholder of letters alone, as local servers are given ('ollama'), is also the integration's name.
    expect(redactSecrets('ollama answered 404: model "llama3.2" not found', ['ollama'])).toBe('ollama answered 404: model "llama3.2" not found');
  });

  it('leaves prose around a passphrase key alone, and never splits a character', () => {
    expect(redactSecrets('Incorrect API key provided: [hidden]', ['correct horse battery staple'])).toBe('Incorrect API key provided: [hidden]');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'grapheme', minLength: 9, maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 }), (before, key, after) => {
        const piece = Array.from(key.trim()).slice(0, 9).join('');
        const out = redactSecrets(`${before}${piece}${after}`, [key]);
        // No lone surrogate: half of an emoji or astral character beside the marker.
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }),
    );
  });

  it('removes credentials written into a URL', () => {
    fc.assert(
      fc.property(fc.constantFrom('http', 'https', 'wss'), keyChars(1, 12), keyChars(4, 40), prose, (scheme, user, password, after) => {
        const out = redactSecrets(`could not reach ${scheme}://${user}:${password}@127.0.0.1:11434/v1${after}`, []);
        expect(out).not.toContain(`:${password}@`);
        expect(out).toContain('127.0.0.1:11434/v1');
      }),
    );
  });

  it('leaves ordinary provider messages alone', () => {
    for (const message of [
      'The model `gpt-4o-mini-2024-07-18` does not exist or you do not have access to it.',
      'Rate limit reached for claude-3-5-sonnet-20241022 on requests per minute. Please try again in 20s.',
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.",
      'local answered 500: Fake provider: internal server error',
      'connection refused (is the server running?)',
      'Could not reach http://127.0.0.1:11434/v1: connection refused (is the server running?)',
      'fake answered 404: The model `llama3.2:latest` does not exist',
    ]) {
      expect(redactSecrets(message, ['unrelated-secret-value'])).toBe(message);
    }
  });

  it("keeps the integration's name that leads the message, even when the placeholder key is the same word", () => {
    const guard = guardedFetch({ responseTimeoutMs: 1000, idleTimeoutMs: 1000, maxResponseBytes: 1024, maxRedirects: 0 });
    const error = new APICallError({ message: 'x', url: 'http://127.0.0.1/v1', requestBodyValues: {}, statusCode: 401, responseHeaders: {}, responseBody: JSON.stringify({ error: { message: 'Bad key lm-studio' } }) });
    expect(providerFailure(error, guard, 'lm-studio', ['lm-studio']).message).toBe('lm-studio answered 401: Bad key [redacted]');
  });

  it('is applied by providerFailure to every kind of failure, keeping code and retryAfter', () => {
    const key = 'my-own-secret-9';
    const guard = guardedFetch({ responseTimeoutMs: 1000, idleTimeoutMs: 1000, maxResponseBytes: 1024, maxRedirects: 0 });
    const apiError = (status: number, headers: Record<string, string> = {}) =>
      new APICallError({ message: 'x', url: 'http://127.0.0.1/v1', requestBodyValues: {}, statusCode: status, responseHeaders: headers, responseBody: JSON.stringify({ error: { message: `bad key ${key} or Bearer ${randomKey(30, 3)}` } }) });
    for (const [error, code] of [
      [apiError(401), 'provider_error'],
      [apiError(429, { 'retry-after': '9' }), 'rate_limited'],
      [new TypeError('fetch failed', { cause: { message: `socket hang up sending ${key}` } }), 'provider_error'],
    ] as const) {
      const failure = providerFailure(error, guard, 'local', [key, null]);
      expect(failure.code).toBe(code);
      expect(failure.message).not.toContain(key);
      expect(failure.message).toContain(REDACTED);
      if (code === 'rate_limited') expect(failure.retryAfter).toBe(9);
    }
  });
});

/** Key shapes a provider might echo: OpenAI project key, Anthropic key, a local server's plain word key, one with symbols. */
const KEYS = {
  openai: `sk-proj-${randomKey(48, 1)}`,
  anthropic: `sk-ant-api03-${randomKey(40, 2)}`,
  plain: 'my-local-server-password',
  symbols: 'p@ss/w0rd+with=symbols!',
};

let t: TestHost;
let provider: FakeProvider;

async function exported(format: 'csv' | 'jsonl'): Promise<string> {
  const { exports } = t.owner.runtime;
  const started = exports.start(t.owner, resolveFilter(t.owner, LogFilterSchema.parse({ status: 'error' })), format);
  let status = started;
  while (status.state === 'running') {
    await new Promise((r) => setTimeout(r, 10));
    status = exports.status(t.owner, started.exportId);
  }
  return readFileSync(status.path!, 'utf8');
}

beforeAll(async () => {
  // The provider wants another key, and quotes back whichever one it was sent.
  provider = await startFakeProvider({ apiKey: 'the-right-key', echoKey: true });
  t = await startTestHost();
  seedPrompt(t.owner, 'greet', 'Say hello to {{name}}', { api: true });
  for (const [shape, key] of Object.entries(KEYS)) {
    for (const kind of ['openai-compatible', 'anthropic'] as const) {
      saveIntegration(t.owner, SaveIntegrationInput.parse({ name: `${shape}-${kind}`, kind, baseUrl: `${provider.url}/v1`, apiKey: key, models: ['echo'] }));
    }
  }
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

describe.each(Object.entries(KEYS))('a provider quoting a %s key back', (shape, key) => {
  describe.each(['openai-compatible', 'anthropic'])('over %s', (kind) => {
    const model = `${shape}-${kind}:echo`;

    it('never shows it: API answer, SSE error event, chat run state, log row', async () => {
      const plain = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'Ada' }, model });
      expect(plain.status).toBe(502);
      expect(plain.json().detail).toContain('Incorrect API key provided');
      expect(plain.text).not.toContain(key);

      const streamed = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'Ada' }, model, stream: true });
      const last = sseEvents(streamed.text).at(-1)!;
      expect(last[0]).toBe('error');
      expect(last[1].detail).toContain(REDACTED);
      expect(streamed.text).not.toContain(key);

      const started = startRun(t.owner, StartRunInput.parse({ name: 'greet', variables: { name: 'Ada' }, model, source: 'chat' }));
      let progress = await watchRun(t.owner, { runId: started.runId, cursor: 0 });
      for (let i = 0; progress.status === 'running' && i < 10; i++) progress = await watchRun(t.owner, { runId: started.runId, cursor: progress.cursor });
      expect(progress.status).toBe('error');
      expect(progress.error!.message).toContain(REDACTED);
      expect(JSON.stringify(progress)).not.toContain(key);

      const row = getLog(t.owner, started.runId);
      expect(row.error).toContain(REDACTED);
      expect(JSON.stringify(row)).not.toContain(key);
      const viaApi = await t.call('GET', `/api/v1/logs/${plain.json().runId ?? started.runId}`);
      expect(viaApi.text).not.toContain(key);
    });

    it('never tells Test connection what was sent', async () => {
      const typed = await testIntegration(t.owner, TestIntegrationInput.parse({ kind, baseUrl: `${provider.url}/v1`, apiKey: key }));
      expect(typed.ok).toBe(false);
      expect(typed.message).not.toContain(key);
      const id = t.owner.store.integrations.getByName(`${shape}-${kind}`)!.id;
      const stored = await testIntegration(t.owner, TestIntegrationInput.parse({ id, kind, baseUrl: `${provider.url}/v1` }));
      expect(stored.ok).toBe(false);
      expect(stored.message).toContain(REDACTED);
      expect(stored.message).not.toContain(key);
    });
  });
});

describe('a provider quoting the key in an encoded form', () => {
  // Not the OpenAI error shape, so the raw JSON text (escapes and all) is what the run reports.
  const key = 'abcd+efgh/ijkl=mnop"qrs';
  const bodies = [
    `{"detail":"key ${JSON.stringify(key).slice(1, -1).replace(/\//g, '\\/')} refused"}`,
    `{"detail":"GET https://api.example.invalid/v1/chat/completions?key=${encodeURIComponent(key)} refused"}`,
    `{"detail":"key ${key.slice(0, 9)}\\n${key.slice(9)}. refused"}`,
  ];
  let hostile: Server;
  let served = 0;
  beforeAll(async () => {
    hostile = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(bodies[served++ % bodies.length]);
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/v1`;
    saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'hostile', kind: 'openai-compatible', baseUrl: url, apiKey: key, models: ['m'] }));
  });
  afterAll(() => new Promise<void>((resolve) => hostile.close(() => resolve())));

  it.each(bodies.map((_, i) => i))('never shows it, escaped, encoded or split (body %i), in the answer or the log', async () => {
    const res = await t.call('POST', '/api/v1/prompts/greet/run', { variables: { name: 'Ada' }, model: 'hostile:m' });
    expect(res.status).toBe(502);
    const detail = res.json().detail as string;
    expect(detail).toContain(REDACTED);
    for (const piece of ['abcd+efg', 'ijkl=mnop', 'efgh%2Fijkl', 'abcd%2Befgh', 'mnop\\"qrs']) expect(detail).not.toContain(piece);
    const logged = await t.call('GET', '/api/v1/logs?status=error&limit=1');
    expect(logged.text).not.toContain('ijkl=mnop');
    expect(logged.text).not.toContain('abcd%2B');
  });
});

describe('a key written into the base URL', () => {
  // The base URL is stored in plain text and shown to every member who may use the integration.
  const urls = [
    'http://user:hunter2hunter2@127.0.0.1:11434/v1',
    'https://:hunter2hunter2@api.example.invalid/v1',
    'https://hunter2hunter2@api.example.invalid/v1',
    'https://api.example.invalid/v1?key=hunter2hunter2',
    'https://api.example.invalid/v1?api_key=hunter2hunter2',
    'https://api.example.invalid/v1/?token=hunter2hunter2',
    'https://api.example.invalid/v1#hunter2hunter2',
  ];

  it.each(urls)('%s is refused on save and on Test connection, naming baseUrl, and nothing is stored', (baseUrl) => {
    for (const schema of [SaveIntegrationInput, TestIntegrationInput]) {
      const parsed = schema.safeParse({ name: 'in-url', kind: 'openai-compatible', baseUrl });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]!.path).toEqual(['baseUrl']);
      expect(parsed.error!.issues[0]!.message).not.toContain('hunter2');
    }
    expect(t.owner.store.integrations.getByName('in-url')).toBeUndefined();
  });

  it('an ordinary base URL is still taken as typed', () => {
    for (const baseUrl of ['http://127.0.0.1:11434/v1', 'https://api.openai.com/v1/', 'http://[::1]:1234/v1', 'https://openrouter.ai/api/v1']) {
      expect(SaveIntegrationInput.parse({ name: 'ok', kind: 'openai-compatible', baseUrl }).baseUrl).toBe(baseUrl.replace(/\/$/, ''));
    }
  });
});

describe('after every failed run', () => {
  it('no key is in a CSV or JSONL export, nor in the database files', async () => {
    const csv = await exported('csv');
    const jsonl = await exported('jsonl');
    expect(csv).toContain('Incorrect API key provided');
    t.owner.store.db.pragma('wal_checkpoint(PASSIVE)');
    const dir = dirname(t.owner.store.db.name);
    const files = readdirSync(dir).filter((f) => f.startsWith('promptdesk.db')).map((f) => readFileSync(join(dir, f)).toString('latin1'));
    expect(files.length).toBeGreaterThan(0);
    for (const key of Object.values(KEYS)) {
      expect(csv).not.toContain(key);
      expect(jsonl).not.toContain(key);
      for (const file of files) expect(file).not.toContain(key);
    }
  });
});

describe('errors logged before redaction', () => {
  it('are redacted in place at start, once, and again after a new key is stored', async () => {
    const promptId = t.owner.store.prompts.getRowByName('greet')!.id;
    const old = (id: string, error: string) => ({
      id, promptId, promptName: 'greet', version: 1, source: 'api' as const, userId: t.owner.actor.id, keyLabel: 'k', model: 'openai-openai-compatible:echo',
      status: 'error' as const, startedAt: Date.parse('2026-01-01T00:00:00Z'), latencyMs: 1, ttftMs: null, tokensIn: null, tokensOut: null,
      dataLogging: 'full' as const, variableNames: '[]', variables: '{}', messages: '[]', output: '', outputChars: 0, error, conversationId: null,
    });
    const later = 'a-key-stored-later-42';
    t.owner.store.logs.insertMany([
      old('old-1', `local answered 401: Incorrect API key provided: ${KEYS.openai}`),
      old('old-2', `local answered 401: bad key ${KEYS.plain}`),
      old('old-3', `local answered 401: bad key ${later}`),
      old('old-4', 'local answered 500: internal server error'),
    ]);
    expect(redactLoggedErrors(t.owner)).toBeGreaterThanOrEqual(2);
    expect(getLog(t.owner, 'old-1').error).toBe('local answered 401: Incorrect API key provided: [redacted]');
    expect(getLog(t.owner, 'old-2').error).toBe('local answered 401: bad key [redacted]');
    expect(getLog(t.owner, 'old-3').error).toContain(later);
    expect(getLog(t.owner, 'old-4').error).toBe('local answered 500: internal server error');
    expect(redactLoggedErrors(t.owner)).toBe(0);
    // The key is stored now: the logs are read again, and the one quoting it is cleaned.
    saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'later', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, apiKey: later, models: ['echo'] }));
    expect(redactLoggedErrors(t.owner)).toBe(1);
    expect(getLog(t.owner, 'old-3').error).toBe('local answered 401: bad key [redacted]');
    expect(await exported('jsonl')).not.toContain(later);
  });
});
