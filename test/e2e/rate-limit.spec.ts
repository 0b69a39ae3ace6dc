import { expect, openApp, screenshot, test } from './fixtures';
import { bridge, nav } from './flows';

interface RateLimitState {
  perSecond: number;
  burst: number;
  saved: number;
  fromFlag: boolean;
}

test('Settings → API rate limit: a bad value is refused next to the field; a saved one applies to the next request', async ({ page, server, apiKey }) => {
  await bridge(server, 'prompts:create', { name: 'greet', title: 'Greet' });
  await bridge(server, 'versions:save', { name: 'greet', template: { kind: 'text', text: 'Hello {{who}}' } });
  await bridge(server, 'prompts:set-api', { name: 'greet', apiAccess: true });
  const render = () =>
    fetch(`${server.url}/api/v1/prompts/greet/render`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { who: 'Ada' } }),
    }).then(async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') }));

  await openApp(page, server);
  await nav(page, 'Settings');
  // Scoped to its section: other Settings sections have a Save button too.
  const section = page.getByRole('region', { name: 'API rate limit' });
  const field = section.getByLabel('Requests per second per key');
  await expect(field).toHaveValue('1000');

  // Not a whole number: the core's message next to the field, and nothing saved.
  await field.fill('1.5');
  await section.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(field).toHaveAccessibleDescription(/whole number of requests per second per key, from 0 \(no limit\) to 1,000,000/);
  await field.evaluate((el) => (el as unknown as { scrollIntoView(options: object): void }).scrollIntoView({ block: 'center' }));
  await screenshot(page, 'settings-rate-limit-invalid');
  expect(await bridge<RateLimitState>(server, 'keys:rateLimit', {})).toMatchObject({ perSecond: 1000, saved: 1000 });

  // 2 per second (burst 4): without a restart, a quick run of requests from one key meets 429.
  await field.fill('2');
  await section.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(section.getByRole('status').filter({ hasText: 'Saved: 2 requests/s per key.' })).toBeVisible();
  await field.evaluate((el) => (el as unknown as { scrollIntoView(options: object): void }).scrollIntoView({ block: 'center' }));
  await screenshot(page, 'settings-rate-limit-saved');
  const answers = [];
  for (let i = 0; i < 8; i++) answers.push(await render());
  const refused = answers.filter((a) => a.status === 429);
  expect(answers.slice(0, 4).map((a) => a.status)).toEqual([200, 200, 200, 200]);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]).toMatchObject({ type: 'application/problem+json', retryAfter: expect.stringMatching(/^\d+$/) });

  // 0: off, for the next request on.
  await field.fill('0');
  await section.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(section.getByRole('status').filter({ hasText: 'Saved: no limit.' })).toBeVisible();
  const statuses = await Promise.all(Array.from({ length: 40 }, () => render().then((a) => a.status)));
  expect(new Set(statuses)).toEqual(new Set([200]));
});
