/**
 * A provider that was reached but answered something unreadable (HTML with 200, an event stream
 * whose events are not JSON) is reported as answering unreadably, not as "could not be reached"
 * (core/runs/run-errors.ts), for both provider protocols; a server that is not there still is.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { StartRunInput } from '../../../../src/shared/schemas/runs';

/** Bodies a server that is not a model API answers with 200, by model name. */
const BODIES: Record<string, { type: string; body: string }> = {
  html: { type: 'text/html', body: '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>' },
  garbage: { type: 'text/event-stream', body: 'data: hello there\n\ndata: not json either\n\n' },
  json: { type: 'application/json', body: '{"unexpected":"shape"}' },
};

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const model = String((JSON.parse(raw || '{}') as { model?: string }).model ?? 'html');
      const answer = BODIES[model] ?? BODIES.html!;
      res.writeHead(200, { 'content-type': answer.type });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let t: ReturnType<typeof testWorkspace>;
let owner: Ctx;
beforeEach(() => {
  t = testWorkspace();
  owner = t.owner;
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${url}/v1`, models: Object.keys(BODIES) }));
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'claude', kind: 'anthropic', baseUrl: `${url}/v1`, apiKey: 'sk-ant-x', models: Object.keys(BODIES) }));
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'gone', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['x'] }));
  seedPrompt(owner, 'greet', 'Say hello to {{name}}');
});
afterEach(() => t.cleanup());

async function errorOf(model: string): Promise<string | null> {
  const { runId } = startRun(owner, StartRunInput.parse({ name: 'greet', variables: { name: 'Ada' }, model }));
  let progress = await watchRun(owner, { runId, cursor: 0 });
  while (progress.status === 'running') progress = await watchRun(owner, { runId, cursor: progress.cursor });
  return progress.status === 'error' ? progress.error!.message : `status ${progress.status}: ${progress.text}`;
}

describe('a provider reached but unreadable is not "could not be reached"', () => {
  for (const integration of ['local', 'claude']) {
    for (const model of Object.keys(BODIES)) {
      it(`${integration}:${model}`, async () => {
        const message = await errorOf(`${integration}:${model}`);
        expect(message).not.toContain('could not be reached');
        expect(message).toMatch(new RegExp(`^${integration} answered, but not as a model API answers`));
      });
    }
  }

  it('a server that is not there still could not be reached', async () => {
    expect(await errorOf('gone:x')).toMatch(/^gone could not be reached/);
  });
});
