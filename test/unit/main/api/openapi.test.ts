import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../../../src/main/api/app';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.stop());

const served = () => {
  const app = createApiApp({ workspace: t.host.workspace, version: 'test' });
  return new Set(
    app.routes
      .filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api/v1') || r.path.startsWith('/compat')))
      .map((r) => `${r.method.toLowerCase()} ${bare(r.path.replace(/:(\w+)/g, '{$1}'))}`),
  );
};

// A trailing slash is optional in every documented path (knownPathTest): a compat door serves both
// spellings when its product's clients use both (Respan's reference has the slash, its SDK does not).
const bare = (path: string) => path.replace(/(.)\/$/, '$1');

describe('OpenAPI document', () => {
  it('is served without a key as OpenAPI 3.1', async () => {
    const res = await http(t.port, 'GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'Promptdesk API' } });
  });

  it('documents every route the API serves, and every documented route exists', async () => {
    const doc = (await http(t.port, 'GET', '/api/v1/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${bare(path)}`)));
    const routes = served();
    expect([...routes].filter((r) => !documented.has(r)).sort()).toEqual([]);
    expect([...documented].filter((r) => !routes.has(r)).sort()).toEqual([]);
    expect(routes.size).toBeGreaterThan(40);
  });

  it('describes request bodies with the schemas the routes validate with', async () => {
    const doc = (await http(t.port, 'GET', '/api/v1/openapi.json')).json();
    const body = doc.paths['/api/v1/prompts/{name}/versions/{number}/promote'].post.requestBody.content['application/json'].schema;
    expect(body.properties).toHaveProperty('notes');
    const create = doc.paths['/api/v1/prompts'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['name', 'title']));
  });

  it('has a readable docs page with no scripts', async () => {
    const res = await http(t.port, 'GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('/api/v1/prompts/{name}/render');
    expect(res.text).not.toContain('<script');
  });
});
