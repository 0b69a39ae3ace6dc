import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import { createMcpServer } from '../../../../src/main/mcp/mcp-server';
import { addShare, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { authenticateKey, createKey } from '../../../../src/main/core/keys/keys-service';
import { SHARE_PERMISSIONS, SHARING_LEVELS, type SharePermission, type SharingLevel } from '../../../../src/shared/schemas/sharing';
import type { Ctx } from '../../../../src/main/core/context';

// The permission matrix a member meets over MCP: sharing level x their own share x API access.
// Expectations are written from the sharing rules (access.ts), not computed by them.
interface Cell {
  name: string;
  level: SharingLevel;
  share: SharePermission | null;
  api: boolean;
}
const CELLS: Cell[] = SHARING_LEVELS.flatMap((level) =>
  [null, ...SHARE_PERMISSIONS].flatMap((share) => [true, false].map((api) => ({ name: `p-${level}-${share ?? 'none'}-${api ? 'api' : 'noapi'}`.replace(/_/g, '-'), level, share, api }))),
);
const readable = (c: Cell) => c.api && (['library_view', 'library_edit'].includes(c.level) || c.share === 'view' || c.share === 'edit');
const runnable = (c: Cell) => c.api && (c.level !== 'private' || c.share === 'run' || c.share === 'edit');
const visible = (c: Cell) => c.api && (c.level !== 'private' || c.share !== null);

let env: ReturnType<typeof testWorkspace>;
let client: Client;

beforeAll(async () => {
  env = testWorkspace();
  const bob = member(env.owner, 'bob@example.com');
  for (const cell of CELLS) {
    seedPrompt(env.owner, cell.name, `Text of ${cell.name} about {{topic}} welcome`);
    if (cell.api) setApiSettings(env.owner, { name: cell.name, apiAccess: true });
    setSharingLevel(env.owner, { name: cell.name, level: cell.level });
    if (cell.share) addShare(env.owner, { name: cell.name, email: 'bob@example.com', permission: cell.share });
  }
  const { key } = createKey(env.owner, { userEmail: 'bob@example.com', label: 'mcp' });
  const info = authenticateKey(env.workspace.store, env.workspace.clock, key).key;
  const ctx: Ctx = { ...bob, via: { kind: 'api', key: info, loopback: true } };
  const server = createMcpServer(() => ctx, 'test');
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  client = new Client({ name: 'matrix', version: '1' });
  await client.connect(clientSide);
});
afterAll(async () => {
  await client.close();
  env.cleanup();
});

async function failure(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

describe('MCP access matrix (sharing level x share x API access), as a member', () => {
  it('prompts/list lists exactly the prompts the member may run', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(
      CELLS.filter(runnable)
        .map((c) => c.name)
        .sort(),
    );
  });

  it('prompts/get: rendered text to readers, the run_prompt pointer to run-only members, the missing answer otherwise', async () => {
    const missing = await failure(client.getPrompt({ name: 'no-such-prompt', arguments: { topic: 'x' } }));
    for (const cell of CELLS) {
      const got = client.getPrompt({ name: cell.name, arguments: { topic: 'tea' } });
      if (readable(cell)) {
        expect((await got).messages, cell.name).toEqual([{ role: 'user', content: { type: 'text', text: `Text of ${cell.name} about tea welcome` } }]);
        continue;
      }
      const error = await failure(got);
      expect(error.message, cell.name).not.toContain('Text of');
      if (runnable(cell)) {
        expect({ code: error.code, run: error.message.includes('run_prompt') }, cell.name).toEqual({ code: ErrorCode.InvalidRequest, run: true });
      } else {
        expect({ code: error.code, message: error.message.replace(cell.name, 'X'), data: error.data }, cell.name).toEqual({
          code: missing.code,
          message: missing.message.replace('no-such-prompt', 'X'),
          data: missing.data,
        });
      }
    }
  });

  it('search_prompts never names a prompt the member cannot see', async () => {
    const result = (await client.callTool({ name: 'search_prompts', arguments: { query: 'welcome' } })) as CallToolResult;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    const named = CELLS.filter((c) => text.includes(`${c.name}:`));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((c) => !visible(c)).map((c) => c.name)).toEqual([]);
  });
});
