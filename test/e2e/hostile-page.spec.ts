import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cli, expect, test } from './fixtures';

/**
 * Issue 10 item 8 in a real browser: a page on another loopback port fires dozens of `<img>` and
 * no-cors requests at the API (keyless, over 127.0.0.1, localhost and [::1], with keys in the
 * URL, and sign-in attempts). Its own requests end up refused with 429, yet in the same browser
 * the app's tab still uses a valid key and signs in with it, and a script's valid key works over
 * IPv4 and IPv6.
 */
test('a hostile local page cannot get a valid key refused', async ({ page, context, server, dataDir }) => {
  await cli(['users', 'add', '--data-dir', dataDir, '--email', 'bob@example.com', '--name', 'Bob Member']);
  const key = await cli(['keys', 'create', '--data-dir', dataDir, '--user', 'bob@example.com']);
  const { port } = server;
  const targets: string[] = [];
  for (let i = 0; i < 20; i++) targets.push(`http://127.0.0.1:${port}/api/v1/prompts?i=${i}`);
  for (let i = 0; i < 10; i++) targets.push(`http://[::1]:${port}/api/v1/logs?i=${i}`);
  for (let i = 0; i < 10; i++) targets.push(`http://localhost:${port}/compat/respan/api/prompts/summary/?i=${i}`);
  for (let i = 0; i < 10; i++) targets.push(`http://127.0.0.1:${port}/api/v1/prompts/x?api_key=${key.slice(0, 16)}${i}`);
  const html = `<!doctype html><body>
${targets.map((t) => `<img src="${t}">`).join('\n')}
${targets.slice(0, 20).map((t) => `<img referrerpolicy="no-referrer" src="${t}&nr=1">`).join('\n')}
<script>
  for (let i = 0; i < 20; i++) fetch('http://127.0.0.1:${port}/api/v1/members?f=' + i, { mode: 'no-cors' }).catch(() => {});
  for (let i = 0; i < 10; i++) fetch('http://127.0.0.1:${port}/bridge/sign-in', { mode: 'no-cors', method: 'POST',
    headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ key: '${key.slice(0, 16)}' + 'A'.repeat(43) }) }).catch(() => {});
</script></body>`;
  const hostile: HttpServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  try {
    const evil = await context.newPage();
    const statuses: number[] = [];
    evil.on('response', (r) => {
      if (r.url().includes('/api/v1/members')) statuses.push(r.status());
    });
    for (let round = 0; round < 3; round++) {
      await evil.goto(`http://127.0.0.1:${(hostile.address() as AddressInfo).port}/?round=${round}`);
      await evil.waitForLoadState('networkidle');
    }
    // The flood did hit the limit: the page's own requests are refused.
    expect(statuses).toContain(429);

    // The app's tab in the same browser: a valid key works, in either header, and signs in.
    await page.goto(server.url);
    const fromApp = await page.evaluate(async (k) => {
      const get = async (path: string, headers: Record<string, string>) => (await fetch(path, { headers })).status;
      return {
        bearer: await get('/api/v1/prompts', { Authorization: `Bearer ${k}` }),
        xAuthorization: await get('/api/v1/prompts', { 'X-Authorization': k }),
        compat: await get('/compat/respan/api/prompts/summary/', { Authorization: `Bearer ${k}` }),
      };
    }, key);
    expect(fromApp).toEqual({ bearer: 200, xAuthorization: 200, compat: 200 });
    const signIn = page.getByRole('main', { name: 'Sign in to Promptdesk' });
    await signIn.getByLabel('API key').fill(key);
    await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Bob Member');

    // A script on this machine, over IPv4 and IPv6 loopback.
    for (const host of ['127.0.0.1', '[::1]']) {
      const res = await fetch(`http://${host}:${port}/api/v1/prompts`, { headers: { Authorization: `Bearer ${key}` } });
      expect(res.status, host).toBe(200);
    }
  } finally {
    await new Promise((resolve) => hostile.close(resolve));
  }
});
