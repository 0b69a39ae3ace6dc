/**
 * The OpenAPI document's 200 answers of /run and /refine (api/openapi-answers.ts): documented as
 * JSON schemas, and every real answer (JSON and the SSE `done` event, refine with and without a
 * proposal) is exactly what they describe (no field missing, none undocumented).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, sseEvents } from '../../../helpers/http';
import { seedPrompt } from '../../../helpers/workspace';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { RefineAnswerSchema, RunAnswerSchema } from '../../../../src/main/api/openapi-answers';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';

let provider: FakeProvider;
let t: TestHost;
beforeAll(async () => {
  provider = await startFakeProvider();
  t = await startTestHost();
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  seedPrompt(t.owner, 'greet', 'Say hello to {{name}}', { api: true });
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

const REVISED = 'Warmer.\n<revision>\nSay a warm hello to {{name}}\n</revision>';
const operations = [
  { path: '/api/v1/prompts/{name}/run', url: '/api/v1/prompts/greet/run', schema: RunAnswerSchema, bodies: [{ variables: { name: 'Ada' }, model: 'local:echo' }] },
  {
    path: '/api/v1/prompts/{name}/refine',
    url: '/api/v1/prompts/greet/refine',
    schema: RefineAnswerSchema,
    bodies: [
      { messages: [{ role: 'user', content: REVISED }], model: 'local:echo' },
      { messages: [{ role: 'user', content: 'Who reads this?' }], model: 'local:echo' },
    ],
  },
];

describe('OpenAPI 200 answers of the model-calling operations', () => {
  for (const op of operations) {
    it(`${op.path}: documented, and every answer (JSON and SSE done) is exactly that shape`, async () => {
      const doc = (await http(t.port, 'GET', '/api/v1/openapi.json')).json() as { paths: Record<string, { post: { responses: Record<string, { content?: Record<string, { schema: { properties: object; required: string[] } }> }> } }> };
      const documented = doc.paths[op.path]!.post.responses['200']!.content?.['application/json']?.schema;
      expect(documented).toBeDefined();
      expect(Object.keys(documented!.properties).sort()).toEqual(Object.keys(op.schema.shape).sort());
      expect([...documented!.required].sort()).toEqual(Object.keys(op.schema.shape).sort());
      for (const body of op.bodies) {
        const json = await t.call('POST', op.url, body);
        expect(json.status).toBe(200);
        expect(op.schema.strict().safeParse(json.json()).error?.issues).toBeUndefined();
        const streamed = await t.call('POST', op.url, { ...body, stream: true });
        const done = sseEvents(streamed.text).find(([event]) => event === 'done');
        expect(done).toBeDefined();
        expect(op.schema.strict().safeParse(done![1]).error?.issues).toBeUndefined();
      }
    });
  }
});
