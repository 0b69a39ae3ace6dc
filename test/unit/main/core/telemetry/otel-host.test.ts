import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHost } from '../../../../../src/main/host';
import { createKey } from '../../../../../src/main/core/keys/keys-service';
import { saveIntegration } from '../../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../../src/shared/schemas/integrations';
import { startFakeProvider, type FakeProvider } from '../../../../helpers/fake-provider';
import { startOtlpReceiver, type OtlpReceiver } from '../../../../helpers/otlp-receiver';
import { seedPrompt, tempDir } from '../../../../helpers/workspace';
import { http } from '../../../../helpers/http';

let provider: FakeProvider;
let receiver: OtlpReceiver;
beforeAll(async () => {
  provider = await startFakeProvider();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await provider.close();
  await receiver.close();
});

/**
 * The host as `serve --otlp-endpoint URL` starts it: the flag reaches the workspace's runtime and
 * a run over its HTTP API is exported.
 */
it('a host started with the --otlp-endpoint option exports the runs of its HTTP API', async () => {
  const dir = tempDir();
  const host = await startHost({ dataDir: dir.dir, mode: 'headless', port: 0, telemetry: { flagEndpoint: receiver.url, env: {}, limits: { scheduledDelayMs: 20 } } });
  try {
    const owner = host.workspace.as(host.workspace.owner.id);
    saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
    seedPrompt(owner, 'greet', 'Hello {{who}}', { api: true });
    const key = createKey(owner, { userEmail: owner.actor.email, label: 'otel' }).key;
    const answer = await http(host.server!.port, 'POST', '/api/v1/prompts/greet/run', {
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { who: 'Ada' }, model: 'local:echo' }),
    });
    expect(answer.status).toBe(200);
    const runId = answer.json().runId as string;
    const spans = await receiver.waitForSpans(1);
    expect(spans.map((s) => s.traceId)).toEqual([runId.replace(/-/g, '')]);
    expect(spans[0]!.attributes).toMatchObject({ 'promptdesk.run.source': 'api', 'gen_ai.request.model': 'echo', 'promptdesk.prompt.name': 'greet' });
  } finally {
    await host.close();
    dir.cleanup();
  }
});
