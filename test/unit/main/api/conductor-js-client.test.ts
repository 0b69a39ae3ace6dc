import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orkesConductorClient, PromptClient } from '@io-orkes/conductor-javascript';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { createKey, revokeKey } from '../../../../src/main/core/keys/keys-service';
import { createPrompt, getPrompt } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { listLogs } from '../../../../src/main/core/logs/logs-service';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';
import { AddUserInput } from '../../../../src/shared/schemas/users';
import { addUser } from '../../../../src/main/core/users/users-service';
import { CONDUCTOR_TEST_NAME } from '../../../../src/main/core/compat/conductor-test';
import { TOKEN_LIFETIME_MS } from '../../../../src/main/core/keys/tokens';
import type { Clock } from '../../../../src/main/core/context';

/**
 * Conductor's real JavaScript client (`@io-orkes/conductor-javascript` 4.0.0, its PromptClient
 * and its keyId/keySecret token handling) against /compat/conductor, changing only the base URL.
 */

interface Seen {
  method: string;
  path: string;
  status: number;
  error?: string;
}

let t: TestHost;
let provider: FakeProvider;
const seen: Seen[] = [];

/** The SDK's fetch, recording what it sent and what came back (the token renewals are checked from it). */
const recordingFetch: typeof fetch = async (input, init) => {
  // Duck-typed: the SDK's Request may come from another realm than this file's, and building a
  // Request from it here would spend its body.
  const asRequest = typeof input === 'object' && 'method' in input ? (input as { method: string; url: string }) : undefined;
  const method = asRequest?.method ?? init?.method ?? 'GET';
  const url = asRequest?.url ?? String(input);
  const response = await fetch(input, init);
  let error: string | undefined;
  if (response.status === 401) error = ((await response.clone().json()) as { error?: string }).error;
  seen.push({ method, path: new URL(url).pathname, status: response.status, error });
  return response;
};

async function promptClientFor(keyId: string, keySecret: string) {
  const client = await orkesConductorClient({ serverUrl: `http://127.0.0.1:${t.port}/compat/conductor`, keyId, keySecret, refreshTokenInterval: 0 }, recordingFetch);
  return { prompts: new PromptClient(client), stop: () => client.stopBackgroundRefresh() };
}

/** The key's visible id (its prefix, as Settings > API keys shows it). */
const keyIdOf = (key: string) => key.slice(0, 15);

let prompts: PromptClient;
let stop: () => void;

beforeAll(async () => {
  t = await startTestHost();
  provider = await startFakeProvider();
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'fake', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  ({ prompts, stop } = await promptClientFor(keyIdOf(t.key), t.key));
});
afterAll(async () => {
  stop();
  await provider.close();
  await t.stop();
});

// Line breaks, quotes, a backslash and non-ASCII: the SDK sends it JSON-encoded.
// Conductor's ${name} variables are Promptdesk's {{name}} (conductor-syntax.ts).
const TEMPLATE = 'You are "helpful".\nAnswer: ${question} \\ café';

describe('PromptClient (javascript-sdk) against /compat/conductor', () => {
  it('authenticates with keyId/keySecret: POST /api/token, then X-Authorization on every call', () => {
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/compat/conductor/api/token', status: 200 });
  });

  it('savePrompt then getPrompt: the text as written, in the MessageTemplate shape', async () => {
    await prompts.savePrompt('js-greet', 'A greeting', TEMPLATE);
    const got = await prompts.getPrompt('js-greet');
    expect(got).toMatchObject({ name: 'js-greet', description: 'A greeting', template: TEMPLATE, variables: ['question'], integrations: [], tags: [], version: 1, createdBy: t.owner.actor.email, updatedBy: t.owner.actor.email });
    expect(typeof got.createTime).toBe('number');
    expect(got.updateTime).toBeGreaterThanOrEqual(got.createTime!);
    expect(getPrompt(t.owner, 'js-greet').latest?.template).toEqual({ kind: 'text', text: TEMPLATE.replace('${question}', '{{question}}') });
  });

  it('updatePrompt (PUT) changes the text and description; savePrompt with models associates them', async () => {
    await prompts.updatePrompt('js-greet', 'Updated', 'Now: ${question}');
    expect(await prompts.getPrompt('js-greet')).toMatchObject({ description: 'Updated', template: 'Now: ${question}' });
    await prompts.savePrompt('js-greet', 'Updated', 'Now: ${question}', ['fake:echo']);
    expect((await prompts.getPrompt('js-greet')).integrations).toEqual(['fake:echo']);
  });

  it('getPrompts lists the prompts the caller may read', async () => {
    const all = await prompts.getPrompts();
    expect(all.map((p) => p.name)).toContain('js-greet');
    expect(all.find((p) => p.name === 'js-greet')).toMatchObject({ template: 'Now: ${question}' });
  });

  it('setPromptTags adds {key, value} tags, getPromptTags reads them, deletePromptTags removes one', async () => {
    await prompts.setPromptTags('js-greet', [
      { key: 'category', type: 'METADATA', value: 'qa' },
      { key: 'version', type: 'METADATA', value: 'v1' },
    ]);
    expect(await prompts.getPromptTags('js-greet')).toEqual([
      { key: 'category', value: 'qa', type: 'METADATA' },
      { key: 'version', value: 'v1', type: 'METADATA' },
    ]);
    expect(getPrompt(t.owner, 'js-greet').tags).toEqual(['category:qa', 'version:v1']);
    await prompts.deletePromptTags('js-greet', [{ key: 'version', type: 'METADATA', value: 'v1' }]);
    expect(await prompts.getPromptTags('js-greet')).toEqual([{ key: 'category', value: 'qa', type: 'METADATA' }]);
    expect((await prompts.getPrompt('js-greet')).tags).toEqual([{ key: 'category', value: 'qa', type: 'METADATA' }]);
  });

  it('a tag Promptdesk cannot keep as sent (upper case) is refused with the message the SDK reports', async () => {
    await expect(prompts.setPromptTags('js-greet', [{ key: 'Team', value: 'A' }])).rejects.toThrow(/Failed to set tags for prompt 'js-greet': Promptdesk tags are lower case/);
    expect(getPrompt(t.owner, 'js-greet').tags).toEqual(['category:qa']);
  });

  it('testPrompt renders and runs on the integration, answers the model text, logged with source api', async () => {
    const before = provider.requests.length;
    const out = await prompts.testPrompt({ prompt: 'Say ${word}', promptVariables: { word: 'hello' }, llmProvider: 'fake', model: 'echo', temperature: 0.2, topP: 0.9, stopWords: ['END'] });
    expect(typeof out).toBe('string');
    expect(out).toContain('Say hello');
    const sent = provider.requests[before]!;
    expect(sent.body).toMatchObject({ model: 'echo', temperature: 0.2, top_p: 0.9, stop: ['END'] });
    const logs = listLogs(t.owner, ListLogsInput.parse({ source: 'api' })).items.filter((l) => l.prompt === CONDUCTOR_TEST_NAME);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ source: 'api', status: 'success', model: 'fake:echo', promptId: null });
  });

  it('testPrompt with an unknown integration rejects with the server message', async () => {
    await expect(prompts.testPrompt({ prompt: 'x', llmProvider: 'nope', model: 'm' })).rejects.toThrow(/Failed to test prompt: .*not found/);
  });

  it('deletePrompt, then getPrompt rejects as for a prompt that never existed', async () => {
    await prompts.deletePrompt('js-greet');
    const missing = await prompts.getPrompt('js-greet').catch((e: Error) => e.message);
    const never = await prompts.getPrompt('never-was').catch((e: Error) => e.message);
    expect(missing).toBe("Failed to get prompt 'js-greet': Prompt not found");
    expect(never).toBe("Failed to get prompt 'never-was': Prompt not found");
    await expect(prompts.deletePrompt('never-was')).rejects.toThrow("Failed to delete prompt 'never-was': Prompt not found");
  });

  it("another member's private prompt answers exactly as a missing one, naming nothing", async () => {
    const bob = addUser(t.owner, AddUserInput.parse({ email: 'bob@example.com', name: 'Bob', role: 'member' }));
    const bobCtx = t.host.workspace.as(bob.id);
    createPrompt(bobCtx, { name: 'bob-secret', title: 'Secret', description: '', tags: [], slashCommand: null });
    saveVersion(bobCtx, { name: 'bob-secret', template: { kind: 'text', text: 'hidden' }, variables: [], modelSettings: { models: [] }, commitMessage: '' });
    const hidden = await prompts.getPrompt('bob-secret').catch((e: Error) => e.message);
    expect(hidden).toBe("Failed to get prompt 'bob-secret': Prompt not found");
    await expect(prompts.getPromptTags('bob-secret')).rejects.toThrow("Failed to get tags for prompt 'bob-secret': Prompt not found");
    expect((await prompts.getPrompts()).map((p) => p.name)).not.toContain('bob-secret');
  });

  it('an expired token: the server answers 401 EXPIRED_TOKEN, the SDK gets a new token and the call succeeds', async () => {
    const real = t.host.workspace.clock;
    const later: Clock = { now: () => new Date(real.now().getTime() + TOKEN_LIFETIME_MS + 60_000) };
    t.host.workspace.clock = later;
    try {
      seen.length = 0;
      await prompts.savePrompt('js-after-expiry', 'd', 'still works');
      expect(seen.map((s) => [s.method, s.path, s.status, s.error])).toEqual([
        ['POST', '/compat/conductor/api/prompts/js-after-expiry', 401, 'EXPIRED_TOKEN'],
        ['POST', '/compat/conductor/api/token', 200, undefined],
        ['POST', '/compat/conductor/api/prompts/js-after-expiry', 200, undefined],
      ]);
    } finally {
      t.host.workspace.clock = real;
    }
  });

  it('a wrong keySecret: the SDK reports the server message from every token attempt, and gives up', async () => {
    // The SDK waits 1, 2, 4... seconds between its 8 attempts (handleAuth.ts); its own timers are
    // shortened here (Node's fetch keeps its own), so the attempts themselves are what is checked.
    const realSetTimeout = globalThis.setTimeout;
    // Node's fetch (undici) arms its parser and keep-alive timers with the same global: shortened,
    // they fired on a freed parser (an unhandled TypeError "reading 'deref'"), so they keep theirs.
    const sdkWait = (ms?: number) => ms !== undefined && ms >= 1000 && !new Error().stack?.includes('undici');
    globalThis.setTimeout = ((fn: () => void, ms?: number) => realSetTimeout(fn, sdkWait(ms) ? 0 : ms)) as typeof setTimeout;
    seen.length = 0;
    try {
      const failed = await promptClientFor(keyIdOf(t.key), `${t.key.slice(0, -1)}${t.key.endsWith('A') ? 'B' : 'A'}`).catch((e: Error) => e);
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toBe('Failed to generate authorization token: Invalid keyId or keySecret (HTTP 401)');
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    const attempts = seen.filter((s) => s.path.endsWith('/api/token'));
    expect(attempts.length).toBeGreaterThan(1);
    // 401 until the auth throttle steps in (429), never a token.
    expect(attempts.every((s) => s.status === 401 || s.status === 429)).toBe(true);
  });

  it('a revoked key: its tokens die with it (401 INVALID_TOKEN, renewal refused), the call rejects', async () => {
    const { key, info } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'short-lived' });
    const other = await promptClientFor(info.prefix, key);
    try {
      await other.prompts.savePrompt('js-revoked', 'd', 'before');
      revokeKey(t.owner, info.id);
      seen.length = 0;
      await expect(other.prompts.getPrompt('js-revoked')).rejects.toThrow(/Failed to get prompt 'js-revoked'/);
      expect(seen[0]).toMatchObject({ status: 401, error: 'INVALID_TOKEN' });
      expect(seen.some((s) => s.path.endsWith('/api/token') && s.status === 401)).toBe(true);
    } finally {
      other.stop();
    }
  });
});
