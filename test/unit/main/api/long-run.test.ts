import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';

let provider: FakeProvider;
let t: TestHost;
beforeAll(async () => {
  provider = await startFakeProvider();
  t = await startTestHost({ timeouts: { headersMs: 300, requestMs: 600 } });
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['slow'] }));
  seedPrompt(t.owner, 'long', 'Repeat {{text}}', { api: true });
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

// The slow-client timeouts guard receiving a request; a model may take longer than that to answer.
it('answers a run that takes longer than the request timeout', async () => {
  const text = 'word '.repeat(40);
  const res = await t.call('POST', '/api/v1/prompts/long/run', { variables: { text }, model: 'local:slow' });
  expect(res.status).toBe(200);
  expect(res.json().latencyMs).toBeGreaterThan(600);
}, 20_000);
