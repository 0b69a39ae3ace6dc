import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type ClientRequest } from 'node:http';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { member, seedPrompt } from '../../../helpers/workspace';
import { createKey, revokeKey } from '../../../../src/main/core/keys/keys-service';
import { updatePrompt } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { SaveVersionInput, UpdatePromptInput } from '../../../../src/shared/schemas/prompts';
import type { ChangeEvent } from '../../../../src/shared/schemas/changes';

interface Sse {
  /** Events parsed so far (id, event, data). */
  events: { id: string; event: string; data: ChangeEvent }[];
  comments: string[];
  raw: string[];
  status: Promise<number>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  /** Resolves once `test` holds over the events (checked after every chunk). */
  until(test: (s: Sse) => boolean): Promise<void>;
  close(): void;
}

/** A minimal EventSource over node:http (loopback), as a caching client would write one. */
function sse(port: number, path: string, headers: Record<string, string>): Sse {
  let buffer = '';
  const waiters: { test: (s: Sse) => boolean; resolve: () => void }[] = [];
  let req: ClientRequest;
  let onEnd: () => void = () => undefined;
  const state: Sse = {
    ended: new Promise<void>((resolve) => (onEnd = resolve)),
    events: [],
    comments: [],
    raw: [],
    status: new Promise((resolveStatus, reject) => {
      req = request({ host: '127.0.0.1', port, path, agent: false, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
        resolveStatus(res.statusCode ?? 0);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          state.raw.push(chunk);
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields: Record<string, string> = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) state.comments.push(line.slice(1).trim());
              else {
                const at = line.indexOf(':');
                fields[line.slice(0, at)] = (fields[line.slice(0, at)] ?? '') + line.slice(at + 1).replace(/^ /, '');
              }
            }
            if (fields.data !== undefined) state.events.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) as ChangeEvent });
          }
          for (const w of [...waiters]) {
            if (!w.test(state)) continue;
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        });
        res.on('error', () => undefined);
        res.on('end', () => onEnd());
      });
      req.on('error', (error) => (state.events.length ? undefined : reject(error)));
      req.end();
    }),
    until: (test) => (test(state) ? Promise.resolve() : new Promise((resolve) => waiters.push({ test, resolve }))),
    close: () => req.destroy(),
  };
  return state;
}

let t: TestHost;
let aliceKey = '';
beforeAll(async () => {
  t = await startTestHost();
  seedPrompt(t.owner, 'feed', 'Hello {{who}}', { api: true });
  seedPrompt(t.owner, 'open-one', 'Open {{who}}', { api: true });
  setSharingLevel(t.owner, { name: 'open-one', level: 'library_view' });
  seedPrompt(t.owner, 'owner-secret', 'Secret {{who}}', { api: true });
  member(t.owner, 'alice@example.com');
  aliceKey = createKey(t.owner, { userEmail: 'alice@example.com', label: 'alice' }).key;
});
afterAll(() => t.stop());

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('GET /api/v1/changes', () => {
  it('resumes with Last-Event-ID after a disconnect: 1,000 writes, nothing lost or repeated', async () => {
    const start = t.host.workspace.changes.latestSeq();
    const first = sse(t.port, `/api/v1/changes?since=${start}`, auth(t.key));
    expect(await first.status).toBe(200);
    for (let i = 0; i < 400; i++) updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'feed', title: `Feed ${i}` }));
    await first.until((s) => s.events.length >= 150);
    first.close();
    const got = first.events.map((e) => Number(e.id));
    for (let i = 400; i < 1000; i++) updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'feed', title: `Feed ${i}` }));
    const end = t.host.workspace.changes.latestSeq();
    const second = sse(t.port, '/api/v1/changes', { ...auth(t.key), 'last-event-id': String(got.at(-1)) });
    await second.until((s) => Number(s.events.at(-1)?.id ?? 0) >= end);
    second.close();
    const all = [...got, ...second.events.map((e) => Number(e.id))];
    expect(end - start).toBe(1000);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => start + 1 + i));
    for (const e of [...first.events, ...second.events]) {
      expect(e.event).toBe('prompt.updated');
      expect(e.data).toMatchObject({ kind: 'prompt.updated', prompt: { name: 'feed' }, fields: ['title'] });
    }
  }, 60_000);

  it("never sends a member an event about a prompt they cannot see, not even its name", async () => {
    const stream = sse(t.port, `/api/v1/changes?since=${t.host.workspace.changes.latestSeq()}`, auth(aliceKey));
    expect(await stream.status).toBe(200);
    for (let i = 0; i < 20; i++) {
      saveVersion(t.owner, SaveVersionInput.parse({ name: 'owner-secret', template: { kind: 'text', text: `secret ${i}` } }));
      updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'owner-secret', title: `Secret ${i}` }));
    }
    updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'open-one', title: 'Open, last' }));
    await stream.until((s) => s.events.some((e) => e.data.prompt?.name === 'open-one'));
    stream.close();
    expect(stream.events.map((e) => [e.event, e.data.prompt?.name])).toEqual([['prompt.updated', 'open-one']]);
    expect(stream.raw.join('')).not.toMatch(/secret/i);
  });

  it('treats a prompt with API access off as hidden, even from an admin key', async () => {
    seedPrompt(t.owner, 'api-off-one', 'Off {{who}}');
    const stream = sse(t.port, `/api/v1/changes?since=${t.host.workspace.changes.latestSeq()}`, auth(t.key));
    expect(await stream.status).toBe(200);
    saveVersion(t.owner, SaveVersionInput.parse({ name: 'api-off-one', template: { kind: 'text', text: 'off again' } }));
    updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'feed', title: 'Feed, last' }));
    await stream.until((s) => s.events.some((e) => e.data.prompt?.name === 'feed'));
    stream.close();
    expect(stream.events.map((e) => e.data.prompt?.name)).toEqual(['feed']);
    expect(stream.raw.join('')).not.toContain('api-off-one');
  });

  it('sends heartbeat comments, and refuses a malformed resume point naming the field', async () => {
    const stream = sse(t.port, '/api/v1/changes?heartbeat=0.05', auth(t.key));
    await stream.until((s) => s.comments.includes('heartbeat'));
    stream.close();
    for (const [headers, path, field] of [
      [{ 'last-event-id': 'abc' }, '/api/v1/changes', 'Last-Event-ID'],
      [{}, '/api/v1/changes?since=-1', 'since'],
      [{}, '/api/v1/changes?heartbeat=0', 'heartbeat'],
    ] as const) {
      const res = await t.call('GET', path, undefined, headers);
      expect(res.status).toBe(400);
      expect(res.json().field ?? res.json().errors?.[0]?.field ?? res.text).toContain(field);
    }
    expect((await t.call('GET', '/api/v1/changes', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
  });
});

describe('GET /api/v1/changes: the key is checked for every batch', () => {
  it('ends the stream once its key is revoked, sending nothing after', async () => {
    const { key, info } = createKey(t.owner, { userEmail: 'alice@example.com', label: 'short-lived' });
    const stream = sse(t.port, '/api/v1/changes', auth(key));
    expect(await stream.status).toBe(200);
    revokeKey(t.owner, info.id);
    updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'open-one', title: 'After revocation' }));
    await stream.ended;
    expect(stream.events).toEqual([]);
  });
});

describe('ETag and If-None-Match', () => {
  it('answers 304 for an unchanged list, prompt, version list, version and render; 200 once changed', async () => {
    const reads: [string, string, unknown][] = [
      ['GET', '/api/v1/prompts?sort=name', undefined],
      ['GET', '/api/v1/prompts/feed', undefined],
      ['GET', '/api/v1/prompts/feed/versions', undefined],
      ['GET', '/api/v1/prompts/feed/versions/1', undefined],
      ['POST', '/api/v1/prompts/feed/render', { variables: { who: 'Ann' } }],
    ];
    for (const [method, path, body] of reads) {
      const first = await t.call(method, path, body);
      expect(first.status).toBe(200);
      const tag = first.headers.etag as string;
      expect(tag).toMatch(/^"[\w-]+"$/);
      const again = await t.call(method, path, body, { 'if-none-match': tag });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect((await t.call(method, path, body, { 'if-none-match': `"other", W/${tag}` })).status).toBe(304);
    }
    const render = await t.call('POST', '/api/v1/prompts/feed/render', { variables: { who: 'Ann' } });
    const other = await t.call('POST', '/api/v1/prompts/feed/render', { variables: { who: 'Bob' } }, { 'if-none-match': render.headers.etag as string });
    expect(other.status).toBe(200);
    const before = await t.call('GET', '/api/v1/prompts/feed');
    updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'feed', title: 'Changed' }));
    const after = await t.call('GET', '/api/v1/prompts/feed', undefined, { 'if-none-match': before.headers.etag as string });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });
});

describe('the caching example (examples/change-feed-cache.mjs)', () => {
  it('loads, then revalidates what an event touches', async () => {
    const script = join(__dirname, '..', '..', '..', '..', 'examples', 'change-feed-cache.mjs');
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, PROMPTDESK_URL: `http://127.0.0.1:${t.port}`, PROMPTDESK_KEY: aliceKey, EXIT_AFTER: '1' },
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('following changes')) resolve();
      }),
    );
    expect(out).toContain('ready 1 prompts');
    expect(out).not.toMatch(/secret/i);
    updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'open-one', title: 'Open, seen by the example' }));
    expect(await exited).toBe(0);
    expect(out.trim().split('\n').at(-1)).toBe('cached open-one v1');
  }, 30_000);
});
