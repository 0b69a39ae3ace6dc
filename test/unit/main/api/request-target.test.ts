import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestHost, expectProblem, type TestHost } from '../../../helpers/host';
import { connect } from 'node:net';
import { http } from '../../../helpers/http';

/**
 * Request targets the HTTP adapter cannot turn into a URL never reach the app: a backslash in
 * the path, `*`, a path without its leading slash. They are the client's fault, so they get
 * the same 400 problem+json naming `path` as a bad percent-encoding, not the adapter's empty
 * text/plain 400.
 */
let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(async () => {
  await t.stop();
});

const TARGETS = [
  '/a\\b',
  '/\\..\\..\\package.json',
  '/assets/..\\..\\..\\package.json',
  '/api/v1/prompts/x\\y',
  '/compat/conductor/api/prompts/a\\b',
  '/bridge\\x',
  '*',
  // Absolute-form, naming this server (the guard refuses any other authority first, with 403).
  'http://127.0.0.1:{port}/a\\b',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

describe('request targets the adapter refuses', () => {
  it('answer 400 problem+json naming the path, for every method, with nothing on stderr', async () => {
    const errors = vi.spyOn(console, 'error');
    for (const target of TARGETS.map((x) => x.replace('{port}', String(t.port)))) {
      for (const method of METHODS) {
        const res = await http(t.port, method, target, { headers: { authorization: `Bearer ${t.key}` } });
        const label = `${method} ${target}`;
        expect(res.status, label).toBe(400);
        expect(res.headers['content-type'], label).toBe('application/problem+json');
        if (method !== 'HEAD') expect(expectProblem(res, 400, 'path').code, label).toBe('invalid_input');
      }
    }
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('a malformed percent-encoding in the query answers 400 naming the query, on every door', async () => {
    const paths = ['/api/v1/health', '/api/v1/prompts', '/api/v1/logs', '/compat/respan/api/prompts/summary/', '/', '/docs', '/api/v1/nope'];
    for (const query of ['?x=%', '?q=%E0%A4%A', '?%zz=1', '?query=%C0%AF', '?a=1&b=%ED%A0%80', '?q=%FF']) {
      for (const path of paths) {
        const res = await http(t.port, 'GET', `${path}${query}`, { headers: { authorization: `Bearer ${t.key}` } });
        expect(expectProblem(res, 400, 'query').code, `${path}${query}`).toBe('invalid_input');
      }
    }
    // Well-formed escapes still mean what they say.
    const ok = await http(t.port, 'GET', '/api/v1/prompts?query=%C3%A9t%C3%A9%20100%25', { headers: { authorization: `Bearer ${t.key}` } });
    expect(ok.status).toBe(200);
  });

  it('a client that closes the connection before its body arrived is not logged as an internal error', async () => {
    const errors = vi.spyOn(console, 'error');
    for (const path of ['/api/v1/prompts/x/render', '/api/v1/prompts', '/compat/respan/api/prompts/']) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(t.port, '127.0.0.1', () => {
          socket.write(
            `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nAuthorization: Bearer ${t.key}\r\n` +
              'Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"variables":',
          );
          // Let the server start reading the body, then go away without the rest.
          setImmediate(() => http(t.port, 'GET', '/api/v1/health').then(() => socket.destroy(), reject));
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
    }
    // A few round trips so the server has handled each closed socket before we look.
    for (let i = 0; i < 5; i++) await http(t.port, 'GET', '/api/v1/health');
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('a backslash after the query is not in the path and is served as usual', async () => {
    const res = await http(t.port, 'GET', '/api/v1/health?x=a\\b');
    expect(res.status).toBe(200);
  });
});
