import { expect, openApp, screenshot, test } from './fixtures';
import { bridge, nav } from './flows';
import { startFakeProvider } from '../helpers/fake-provider';
import { startOtlpReceiver } from '../helpers/otlp-receiver';

test('Settings → Telemetry: a bad URL is refused at the field; a saved collector gets a test span and every run', async ({ page, server, apiKey }) => {
  const provider = await startFakeProvider();
  const receiver = await startOtlpReceiver();
  try {
    await bridge(server, 'integrations:save', { name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] });
    await bridge(server, 'prompts:create', { name: 'greet', title: 'Greet' });
    await bridge(server, 'versions:save', { name: 'greet', template: { kind: 'text', text: 'Hello {{who}}' }, modelSettings: { models: ['local:echo'] } });
    await bridge(server, 'prompts:set-api', { name: 'greet', apiAccess: true });

    await openApp(page, server);
    await nav(page, 'Settings');
    const section = page.getByRole('region', { name: 'Telemetry' });
    const url = section.getByLabel('Collector URL');
    await section.getByRole('switch', { name: 'Export runs' }).check();
    await url.fill('ftp://collector:21/v1/traces');
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(url).toHaveAccessibleDescription(/Use an http:\/\/ or https:\/\/ URL/);
    expect(await bridge<{ settings: { enabled: boolean } }>(server, 'telemetry:status', {})).toMatchObject({ settings: { enabled: false } });

    await url.fill(receiver.url);
    await section.getByLabel('Headers').fill('Authorization=Basic%20cGs6c2stc2VjcmV0LXZhbHVl');
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(section.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await section.getByRole('button', { name: 'Send a test span' }).click();
    await expect(section.getByRole('status').filter({ hasText: 'took the test span' })).toBeVisible();

    const run = await fetch(`${server.url}/api/v1/prompts/greet/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { who: 'Ada' } }),
    });
    expect(run.status).toBe(200);
    const spans = await receiver.waitForSpans(2);
    expect(spans.map((s) => s.name).sort()).toEqual(['chat echo', 'promptdesk test span']);
    expect(receiver.requests.at(-1)!.headers['authorization']).toBe('Basic cGs6c2stc2VjcmV0LXZhbHVl');
    // The counters follow (refetched while the section is open); the header is only hinted at.
    await expect(section.getByText('Exported', { exact: true }).locator('xpath=..')).toContainText('1');
    await expect(section).not.toContainText('cGs6c2stc2VjcmV0LXZhbHVl');
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-telemetry');
  } finally {
    await provider.close();
    await receiver.close();
  }
});
