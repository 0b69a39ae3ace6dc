import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type GetPromptResult,
  type Prompt,
  type PromptMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Ctx } from '../core/context';
import { AppError, invalid } from '../core/errors';
import { refuseUnknownFields } from '../core/unknown-fields';
import { everyListedPrompt } from '../core/prompts/prompts-service';
import { renderPrompt } from '../core/render/render-service';
import { beginApiRun, prepareRun } from '../core/runs/run-service';
import { requirePrompt } from '../core/sharing/access';
import type { PromptRow } from '../store/repos/prompts-repo';
import type { PromptSummary } from '../../shared/schemas/prompts';
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
 * A JSON-RPC error as the SDK sends it (`code`, `message`, `data` of the thrown value). Not the
 * SDK's McpError, whose message already carries "MCP error <code>: ", which clients then prefix
 * again ("MCP error -32602: MCP error -32602: ...").
 */
export class McpRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'McpRefusal';
  }
}

/**
 * A refusal of the services as a JSON-RPC error: a bad argument, a missing variable, a hidden or
 * missing prompt (the same `not_found` for both) are `InvalidParams` (-32602, as the spec has for
 * an unknown prompt); a refusal of access is `InvalidRequest`; `data` keeps the service's code
 * and field (`variables.<name>` for a missing argument, `arguments.<name>` for a bad one).
 */
function mcpErrorOf(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  const code = ['invalid_input', 'not_found', 'payload_too_large'].includes(error.code) ? ErrorCode.InvalidParams : ErrorCode.InvalidRequest;
  return new McpRefusal(code, error.message, { code: error.code, ...(error.field ? { field: error.field } : {}) });
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

/**
 * `value` as MCP prompt arguments (an object of strings, absent = none), else a -32602 naming
 * the argument at fault (`field` = `<at>.<name>`): the spec's arguments are text, and a number or
 * an array is the caller's mistake, not an internal error.
 */
function promptArguments(value: unknown, at: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${at} must be an object of argument name to text value`, at);
  for (const [name, text] of Object.entries(value)) {
    if (typeof text !== 'string') throw invalid(`Argument "${name.slice(0, 60)}" must be text (a JSON string), not ${Array.isArray(text) ? 'an array' : text === null ? 'null' : typeof text}`, `${at}.${name.slice(0, 100)}`);
  }
  return parseWith(PromptArguments, value);
}

/**
 * The loose request shapes the handlers are registered with: the SDK would answer a params
 * member of the wrong type with -32603 and a raw validation dump before our handler runs, so
 * params are checked here, as -32602 naming the member.
 */
const LooseGetPrompt = z.looseObject({ method: z.literal('prompts/get'), params: z.looseObject({ name: z.unknown().optional(), arguments: z.unknown().optional() }) });
const LooseCallTool = z.looseObject({ method: z.literal('tools/call'), params: z.looseObject({ name: z.unknown().optional(), arguments: z.unknown().optional() }) });

const RunPromptArguments = z.object({
  name: PromptNameSchema,
  arguments: PromptArguments,
  model: ModelRefSchema.optional(),
});

const SearchArguments = z.object({ query: z.string().max(500) });

/** `run_prompt` and `search_prompts` arguments are refused when unknown, as the native API's body members are. */
function toolArguments<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const args = value ?? {};
  if (typeof args !== 'object' || Array.isArray(args)) throw invalid('arguments must be an object', 'arguments');
  refuseUnknownFields(schema, args as Record<string, unknown>, {});
  return parseWith(schema, args);
}

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
      additionalProperties: false,
    },
  },
  {
    name: 'search_prompts',
    title: 'Search the Promptdesk library',
    description: `Searches the prompts prompts/list shows (those you may run) by name, title, description and tags, and by text those you may also read. At most ${MCP_SEARCH_LIMIT} results, recently updated first.`,
    inputSchema: {
      type: 'object' as const,
      properties: { query: { type: 'string', description: 'Words to look for' } },
      required: ['query'],
      additionalProperties: false,
    },
  },
];

/** Both callbacks, `first` (if any) first. */
const chain = (first: (() => void) | undefined, then: () => void) => () => {
  first?.();
  then();
};

/**
 * The prompts MCP offers the member: those they may run (run is not read: the `run` scope is
 * enough) that have a saved version, Chat only ones included; the list behind `prompts/list`.
 */
function offeredPrompts(ctx: Ctx, query?: string): PromptSummary[] {
  // Nothing saved yet: nothing to get or run.
  return everyListedPrompt(ctx, { sort: 'name', ...(query === undefined ? {} : { query }) }, 'runnable').filter((summary) => summary.latestVersion !== null);
}

/**
 * `search_prompts`: the offered prompts (what prompts/list shows) that match `query` by name,
 * title, description or tags, and, among those the member may also read (a key with `read`), by
 * their text too (the library search). A prompt the member may only run is never matched by its
 * text, which they may not probe. Recently updated first, at most MCP_SEARCH_LIMIT.
 */
function searchMcpPrompts(ctx: Ctx, query: string): PromptSummary[] {
  const found = new Map(offeredPrompts(ctx, query).map((p) => [p.name, p]));
  const reads = !ctx.via?.key || ctx.via.key.scopes.includes('read');
  if (reads) {
    const offered = new Set(offeredPrompts(ctx).map((p) => p.name));
    for (const p of everyListedPrompt(ctx, { query }, 'library')) if (offered.has(p.name) && !found.has(p.name)) found.set(p.name, p);
  }
  return [...found.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, MCP_SEARCH_LIMIT);
}

/** `prompts/list`: the prompts the member may run that have a saved version, with their variables as arguments. */
function listMcpPrompts(ctx: Ctx): Prompt[] {
  const prompts: Prompt[] = [];
  for (const summary of offeredPrompts(ctx)) {
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
function getMcpPrompt(ctx: Ctx, name: unknown, rawArgs: unknown): GetPromptResult {
  const { name: asked } = parseWith(z.object({ name: PromptNameSchema }), { name });
  const args = promptArguments(rawArgs, 'arguments');
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
  const rendered = renderPrompt(ctx, { name: row.name, variables: args });
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
function announceListChanges(server: Server, feed: ChangeFeed, ctxOf: () => Ctx, onAccessEnded?: () => void, identity?: string): () => void {
  let pending = false;
  return feed.subscribe(
    ctxOf,
    undefined,
    (event) => {
      if (!LIST_CHANGING.has(event.kind) || pending) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        void server.sendPromptListChanged().catch(() => undefined);
      });
    },
    // The feed ends a subscription whose ctxOf throws (key revoked or expired, member deactivated).
    (error) => {
      if (error !== undefined) onAccessEnded?.();
    },
    identity === undefined ? undefined : { identity },
  );
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
 * @param onAccessEnded called once the feed finds `ctxOf()` throwing (the key revoked or expired,
 *   the member deactivated): the HTTP door ends the session there
 * @param identity the feed identity `ctxOf`'s check is shared under (e.g. `key:<id>`)
 */
export function createMcpServer(ctxOf: () => Ctx, version: string, changes?: ChangeFeed, onAccessEnded?: () => void, identity?: string): Server {
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
      const unsubscribe = announceListChanges(server, changes, ctxOf, onAccessEnded, identity);
      server.onclose = chain(server.onclose, unsubscribe);
    };
  }
  server.setRequestHandler(ListPromptsRequestSchema, () => answering(() => ({ prompts: listMcpPrompts(ctxOf()) })));
  server.setRequestHandler(LooseGetPrompt, (request) => answering(() => getMcpPrompt(ctxOf(), request.params.name, request.params.arguments)));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(LooseCallTool, async (request, extra): Promise<CallToolResult> => {
    // Outside the tool's own refusals: an ended key is the protocol's unauthenticated error, as on every other request.
    const ctx = await answering(() => ctxOf());
    try {
      if (request.params.name === 'run_prompt') {
        const input = toolArguments(RunPromptArguments, request.params.arguments);
        const body = parseWith(RunApiBody, { variables: input.arguments, model: input.model });
        const { finished } = beginApiRun(ctx, input.name, body, { signal: extra.signal }, 'mcp');
        const result = await finished;
        return { content: [{ type: 'text', text: result.output }] };
      }
      if (request.params.name === 'search_prompts') {
        const { query } = toolArguments(SearchArguments, request.params.arguments);
        const found = searchMcpPrompts(ctx, query);
        const lines = found.map((p) => `${p.name}: ${p.title}${p.description ? ` - ${p.description}` : ''}`);
        return { content: [{ type: 'text', text: lines.length ? lines.join('\n') : 'No prompts match' }] };
      }
    } catch (error) {
      return toolError(error);
    }
    throw new McpRefusal(ErrorCode.InvalidParams, `Unknown tool: ${String(request.params.name).slice(0, 100)}`, { field: 'name' });
  });
  return server;
}
