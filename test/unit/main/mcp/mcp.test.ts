import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, PromptListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { member, seedPrompt } from '../../../helpers/workspace';
import { http } from '../../../helpers/http';
import { createPrompt, setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { CreatePromptInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { listLogs } from '../../../../src/main/core/logs/logs-service';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';

let t: TestHost;
let provider: FakeProvider;
let bobKey: string;

beforeAll(async () => {
  t = await startTestHost();
  provider = await startFakeProvider();
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'fake', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  member(t.owner, 'bob@example.com');
  bobKey = createKey(t.owner, { userEmail: 'bob@example.com', label: 'mcp' }).key;
  // greet: a chat template with a system message, one required and one defaulted variable.
  createPrompt(t.owner, CreatePromptInput.parse({ name: 'greet', title: 'Greeter', description: 'Greets someone' }));
  setApiSettings(t.owner, { name: 'greet', apiAccess: true });
  saveVersion(
    t.owner,
    SaveVersionInput.parse({
      name: 'greet',
      template: {
        kind: 'chat',
        messages: [
          { role: 'system', content: 'Be warm.' },
          { role: 'user', content: 'Hello {{person}}, welcome to {{place}}' },
        ],
      },
      variables: [
        { name: 'person', description: 'Who to greet' },
        { name: 'place', default: 'Paris' },
      ],
    }),
  );
  setSharingLevel(t.owner, { name: 'greet', level: 'library_view' });
  // runonly: Chat only, Bob may run it but not read it. secret: private, hidden from Bob.
  seedPrompt(t.owner, 'runonly', 'Secret recipe for {{dish}} welcome', { api: true });
  setSharingLevel(t.owner, { name: 'runonly', level: 'chat_only' });
  seedPrompt(t.owner, 'secret', 'Hidden welcome text', { api: true });
});
afterAll(async () => {
  await provider.close();
  await t.stop();
});

type Door = 'stdio' | 'http';

/** The stdio child's change-stream trace (PROMPTDESK_TRACE_CHANGES), its last lines: shown when a notification does not come. */
const childTrace: string[] = [];

/** Settles once an HTTP client's standing GET stream (where server notifications go) is open. */
let standingStream: Promise<void>;

/** An SDK client connected as Bob over `door`: the CLI spawned (stdio), or /mcp on the test host. */
async function connect(door: Door): Promise<Client> {
  const client = new Client({ name: 'promptdesk-test', version: '1.0.0' });
  if (door === 'stdio') {
    // `node --import tsx` runs the CLI from source, as the durability test spawns `serve`.
    const args = ['--import', 'tsx', 'src/main/headless/cli.ts', 'mcp', '--data-dir', t.host.workspace.dataDir, '--key', bobKey];
    const transport = new StdioClientTransport({
      command: process.execPath,
      args,
      cwd: process.cwd(),
      env: { ...getDefaultEnvironment(), PROMPTDESK_TRACE_CHANGES: '1' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      childTrace.push(...chunk.toString().split('\n').filter(Boolean));
      childTrace.splice(0, Math.max(0, childTrace.length - 60));
    });
    await client.connect(transport);
  } else {
    const url = new URL(`http://127.0.0.1:${t.port}/mcp`);
    let opened: () => void;
    standingStream = new Promise((resolve) => (opened = resolve));
    const watching: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'GET' && response.ok) opened();
      return response;
    };
    await client.connect(new StreamableHTTPClientTransport(url, { fetch: watching, requestInit: { headers: { Authorization: `Bearer ${bobKey}` } } }));
  }
  return client;
}

/** The JSON-RPC error a request failed with. */
async function rpcError(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

/** Saves made by the list_changed case (a retry must save a new version, not the same text again). */
let saves = 0;

const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

describe.each<Door>(['stdio', 'http'])('MCP over %s, as a member', (door) => {
  let client: Client;
  beforeAll(async () => {
    client = await connect(door);
  }, 30_000);
  afterAll(async () => {
    await client.close();
  });

  it('prompts/list: the prompts the member may run, with variables as arguments; hidden prompts absent', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['greet', 'runonly']);
    expect(prompts.find((p) => p.name === 'greet')).toEqual({
      name: 'greet',
      title: 'Greeter',
      description: 'Greets someone',
      arguments: [
        { name: 'person', description: 'Who to greet', required: true },
        { name: 'place', required: false },
      ],
    });
    expect(client.getServerCapabilities()?.prompts).toBeDefined();
  });

  it('prompts/get renders the served version with the arguments; system text becomes a prefixed user message', async () => {
    const result = await client.getPrompt({ name: 'greet', arguments: { person: 'Ada' } });
    expect(result.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'System instructions:\n\nBe warm.' } },
      { role: 'user', content: { type: 'text', text: 'Hello Ada, welcome to Paris' } },
    ]);
  });

  it('prompts/get without a required argument: InvalidParams naming it', async () => {
    const error = await rpcError(client.getPrompt({ name: 'greet', arguments: { place: 'Rome' } }));
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('"person"');
    expect(error.data).toEqual({ code: 'invalid_input', field: 'variables.person' });
  });

  it('a hidden prompt answers exactly as a missing one', async () => {
    const hidden = await rpcError(client.getPrompt({ name: 'secret' }));
    const missing = await rpcError(client.getPrompt({ name: 'no-such-prompt' }));
    expect({ code: hidden.code, message: hidden.message.replace('secret', 'X'), data: hidden.data }).toEqual({
      code: missing.code,
      message: missing.message.replace('no-such-prompt', 'X'),
      data: missing.data,
    });
    const run = await client.callTool({ name: 'run_prompt', arguments: { name: 'secret', model: 'fake:echo' } });
    const runMissing = await client.callTool({ name: 'run_prompt', arguments: { name: 'no-such-prompt', model: 'fake:echo' } });
    expect(run).toEqual(runMissing);
  });

  it('a run-only prompt: prompts/get refuses its text and points at run_prompt', async () => {
    const error = await rpcError(client.getPrompt({ name: 'runonly', arguments: { dish: 'soup' } }));
    expect(error.code).toBe(ErrorCode.InvalidRequest);
    expect(error.message).toContain('run_prompt');
    expect(error.message).not.toContain('Secret recipe');
  });

  it('run_prompt runs on the model and is logged with source mcp', async () => {
    const before = listLogs(t.owner, ListLogsInput.parse({ source: 'mcp' })).items.length;
    const result = (await client.callTool({ name: 'run_prompt', arguments: { name: 'runonly', arguments: { dish: 'soup' }, model: 'fake:echo' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(textOf(result).length).toBeGreaterThan(0);
    const logs = listLogs(t.owner, ListLogsInput.parse({ source: 'mcp' }));
    expect(logs.items).toHaveLength(before + 1);
    expect(logs.items[0]).toMatchObject({ source: 'mcp', status: 'success', user: { name: 'bob' } });
  });

  it('run_prompt without a required argument: a tool error naming it', async () => {
    const result = (await client.callTool({ name: 'run_prompt', arguments: { name: 'runonly', model: 'fake:echo' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('"dish"');
  });

  // Open: in 2 of 4 full-suite runs on a clean clone (CI at stop 17, and 7fad9d4 here) the stdio
  // door sent no notification within 20 s after this save, while every isolated, loaded and
  // full-suite run since has passed (a feed trace showed nothing lost). A retry saves again on the
  // same connection: it passes if the stream still delivers, and fails if the subscription died.
  it('a version saved elsewhere (stdio: in another process) sends notifications/prompts/list_changed', { retry: door === 'stdio' ? 2 : 0 }, async () => {
    expect(client.getServerCapabilities()?.prompts).toEqual({ listChanged: true });
    if (door === 'http') await standingStream;
    // A notification for an earlier write (polled late under load) may come first; what the client
    // relies on is that one arrives after the save, so each notification triggers a re-list.
    let notified: () => void = () => undefined;
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => notified());
    const nextNotification = () => new Promise<void>((resolve) => (notified = resolve));
    let changed = nextNotification();
    saveVersion(
      t.owner,
      SaveVersionInput.parse({
        name: 'runonly',
        template: { kind: 'text', text: `Recipe for {{dish}} and {{side}} welcome (${door}, save ${++saves})` },
        variables: [{ name: 'side', default: 'bread' }],
      }),
    );
    let argumentsListed: unknown;
    for (let notifications = 0; notifications < 5; notifications++) {
      // No notification within 15 s: fail with what the child's change stream did (stdio only).
      let waited: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        waited = setTimeout(() => reject(new Error(door === 'stdio' ? `no list_changed within 15 s; the stdio server's change stream:\n${childTrace.join('\n')}` : 'no list_changed within 15 s')), 15_000);
      });
      await Promise.race([changed, late]).finally(() => clearTimeout(waited));
      changed = nextNotification();
      const { prompts } = await client.listPrompts();
      argumentsListed = prompts.find((p) => p.name === 'runonly')?.arguments;
      if (Array.isArray(argumentsListed) && argumentsListed.length === 2) break;
    }
    expect(argumentsListed).toEqual([
      { name: 'dish', required: true },
      { name: 'side', required: false },
    ]);
  });

  it('search_prompts finds what the member may see, never a hidden prompt', async () => {
    const result = (await client.callTool({ name: 'search_prompts', arguments: { query: 'welcome' } })) as CallToolResult;
    expect(textOf(result)).toContain('greet');
    expect(textOf(result)).not.toContain('secret');
  });
});

describe('MCP over Streamable HTTP: the API door rules', () => {
  const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

  it('needs a key: without one, 401 problem+json', async () => {
    const res = await http(t.port, 'POST', '/mcp', { headers, body: JSON.stringify(initialize) });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses a foreign Origin before anything runs', async () => {
    const res = await http(t.port, 'POST', '/mcp', { headers: { ...headers, authorization: `Bearer ${bobKey}`, origin: 'http://evil.example' }, body: JSON.stringify(initialize) });
    expect(res.status).toBe(403);
  });

  it("a session belongs to the key that opened it: another key's request is the unknown session's 404", async () => {
    const opened = await http(t.port, 'POST', '/mcp', { headers: { ...headers, authorization: `Bearer ${bobKey}` }, body: JSON.stringify(initialize) });
    expect(opened.status).toBe(200);
    const session = opened.headers['mcp-session-id'] as string;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const sessionHeaders = { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    const owners = await http(t.port, 'POST', '/mcp', { headers: { ...sessionHeaders, authorization: `Bearer ${t.key}` }, body: list });
    const unknown = await http(t.port, 'POST', '/mcp', { headers: { ...sessionHeaders, 'mcp-session-id': '00000000-0000-0000-0000-000000000000', authorization: `Bearer ${bobKey}` }, body: list });
    expect(owners.status).toBe(404);
    expect(owners.text).toBe(unknown.text);
    const bobs = await http(t.port, 'POST', '/mcp', { headers: { ...sessionHeaders, authorization: `Bearer ${bobKey}` }, body: list });
    expect(bobs.status).toBe(200);
    expect(bobs.json().result.tools.map((tool: { name: string }) => tool.name)).toEqual(['run_prompt', 'search_prompts']);
    const closed = await http(t.port, 'DELETE', '/mcp', { headers: { ...sessionHeaders, authorization: `Bearer ${bobKey}` } });
    expect(closed.status).toBe(200);
    expect((await http(t.port, 'POST', '/mcp', { headers: { ...sessionHeaders, authorization: `Bearer ${bobKey}` }, body: list })).status).toBe(404);
  });
});

describe('promptdesk mcp (stdio)', () => {
  it('refuses an unknown key before serving: exit 1, the reason on stderr, nothing on stdout', () => {
    const args = ['--import', 'tsx', 'src/main/headless/cli.ts', 'mcp', '--data-dir', t.host.workspace.dataDir, '--key', 'pd_not_a_key'];
    const child = spawnSync(process.execPath, args, { cwd: process.cwd(), input: '', encoding: 'utf8', timeout: 60_000 });
    expect({ status: child.status, stdout: child.stdout }).toEqual({ status: 1, stdout: '' });
    expect(child.stderr).toContain('API key');
  });
});
