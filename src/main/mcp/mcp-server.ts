import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type GetPromptResult,
  type Prompt,
  type PromptMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Ctx } from '../core/context';
import { AppError } from '../core/errors';
import { everyListedPrompt } from '../core/prompts/prompts-service';
import { renderPrompt } from '../core/render/render-service';
import { beginApiRun, prepareRun } from '../core/runs/run-service';
import { requirePrompt } from '../core/sharing/access';
import type { PromptRow } from '../store/repos/prompts-repo';
import { parseWith } from '../api/body';
import { PromptNameSchema } from '../../shared/schemas/prompts';
import { ModelRefSchema, RunApiBody } from '../../shared/schemas/runs';
import type { ChatMessage } from '../../shared/template/template';
import type { ChangeFeed } from '../core/changes/change-feed';
import type { ChangeKind } from '../../shared/schemas/changes';

/** At most this many prompts answer one `search_prompts` call (recently updated first). */
export const MCP_SEARCH_LIMIT = 50;

/**
 * The MCP door's one rule for system text. MCP prompt messages carry only the `user` and
 * `assistant` roles (spec 2025-06-18, PromptMessage), so a template's system message becomes a
 * user message whose text starts with `System instructions:` and a blank line; user and
 * assistant messages keep their role; the order is the template's.
 */
export function toMcpMessages(messages: readonly ChatMessage[]): PromptMessage[] {
  return messages.map((m) => ({
    role: m.role === 'assistant' ? 'assistant' : 'user',
    content: { type: 'text', text: m.role === 'system' ? `System instructions:\n\n${m.content}` : m.content },
  }));
}

/**
 * A refusal of the services as a JSON-RPC error: a bad argument, a missing variable, a hidden or
 * missing prompt (the same `not_found` for both) are `InvalidParams` (-32602, as the spec has for
 * an unknown prompt); a refusal of access is `InvalidRequest`; `data` keeps the service's code
 * and field (`variables.<name>` for a missing argument).
 */
function mcpErrorOf(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  const code = ['invalid_input', 'not_found', 'payload_too_large'].includes(error.code) ? ErrorCode.InvalidParams : ErrorCode.InvalidRequest;
  return new McpError(code, error.message, { code: error.code, ...(error.field ? { field: error.field } : {}) });
}

/** Runs a handler, answering the services' refusals as JSON-RPC errors (mcpErrorOf). */
async function answering<T>(handler: () => T | Promise<T>): Promise<T> {
  try {
    return await handler();
  } catch (error) {
    throw mcpErrorOf(error);
  }
}

/** A tool's refusal: a result with `isError`, as the spec has tools report failures the model should see. */
function toolError(error: unknown): CallToolResult {
  if (!(error instanceof AppError)) throw error;
  return { isError: true, content: [{ type: 'text', text: error.field ? `${error.message} (${error.field})` : error.message }] };
}

/** MCP prompt arguments are strings; absent arguments are no variables. */
const PromptArguments = z.record(z.string(), z.string()).default({});

const RunPromptArguments = z.object({
  name: PromptNameSchema,
  arguments: PromptArguments,
  model: ModelRefSchema.optional(),
});

const SearchArguments = z.object({ query: z.string().max(500) });

const TOOLS = [
  {
    name: 'run_prompt',
    title: 'Run a Promptdesk prompt',
    description:
      "Runs a Promptdesk prompt's served version on a model with the given arguments and returns the model's answer. The run is logged in Promptdesk (source mcp).",
    inputSchema: {
      type: 'object' as const,
      properties: {
        name: { type: 'string', description: 'The prompt name, as prompts/list or search_prompts give it' },
        arguments: { type: 'object', additionalProperties: { type: 'string' }, description: "The prompt's variables: name to value" },
        model: { type: 'string', description: 'integrationName:modelName; omitted: the prompt\'s own model' },
      },
      required: ['name'],
    },
  },
  {
    name: 'search_prompts',
    title: 'Search the Promptdesk library',
    description: `Full-text search over the Promptdesk prompts you may see (name, title, description, tags, text). At most ${MCP_SEARCH_LIMIT} results, recently updated first.`,
    inputSchema: {
      type: 'object' as const,
      properties: { query: { type: 'string', description: 'Words to look for' } },
      required: ['query'],
    },
  },
];

/** Both callbacks, `first` (if any) first. */
const chain = (first: (() => void) | undefined, then: () => void) => () => {
  first?.();
  then();
};

/** `prompts/list`: the prompts the member may run that have a saved version, with their variables as arguments. */
function listMcpPrompts(ctx: Ctx): Prompt[] {
  const prompts: Prompt[] = [];
  for (const summary of everyListedPrompt(ctx, { sort: 'name' }, 'runnable')) {
    // Nothing saved yet: nothing to get or run.
    if (summary.latestVersion === null) continue;
    const form = prepareRun(ctx, summary.name);
    prompts.push({
      name: form.name,
      title: form.title,
      description: form.description,
      arguments: form.variables.map((v) => ({ name: v.name, ...(v.description ? { description: v.description } : {}), required: v.required })),
    });
  }
  return prompts;
}

/**
 * `prompts/get`: the served version rendered with `args` (the API door's served version). The
 * rendered text is the template's text: a member who may only run the prompt gets an error
 * pointing at run_prompt, never the text (run is not read).
 */
function getMcpPrompt(ctx: Ctx, name: string, args: Record<string, string> | undefined): GetPromptResult {
  const asked = parseWith(PromptNameSchema, name);
  let row: PromptRow;
  try {
    // Hidden or missing: the same not_found, before anything else (requirePrompt's order).
    row = requirePrompt(ctx, asked, 'read');
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'forbidden') throw error;
    // Visible but not readable (Chat only, a run share, a key without `read`): running may be
    // allowed (else requirePrompt's own refusal); the text is not.
    const runnable = requirePrompt(ctx, asked, 'run');
    throw new AppError('forbidden', `You may run "${runnable.name}" but not read its text: use the run_prompt tool to get its answer`);
  }
  const rendered = renderPrompt(ctx, { name: row.name, variables: parseWith(PromptArguments, args) });
  return { description: row.description || row.title, messages: toMcpMessages(rendered.messages) };
}

/**
 * The change kinds that can change what prompts/list answers: which prompts are listed (created,
 * deleted, sharing, access, a member's role), their name, title and description, and the served
 * version whose variables are the arguments. Runs, ratings, test cases and readiness cannot.
 */
const LIST_CHANGING: ReadonlySet<ChangeKind> = new Set<ChangeKind>([
  'prompt.created',
  'prompt.updated',
  'prompt.deleted',
  'version.saved',
  'version.updated',
  'version.promoted',
  'deployment.pinned',
  'sharing.changed',
  'access.changed',
  'member.changed',
  'reset',
]);

/**
 * Sends `notifications/prompts/list_changed` when the change stream delivers, to this member
 * (the feed's own visibility rule: nothing about hidden prompts), a change that can alter their
 * prompt list; a burst of changes delivered together is one notification.
 * @returns unsubscribe
 */
function announceListChanges(server: Server, feed: ChangeFeed, ctxOf: () => Ctx): () => void {
  let pending = false;
  return feed.subscribe(ctxOf, undefined, (event) => {
    if (!LIST_CHANGING.has(event.kind) || pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      void server.sendPromptListChanged().catch(() => undefined);
    });
  });
}

/**
 * One MCP server acting as the member of `ctxOf()` (read on every request, so a revoked key or a
 * deactivated member stops at the next call). It is thin: each request calls the services the
 * HTTP API calls, with the same access rules and key scopes.
 *
 * @param ctxOf the caller's context, with `via` set as for an API call (its key's scopes apply)
 * @param version the app version, reported in `initialize`
 * @param changes the change stream: `listChanged: true` and list_changed notifications once the
 *   client is initialized, for the member `ctxOf()` returns (if it throws, notifications stop);
 *   omitted: `listChanged: false`
 */
export function createMcpServer(ctxOf: () => Ctx, version: string, changes?: ChangeFeed): Server {
  // The low-level Server, not McpServer: the prompt list differs by member and changes as the
  // library does, while McpServer registers a fixed set of prompts with static argument schemas.
  const server = new Server(
    { name: 'promptdesk', title: 'Promptdesk', version },
    {
      capabilities: { prompts: { listChanged: changes !== undefined }, tools: { listChanged: false } },
      instructions: 'Promptdesk is a prompt library. prompts/list shows the prompts you may run; run_prompt runs one on a model; search_prompts finds prompts.',
    },
  );
  if (changes) {
    // Only once the client is initialized may the server send it notifications.
    server.oninitialized = () => {
      const unsubscribe = announceListChanges(server, changes, ctxOf);
      server.onclose = chain(server.onclose, unsubscribe);
    };
  }
  server.setRequestHandler(ListPromptsRequestSchema, () => answering(() => ({ prompts: listMcpPrompts(ctxOf()) })));
  server.setRequestHandler(GetPromptRequestSchema, (request) => answering(() => getMcpPrompt(ctxOf(), request.params.name, request.params.arguments)));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const ctx = ctxOf();
    try {
      if (request.params.name === 'run_prompt') {
        const input = parseWith(RunPromptArguments, request.params.arguments ?? {});
        const body = parseWith(RunApiBody, { variables: input.arguments, model: input.model });
        const { finished } = beginApiRun(ctx, input.name, body, { signal: extra.signal }, 'mcp');
        const result = await finished;
        return { content: [{ type: 'text', text: result.output }] };
      }
      if (request.params.name === 'search_prompts') {
        const { query } = parseWith(SearchArguments, request.params.arguments ?? {});
        const found = everyListedPrompt(ctx, { query }).slice(0, MCP_SEARCH_LIMIT);
        const lines = found.map((p) => `${p.name}: ${p.title}${p.description ? ` - ${p.description}` : ''}`);
        return { content: [{ type: 'text', text: lines.length ? lines.join('\n') : 'No prompts match' }] };
      }
    } catch (error) {
      return toolError(error);
    }
    throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
  });
  return server;
}
