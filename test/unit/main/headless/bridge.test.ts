import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../../../helpers/http';
import { startBridgeHost, type BridgeHost } from '../../../helpers/host';

let TOKEN = '';
let port: number;
let served: BridgeHost;

beforeAll(async () => {
  served = await startBridgeHost();
  ({ port, ownerToken: TOKEN } = served);
});
afterAll(() => served.stop());

const call = (channel: string, body: unknown, token = TOKEN) => served.bridge(channel, body, token);

describe('headless bridge', () => {
  it('runs contract calls for the session holder, as the workspace owner', async () => {
    const info = (await call('app:info', {})).json();
    expect(info).toMatchObject({ ok: true, value: { mode: 'headless', currentUser: { role: 'admin' }, api: { port } } });
    const created = (await call('prompts:create', { name: 'p1', title: 'P1' })).json();
    expect(created).toMatchObject({ ok: true, value: { name: 'p1' } });
  });

  it('returns contract errors as results with the field at fault', async () => {
    const result = (await call('prompts:create', { name: 'bad name', title: 'x' })).json();
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'name' } });
  });

  it('refuses a missing or wrong session token', async () => {
    expect((await call('prompts:list', {}, '')).status).toBe(401);
    expect((await call('prompts:list', {}, 'x'.repeat(TOKEN.length))).status).toBe(401);
  });

  it('refuses channels outside the contract', async () => {
    expect((await call('shell:open', {})).status).toBe(404);
    expect((await call('__proto__', {})).status).toBe(404);
  });

  it('serves the renderer with a strict CSP at its entry path, and no HTML for paths it does not have', async () => {
    const page = await http(port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('<title>app</title>');
    // The UI routes by #hash: any other path is a 404 problem, never the app's HTML.
    const other = await http(port, 'GET', '/prompts/anything');
    expect(other.status).toBe(404);
    expect(other.headers['content-type']).toBe('application/problem+json');
    const traversal = await http(port, 'GET', '/../../etc/passwd');
    expect(traversal.text).not.toContain('root:');
  });
});
