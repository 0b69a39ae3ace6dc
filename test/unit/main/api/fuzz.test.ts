import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { seedPrompt } from '../../../helpers/workspace';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost({ limits: { perKeyPerSecond: 1e6, perKeyBurst: 1e6, failedAuthPerMinute: 1e6 } });
  seedPrompt(t.owner, 'greet', 'Hello {{name}}', { api: true });
  saveVersion(t.owner, SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'Hi {{name}}' } }));
});
afterAll(() => t.stop());

/** Everything a request could change, minus the key's last-used time (every authenticated call sets it). */
function fingerprint(): string {
  const db = t.host.workspace.store.db;
  const hash = createHash('sha256');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'prompts_fts%' ORDER BY name").all() as { name: string }[];
  for (const { name } of tables) {
    // Sorted in JS: WITHOUT ROWID tables have no rowid to order by.
    const rows = (db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    for (const row of rows) {
      if (name === 'api_keys') delete row['last_used_at'];
      hash.update(name + JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
    }
  }
  return hash.digest('hex');
}

const segment = fc.oneof(
  fc.constantFrom('greet', 'nope', '..', '%2e%2e', '%00', 'versions', '1', '0', '-1', '99999999999', 'render', 'promote', '__proto__', 'constructor', '%F0%9F%98%80', 'a%20b', '%2F', '%C0%AE', '%ZZ'),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);
const path = fc.oneof(
  fc.constantFrom('/api/v1/prompts', '/api/v1/prompts/greet', '/api/v1/prompts/greet/render', '/api/v1/prompts/greet/versions', '/api/v1/prompts/greet/versions/1/promote', '/api/v1/keys', '/api/v1/members', '/compat/respan/api/prompts/greet/deployments/', '/compat/openwebui/api/prompts/id/greet/update', '/compat/conductor/api/prompts/greet'),
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/api/v1/prompts/${parts.join('/')}`),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
);
const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc.constantFrom('{', '{"variables":', '[]', 'null', '{"variables":{"name":{"x":1}}}', '{"__proto__":{"a":1}}', '{"version":"3"}', '{"template":{"kind":"text","text":""}}', '{"template":{"kind":"text","text":"{{bad name}}"}}'),
  fc.string({ minLength: 1000, maxLength: 5000 }),
  fc.object().map((o) => JSON.stringify(o)),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE'),
  path,
  query: fc.option(fc.dictionary(fc.constantFrom('version', 'limit', 'offset', 'sort', 'query', 'from', 'to', 'description'), fc.string({ maxLength: 30 })), { nil: undefined }),
  contentType: fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', 'multipart/form-data'),
  body: fc.option(jsonish, { nil: undefined }),
  auth: fc.constantFrom('valid', 'none', 'garbage', 'x-authorization'),
});

describe('hostile and random requests', () => {
  it('never answer 5xx, always problem+json on error, and rejected requests change nothing', async () => {
    let before = fingerprint();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.auth === 'valid') headers['authorization'] = `Bearer ${t.key}`;
        if (r.auth === 'garbage') headers['authorization'] = 'Bearer pd_' + 'z'.repeat(55);
        if (r.auth === 'x-authorization') headers['x-authorization'] = t.key;
        if (r.contentType) headers['content-type'] = r.contentType;
        const query = r.query ? `?${new URLSearchParams(r.query as Record<string, string>).toString()}` : '';
        const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body;
        const res = await http(t.port, r.method, r.path + query, { headers, body });
        expect(res.status, `${r.method} ${r.path}${query} -> ${res.status} ${res.text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400) {
          if (r.method !== 'HEAD') expect(res.headers['content-type']).toBe('application/problem+json');
          const after = fingerprint();
          expect(after, `${r.method} ${r.path}${query} was refused (${res.status}) but changed data`).toBe(before);
        } else {
          before = fingerprint();
        }
      }),
      { numRuns: 2000, seed: 20261125 },
    );
  }, 120_000);
});
