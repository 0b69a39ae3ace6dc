import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../../../src/main/host';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { seedPrompt, tempDir } from '../../../helpers/workspace';
import { http, rawStatus } from '../../../helpers/http';
import { MAX_BODY_BYTES } from '../../../../src/main/api/app';
import { expectProblem } from '../../../helpers/host';

let host: Host;
let port: number;
let key: string;
let cleanup: () => void;

beforeAll(async () => {
  const dir = tempDir();
  cleanup = dir.cleanup;
  host = await startHost({ dataDir: dir.dir, mode: 'headless', port: 0 });
  port = host.server!.port;
  const ctx = host.workspace.as(host.workspace.owner.id);
  key = createKey(ctx, { userEmail: ctx.actor.email, label: 'test' }).key;
  seedPrompt(ctx, 'greet', 'Hello {{name}}, welcome to {{place}}', { title: 'Greeting', tags: ['demo'], api: true });
});
afterAll(async () => {
  await host.close();
  cleanup();
});

const auth = () => ({ authorization: `Bearer ${key}` });
const json = (body: unknown) => ({ ...auth(), 'content-type': 'application/json', body: JSON.stringify(body) });
const post = (path: string, body: unknown, extra: Record<string, string> = {}) => {
  const { body: text, ...headers } = json(body);
  return http(port, 'POST', path, { headers: { ...headers, ...extra }, body: text });
};

describe('HTTP API over a real socket', () => {
  it('answers health without a key', async () => {
    const res = await http(port, 'GET', '/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('lists, gets and renders a prompt with a Bearer key', async () => {
    const list = await http(port, 'GET', '/api/v1/prompts?query=welcome', { headers: auth() });
    expect(list.json()).toMatchObject({ total: 1, items: [{ name: 'greet', latestVersion: 1 }] });
    const one = await http(port, 'GET', '/api/v1/prompts/greet', { headers: auth() });
    expect(one.json()).toMatchObject({ name: 'greet', version: { number: 1, detectedVariables: ['name', 'place'] } });
    const rendered = await post('/api/v1/prompts/greet/render', { variables: { name: 'Ada', place: 'Paris' } });
    expect(rendered.status).toBe(200);
    expect(rendered.json()).toMatchObject({ version: 1, messages: [{ role: 'user', content: 'Hello Ada, welcome to Paris' }] });
  });

  it('accepts the key in X-Authorization too', async () => {
    const res = await http(port, 'GET', '/api/v1/prompts', { headers: { 'x-authorization': key } });
    expect(res.status).toBe(200);
  });

  it('refuses a missing, invalid or wrong-length key with 401 problem+json', async () => {
    expectProblem(await http(port, 'GET', '/api/v1/prompts'), 401);
    expectProblem(await http(port, 'GET', '/api/v1/prompts', { headers: { authorization: 'Bearer nope' } }), 401);
    expectProblem(await http(port, 'GET', '/api/v1/prompts', { headers: { authorization: `Bearer ${key}x` } }), 401);
    expectProblem(await http(port, 'GET', '/api/v1/prompts', { headers: { authorization: `Bearer ${'k'.repeat(5000)}` } }), 401);
  });

  it('does not reveal whether a prompt exists to a caller without a valid key', async () => {
    const known = await http(port, 'GET', '/api/v1/prompts/greet', { headers: { authorization: 'Bearer bad' } });
    const unknown = await http(port, 'GET', '/api/v1/prompts/nope', { headers: { authorization: 'Bearer bad' } });
    expect(known.status).toBe(401);
    expect(known.text).toBe(unknown.text);
  });

  it('refuses a key in the query string', async () => {
    expectProblem(await http(port, 'GET', `/api/v1/prompts?api_key=${key}`, { headers: auth() }), 401);
  });

  it('answers an unknown prompt with 404', async () => {
    expectProblem(await http(port, 'GET', '/api/v1/prompts/nope', { headers: auth() }), 404);
    expectProblem(await post('/api/v1/prompts/nope/render', { variables: {} }), 404);
  });

  it('names a missing variable with 400', async () => {
    const problem = expectProblem(await post('/api/v1/prompts/greet/render', { variables: { name: 'Ada' } }), 400, 'variables.place');
    expect(problem.detail).toContain('"place"');
  });

  it('rejects bad JSON, a non-object body and wrong types with 400', async () => {
    const bad = await http(port, 'POST', '/api/v1/prompts/greet/render', {
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '{"variables": ',
    });
    expectProblem(bad, 400);
    expectProblem(await post('/api/v1/prompts/greet/render', [1, 2]), 400);
    expectProblem(await post('/api/v1/prompts/greet/render', { variables: { name: { nested: true } } }), 400, 'variables.name');
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await http(port, 'POST', '/api/v1/prompts/greet/render', {
      headers: { ...auth(), 'content-type': 'text/plain' },
      body: '{"variables":{}}',
    });
    expectProblem(res, 415);
  });

  it('rejects an oversized body with 413', async () => {
    const res = await post('/api/v1/prompts/greet/render', { variables: { name: 'x'.repeat(MAX_BODY_BYTES) } });
    expectProblem(res, 413);
  });

  it('rejects a bad version number with 400 naming the parameter', async () => {
    expectProblem(await http(port, 'GET', '/api/v1/prompts/greet?version=abc', { headers: auth() }), 400, 'version');
    expectProblem(await http(port, 'GET', '/api/v1/prompts/greet?version=9', { headers: auth() }), 404);
  });

  it('answers unknown routes with a 404 problem', async () => {
    expectProblem(await http(port, 'GET', '/api/v1/nothing-here', { headers: auth() }), 404);
  });
});

describe('loopback guard', () => {
  it.each(['evil.example:80', 'x.localhost', '127.0.0.1.nip.io', '127.0.0.1:1', 'localhost'])('refuses Host %s with 403', async (hostHeader) => {
    expectProblem(await http(port, 'GET', '/api/v1/health', { headers: { host: hostHeader } }), 403);
  });

  it('accepts localhost and [::1] with the right port', async () => {
    expect((await http(port, 'GET', '/api/v1/health', { headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect((await http(port, 'GET', '/api/v1/health', { headers: { host: `[::1]:${port}` } })).status).toBe(200);
  });

  it('refuses two Host header lines with 400, whichever comes first (RFC 9112 §3.2)', async () => {
    for (const [first, second] of [[`127.0.0.1:${port}`, 'evil.example'], ['evil.example', `127.0.0.1:${port}`], [`127.0.0.1:${port}`, `127.0.0.1:${port}`]]) {
      const answer = await rawStatus(port, `GET /api/v1/health HTTP/1.1\r\nHost: ${first}\r\nhost: ${second}\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/ 400 /);
    }
  });

  it('an absolute-form target is judged by its authority, as RFC 9112 §3.2.2 says, not by the Host header', async () => {
    const foreign = await rawStatus(port, `GET http://evil.example/api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(foreign).toMatch(/ 403 /);
    const otherPort = await rawStatus(port, `GET http://127.0.0.1:1/api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(otherPort).toMatch(/ 403 /);
    const own = await rawStatus(port, `GET http://127.0.0.1:${port}/api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(own).toMatch(/ 200 /);
  });

  it('refuses a request with no Host header', async () => {
    expect(await rawStatus(port, 'GET /api/v1/health HTTP/1.0\r\n\r\n')).toMatch(/ 403 /);
  });

  it('refuses foreign origins, preflights included, and never sends CORS headers', async () => {
    const res = await http(port, 'GET', '/api/v1/prompts', { headers: { ...auth(), origin: 'https://evil.example' } });
    expectProblem(res, 403);
    const preflight = await http(port, 'OPTIONS', '/api/v1/prompts', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const same = await http(port, 'GET', '/api/v1/prompts', { headers: { ...auth(), origin: `http://127.0.0.1:${port}` } });
    expect(same.status).toBe(200);
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('listens on the loopback addresses only: 127.0.0.1, and ::1 on the same port', async () => {
    expect(host.server!.server.address()).toMatchObject({ address: '127.0.0.1' });
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '::1', family: 6, port, path: '/api/v1/health', headers: { host: `[::1]:${port}` }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const req = request({ host: external.address, port, path: '/api/v1/health', agent: false, timeout: 1000 }, () => resolve(false));
        req.on('error', () => resolve(true));
        req.on('timeout', () => {
          req.destroy();
          resolve(true);
        });
        req.end();
      });
      expect(refused).toBe(true);
    }
  });

  it('refuses an empty Host header', async () => {
    // Raw bytes: Node's client would fill in a Host of its own.
    expect(await rawStatus(port, 'GET /api/v1/health HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n')).toMatch(/ 403 /);
  });
});
