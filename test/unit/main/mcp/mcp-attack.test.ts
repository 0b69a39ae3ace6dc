import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import { createMcpServer } from '../../../../src/main/mcp/mcp-server';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { authenticateKey, createKey, revokeKey, streamKeyCtx } from '../../../../src/main/core/keys/keys-service';
import type { KeyScope } from '../../../../src/shared/schemas/users';
import type { Ctx } from '../../../../src/main/core/context';

/*
 * Issue 13 attack F6 (stdio part) and F7 on the MCP server itself, through the SDK's own client
 * (an in-memory transport: the same server stdio and /mcp run). Keys are real: each request
 * checks its key again as the stdio door does.
 */

let env: ReturnType<typeof testWorkspace>;
const clients: Client[] = [];

/** An SDK client acting as bob with a fresh key of `scopes`; also the key's id (to revoke it). */
async function clientWith(scopes: KeyScope[]): Promise<{ client: Client; keyId: string }> {
  const bob = { ...env.owner, actor: env.workspace.store.users.getByEmail('bob@example.com')! };
  const { key } = createKey(env.owner, { userEmail: 'bob@example.com', label: `k${clients.length}`, scopes });
  const info = authenticateKey(env.workspace.store, env.workspace.clock, key).key;
  const base: Ctx = { ...bob, via: { kind: 'api', key: info, loopback: true } };
  const server = createMcpServer(() => streamKeyCtx(base, info.id), 'test');
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'attack', version: '1' });
  await client.connect(clientSide);
  clients.push(client);
  return { client, keyId: info.id };
}

async function failure(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}
const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

beforeAll(() => {
  env = testWorkspace();
  member(env.owner, 'bob@example.com');
  seedPrompt(env.owner, 'library-one', 'Hello {{who}} in the library', { api: true });
  setSharingLevel(env.owner, { name: 'library-one', level: 'library_view' });
  seedPrompt(env.owner, 'chat-only-one', 'Hidden words {{who}}', { api: true, title: 'Quarterly helper' });
  setSharingLevel(env.owner, { name: 'chat-only-one', level: 'chat_only' });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  env.cleanup();
});

describe('MCP: run is not read (F7)', () => {
  it('prompts/list and search_prompts need the run scope only; prompts/get needs read', async () => {
    const { client } = await clientWith(['run']);
    const listed = (await client.listPrompts()).prompts.map((p) => p.name).sort();
    expect(listed).toEqual(['chat-only-one', 'library-one']);
    const error = await failure(client.getPrompt({ name: 'library-one', arguments: { who: 'x' } }));
    expect(error.data).toMatchObject({ code: 'forbidden' });
    const reader = await clientWith(['read']);
    expect((await failure(reader.client.listPrompts())).message).toContain('"run" scope');
  });

  it('search_prompts finds every prompt prompts/list shows by its name and title, never by a run-only prompt\'s text', async () => {
    const { client } = await clientWith(['read', 'run']);
    for (const p of (await client.listPrompts()).prompts) {
      for (const query of [p.name, p.title!]) {
        const found = textOf((await client.callTool({ name: 'search_prompts', arguments: { query } })) as CallToolResult);
        expect(found, query).toContain(`${p.name}:`);
      }
    }
    const probe = textOf((await client.callTool({ name: 'search_prompts', arguments: { query: 'Hidden words' } })) as CallToolResult);
    expect(probe).not.toContain('chat-only-one');
    // A prompt the member may read is still found by its text (the library search).
    expect(textOf((await client.callTool({ name: 'search_prompts', arguments: { query: 'library' } })) as CallToolResult)).toContain('library-one:');
  });
});

describe('MCP errors (F7)', () => {
  it('carry the "MCP error <code>:" prefix once', async () => {
    const { client } = await clientWith(['read', 'run']);
    const error = await failure(client.getPrompt({ name: 'library-one', arguments: {} }));
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message.match(/MCP error/g)).toHaveLength(1);
  });

  // Each wrong type of prompts/get arguments: -32602 naming the argument, never -32603.
  const WRONG: [string, unknown, string][] = [
    ['a number', { who: 5 }, 'arguments.who'],
    ['a boolean', { who: true }, 'arguments.who'],
    ['null', { who: null }, 'arguments.who'],
    ['an object', { who: { a: 1 } }, 'arguments.who'],
    ['an array of arguments', ['x'], 'arguments'],
    ['a string of arguments', 'who=x', 'arguments'],
  ];
  it.each(WRONG)('prompts/get with %s: -32602 naming it', async (_label, args, field) => {
    const { client } = await clientWith(['read', 'run']);
    const error = await failure(client.request({ method: 'prompts/get', params: { name: 'library-one', arguments: args as never } }, (await import('@modelcontextprotocol/sdk/types.js')).GetPromptResultSchema));
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.data).toMatchObject({ code: 'invalid_input', field });
    expect(error.message).not.toMatch(/invalid_type|expected/i);
  });

  it('a name of the wrong type: -32602 naming name', async () => {
    const { client } = await clientWith(['read', 'run']);
    const error = await failure(client.request({ method: 'prompts/get', params: { name: 42 as never } }, (await import('@modelcontextprotocol/sdk/types.js')).GetPromptResultSchema));
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.data).toMatchObject({ field: 'name' });
  });

  it.each([
    ['run_prompt', { name: 'library-one', arguments: { who: 'x' }, extra: 1 }, 'extra'],
    ['search_prompts', { query: 'x', limit: 5 }, 'limit'],
  ])('%s refuses an unknown argument, as the native API refuses unknown body members', async (tool, args, field) => {
    const { client } = await clientWith(['read', 'run']);
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`Unknown field "${field}"`);
    expect(textOf(result)).toContain(`(${field})`);
  });
});

describe('MCP after the key is revoked (F6)', () => {
  it('run_prompt answers the unauthenticated error every other request answers, not -32603', async () => {
    const { client, keyId } = await clientWith(['read', 'run']);
    expect((await client.listPrompts()).prompts.length).toBeGreaterThan(0);
    revokeKey(env.owner, keyId);
    const list = await failure(client.listPrompts());
    const run = await failure(client.callTool({ name: 'run_prompt', arguments: { name: 'library-one', arguments: { who: 'x' } } }));
    const search = await failure(client.callTool({ name: 'search_prompts', arguments: { query: 'x' } }));
    for (const error of [run, search]) {
      expect(error.code).toBe(list.code);
      expect(error.code).not.toBe(ErrorCode.InternalError);
      expect(error.data).toEqual({ code: 'unauthenticated' });
    }
  });
});
