import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { startHost, type Host } from '../../../../src/main/host';
import { mountBridge } from '../../../../src/main/headless/bridge';
import { mountRendererFiles } from '../../../../src/main/headless/renderer-files';
import { SessionRegistry } from '../../../../src/main/core/sessions/session-registry';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { tempDir } from '../../../helpers/workspace';
import { http, type RawResponse } from '../../../helpers/http';

/** The Electron app's API server (no UI files) and the headless host (UI files + bridge). */
interface Mode {
  name: 'desktop' | 'headless';
  host: Host;
  port: number;
  headers: Record<string, string>;
}

const modes: Mode[] = [];
let cleanup: () => void;
const HTML = '<!doctype html><title>app</title>';

beforeAll(async () => {
  const dir = tempDir();
  cleanup = dir.cleanup;
  const rendererDir = join(dir.dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), HTML);
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  for (const name of ['desktop', 'headless'] as const) {
    let session = '';
    const host = await startHost({
      dataDir: join(dir.dir, name),
      mode: name,
      port: 0,
      mount:
        name === 'headless'
          ? (app, h) => {
              const sessions = new SessionRegistry();
              session = sessions.create(h.workspace.owner.id);
              mountBridge(app, { workspace: h.workspace, handlers: h.handlers, sessions });
              mountRendererFiles(app, rendererDir);
            }
          : undefined,
    });
    const owner = host.workspace.as(host.workspace.owner.id);
    const key = createKey(owner, { userEmail: owner.actor.email, label: 'paths' }).key;
    // Every credential the server knows: unknown paths must 404 past auth, not hide behind 401.
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    if (session) headers['x-promptdesk-session'] = session;
    modes.push({ name, host, port: host.server!.port, headers });
  }
});
afterAll(async () => {
  for (const mode of modes) await mode.host.close();
  cleanup();
});

const send = (mode: Mode, method: string, path: string): Promise<RawResponse> =>
  http(mode.port, method, path, { headers: mode.headers, body: method === 'GET' || method === 'HEAD' ? undefined : '{}' });

function expectProblem(res: RawResponse, status: number, label: string) {
  expect(res.status, label).toBe(status);
  expect(res.headers['content-type'], label).toBe('application/problem+json');
  if (res.text !== '') {
    expect(res.json(), label).toMatchObject({ status, type: expect.stringMatching(/^urn:promptdesk:problem:/) });
  }
  expect(res.text, label).not.toContain('<!doctype');
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const PREFIXES = ['/api', '/api/v1', '/compat', '/compat/openwebui', '/bridge', '/docs', '/mcp', '/API', '/Compat', '/%61pi/v1'];
const SUFFIXES = ['/nope', '/nope/deeper/still', '/nope.json', '/nope/', '/v9/prompts'];

describe('unknown paths under the machine prefixes', () => {
  it('answer 404 problem+json in every mode, for every method (prefix x suffix x method x mode)', async () => {
    const errors = vi.spyOn(console, 'error');
    for (const mode of modes) {
      for (const prefix of PREFIXES) {
        for (const suffix of SUFFIXES) {
          for (const method of METHODS) {
            const res = await send(mode, method, `${prefix}${suffix}`);
            expectProblem(res, 404, `${mode.name} ${method} ${prefix}${suffix}`);
          }
        }
      }
      // The bare prefixes too (GET /docs is the reference page, GET /api/v1/... exist, /mcp is the
      // MCP door (test/unit/main/mcp): not here).
      for (const path of ['/compat', '/bridge', '/api']) {
        for (const method of METHODS) expectProblem(await send(mode, method, path), 404, `${mode.name} ${method} ${path}`);
      }
    }
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('answer the same 404 without any key or session: a mistyped path never looks like a missing key', async () => {
    for (const mode of modes) {
      for (const prefix of PREFIXES) {
        for (const suffix of SUFFIXES) {
          for (const method of METHODS) {
            const res = await http(mode.port, method, `${prefix}${suffix}`, { body: method === 'GET' || method === 'HEAD' ? undefined : '{}', headers: { 'content-type': 'application/json' } });
            expectProblem(res, 404, `${mode.name} keyless ${method} ${prefix}${suffix}`);
          }
        }
      }
      // A path that names an operation still asks for the key first (hidden and missing prompts alike).
      for (const path of ['/api/v1/prompts/nope/versions', '/compat/respan/api/prompts/nope/', '/api/v1/keys']) {
        expectProblem(await http(mode.port, 'GET', path), 401, `${mode.name} keyless GET ${path}`);
      }
    }
  });

  it('the headless UI serves index.html at its entry paths and its own files only', async () => {
    const headless = modes.find((m) => m.name === 'headless')!;
    for (const path of ['/', '/index.html']) {
      const res = await send(headless, 'GET', path);
      expect(res.status, path).toBe(200);
      expect(res.text).toBe(HTML);
    }
    expect((await send(headless, 'GET', '/assets/app.js')).text).toBe('console.log(1)');
    for (const path of ['/assets/missing.js', '/settings', '/prompts/x', '/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fpackage.json']) {
      expectProblem(await send(headless, 'GET', path), 404, path);
    }
  });
});

describe('malformed percent-encoding', () => {
  const EXAMPLES = ['/%', '/%E0%A4%A', '/api/v1/prompts/%E0%A4%A', '/api/v1/prompts/%', '/compat/%zz', '/docs/%C0%AF', '/%FF', '/bridge/%ED%A0%80'];

  it('answers 400 problem+json naming the path, never a 5xx or a stack on stderr', async () => {
    const errors = vi.spyOn(console, 'error');
    for (const mode of modes) {
      for (const path of EXAMPLES) {
        for (const method of METHODS) {
          const res = await send(mode, method, path);
          expectProblem(res, 400, `${mode.name} ${method} ${path}`);
          if (method !== 'HEAD') expect(res.json().field).toBe('path');
        }
      }
    }
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  // A bad escape: `%` with fewer than two hex digits, or bytes that are not UTF-8.
  const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
  const badEscape = fc.oneof(
    fc.constant('%'),
    hexDigit.map((h) => `%${h}`),
    fc.tuple(hexDigit, fc.constantFrom('g', 'z', '-', '/', '%', '_')).map(([h, c]) => `%${h}${c}`),
    fc.integer({ min: 0x80, max: 0xff }).map((b) => `%${b.toString(16).toUpperCase()}`),
    fc.constantFrom('%C0%AF', '%E0%A4%A', '%ED%A0%80', '%F8%88%80%80%80', '%C3', '%E2%82'),
  );
  const safeText = fc.stringMatching(/^[a-z0-9._~-]{0,8}$/);
  const badPath = fc
    .tuple(fc.constantFrom('', ...PREFIXES, '/api/v1/prompts', '/assets'), safeText, badEscape, safeText)
    .map(([prefix, before, bad, after]) => `${prefix}/${before}${bad}${after}`);

  it('property: any path with a bad escape, any method, any mode: 400 problem+json, never 5xx', async () => {
    const errors = vi.spyOn(console, 'error');
    await fc.assert(
      fc.asyncProperty(badPath, fc.constantFrom(...METHODS), fc.constantFrom(0, 1), async (path, method, modeIndex) => {
        // A lone lead byte followed by a continuation-looking escape can still decode: skip those.
        fc.pre((() => { try { decodeURIComponent(path); return false; } catch { return true; } })());
        const res = await send(modes[modeIndex]!, method, path);
        expect(res.status).toBeLessThan(500);
        expectProblem(res, 400, `${method} ${path}`);
      }),
      { numRuns: 150 },
    );
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });
});
