import type { Attributes } from '@opentelemetry/api';
import type { LogRecord } from '../../store/repos/logs-repo';
import type { ChatMessage } from '../../../shared/template/template';
import { limitToLevel } from '../logs/logging-level';

/**
 * What a run knows beyond its log row and a span wants (none of it is content): the request's
 * sampling settings, the provider, the model id sent, what the provider answered with.
 * Runs that arrive without it (a team member's run pushed to the team server) leave these out.
 */
export interface RunSpanExtras {
  /** The integration's kind and base URL, to name gen_ai.provider.name. */
  provider?: { kind: string; baseUrl: string; name: string };
  /** The model id sent to the provider (the part of `integration:model` after the colon). */
  modelId?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  finishReason?: string;
  responseModel?: string;
  /** The response id the provider sent (OpenAI's `chatcmpl-…`, Anthropic's `msg_…`); absent when it sent none. */
  responseId?: string;
  /** The AppError code of a failed run (provider_error, timeout...): error.type. */
  errorCode?: string;
}

/** The GenAI attribute names (OpenTelemetry GenAI semantic conventions, docs/gen-ai/gen-ai-spans.md, v1.41). */
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  /** Deprecated for gen_ai.provider.name; still read by collectors and UIs built on the 1.2x conventions. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  temperature: 'gen_ai.request.temperature',
  maxTokens: 'gen_ai.request.max_tokens',
  topP: 'gen_ai.request.top_p',
  finishReasons: 'gen_ai.response.finish_reasons',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  conversationId: 'gen_ai.conversation.id',
  responseId: 'gen_ai.response.id',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  promptName: 'gen_ai.prompt.name',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
} as const;

/** Promptdesk's own attributes (namespaced, per the spec's "attribute naming"). */
export const PROMPTDESK = {
  promptName: 'promptdesk.prompt.name',
  promptVersion: 'promptdesk.prompt.version',
  source: 'promptdesk.run.source',
  status: 'promptdesk.run.status',
  runId: 'promptdesk.run.id',
  memberId: 'promptdesk.member.id',
  dataLogging: 'promptdesk.data_logging',
  variableNames: 'promptdesk.variables.names',
  outputChars: 'promptdesk.output.chars',
} as const;

/** gen_ai.provider.name's well-known values, by the API host an openai-compatible integration points at. */
const KNOWN_HOSTS: Record<string, string> = {
  'api.openai.com': 'openai',
  'api.anthropic.com': 'anthropic',
  'api.mistral.ai': 'mistral_ai',
  'api.groq.com': 'groq',
  'api.deepseek.com': 'deepseek',
  'api.x.ai': 'x_ai',
  'api.perplexity.ai': 'perplexity',
  'generativelanguage.googleapis.com': 'gcp.gemini',
};

/**
 * gen_ai.provider.name: a well-known value when the integration's host or kind says which (the
 * spec's list), else the integration's name (a local Ollama or LM Studio has no well-known value).
 */
export function providerName(provider: RunSpanExtras['provider'], modelRef: string): string {
  if (!provider) return modelRef.split(':')[0] || 'unknown';
  let host = '';
  try {
    host = new URL(provider.baseUrl).hostname;
  } catch {
    // Stored base URLs are checked when saved; a bad one just gets no well-known name.
  }
  const known = KNOWN_HOSTS[host];
  if (known) return known;
  if (provider.kind === 'anthropic') return 'anthropic';
  return provider.name;
}

/**
 * server.address / server.port of the provider a run called: the integration's base URL host and
 * its port (the scheme's default, 443 or 80, when the URL names none). Absent without a provider
 * (a pushed team run) or with a base URL that does not parse.
 */
export function serverAttributes(provider: RunSpanExtras['provider']): Attributes {
  if (!provider) return {};
  let url: URL;
  try {
    url = new URL(provider.baseUrl);
  } catch {
    return {};
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  // An IPv6 host comes bracketed from URL; the convention wants the bare address.
  const address = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return port === undefined ? { [GEN_AI.serverAddress]: address } : { [GEN_AI.serverAddress]: address, [GEN_AI.serverPort]: port };
}

/**
 * Run sources whose conversation the app keeps and continues (runs:start's replies): their
 * conversation id groups the turns of one conversation. Other runs (API, MCP, refine turns) get a
 * fresh id per run, which would only be noise for a collector grouping by gen_ai.conversation.id.
 */
const CONVERSATION_SOURCES: ReadonlySet<string> = new Set(['chat', 'test']);

const textPart = (content: string) => ({ type: 'text', content });

/**
 * The logged messages in the semconv's JSON shapes: leading system messages as
 * gen_ai.system_instructions (`[{type:'text',content}]`), the rest as gen_ai.input.messages
 * (`[{role, parts:[{type:'text',content}]}]`), the output as gen_ai.output.messages.
 */
function contentAttributes(messagesJson: string | null, output: string | null, finishReason: string | undefined, status: LogRecord['status']): Attributes {
  const attributes: Attributes = {};
  if (messagesJson !== null) {
    const messages = JSON.parse(messagesJson) as ChatMessage[];
    let lead = 0;
    while (lead < messages.length && messages[lead]!.role === 'system') lead++;
    if (lead > 0) attributes[GEN_AI.systemInstructions] = JSON.stringify(messages.slice(0, lead).map((m) => textPart(m.content)));
    attributes[GEN_AI.inputMessages] = JSON.stringify(messages.slice(lead).map((m) => ({ role: m.role, parts: [textPart(m.content)] })));
  }
  // A failed or cancelled run generated nothing, or only what arrived before it ended: no output
  // message for nothing, and a failed run's partial one ends in "error" (the convention's finish
  // reason for it) unless the provider said why it stopped.
  if (output !== null && (status === 'success' || output !== '')) {
    attributes[GEN_AI.outputMessages] = JSON.stringify([{ role: 'assistant', parts: [textPart(output)], finish_reason: finishReason ?? (status === 'error' ? 'error' : 'stop') }]);
  }
  return attributes;
}

/** One run as a span: its name, times (ms since the epoch), status and attributes. */
export interface RunSpan {
  name: string;
  startMs: number;
  endMs: number;
  error: { type: string; message: string | undefined } | null;
  attributes: Attributes;
}

/**
 * A logged run as a GenAI client span, with only what may leave the machine at the run's
 * data-logging level: the record is cut by {@link limitToLevel}, the same rule the team sync
 * applies to a `run.log` op (core/sync/outbox.ts), so a collector never gets more than the team
 * server would. Full: content (input/output messages, system instructions) and variable names;
 * Metadata: variable names, output length, error text; None: neither names, text nor error
 * text (error.type keeps the error's code). Prompt name and version, model, tokens, times and
 * the member's opaque id are sent at every level (the logs keep them at None too).
 *
 * @example runSpan(record, { temperature: 0.2 }).name // "chat gpt-4o-mini"
 */
export function runSpan(record: LogRecord, extras: RunSpanExtras = {}): RunSpan {
  const kept = limitToLevel(record, record.dataLogging);
  const model = extras.modelId ?? record.model.slice(record.model.indexOf(':') + 1);
  const provider = providerName(extras.provider, record.model);
  const attributes: Attributes = {
    [GEN_AI.operation]: 'chat',
    [GEN_AI.provider]: provider,
    [GEN_AI.system]: provider,
    [GEN_AI.requestModel]: model,
    [GEN_AI.promptName]: record.promptName,
    [PROMPTDESK.promptName]: record.promptName,
    [PROMPTDESK.source]: record.source,
    [PROMPTDESK.status]: record.status,
    [PROMPTDESK.runId]: record.id,
    [PROMPTDESK.dataLogging]: kept.dataLogging,
  };
  if (record.version !== null) attributes[PROMPTDESK.promptVersion] = record.version;
  if (record.userId) attributes[PROMPTDESK.memberId] = record.userId;
  if (record.conversationId && CONVERSATION_SOURCES.has(record.source)) attributes[GEN_AI.conversationId] = record.conversationId;
  if (extras.responseModel) attributes[GEN_AI.responseModel] = extras.responseModel;
  if (extras.responseId) attributes[GEN_AI.responseId] = extras.responseId;
  Object.assign(attributes, serverAttributes(extras.provider));
  if (record.tokensIn !== null) attributes[GEN_AI.inputTokens] = record.tokensIn;
  if (record.tokensOut !== null) attributes[GEN_AI.outputTokens] = record.tokensOut;
  if (extras.temperature !== undefined) attributes[GEN_AI.temperature] = extras.temperature;
  if (extras.maxTokens !== undefined) attributes[GEN_AI.maxTokens] = extras.maxTokens;
  if (extras.topP !== undefined) attributes[GEN_AI.topP] = extras.topP;
  if (extras.finishReason) attributes[GEN_AI.finishReasons] = [extras.finishReason];
  // The convention's unit is seconds; the log keeps milliseconds.
  if (record.ttftMs !== null) attributes[GEN_AI.timeToFirstChunk] = record.ttftMs / 1000;
  if (kept.variableNames !== null) attributes[PROMPTDESK.variableNames] = JSON.parse(kept.variableNames) as string[];
  if (kept.outputChars !== null) attributes[PROMPTDESK.outputChars] = kept.outputChars;
  const failed = record.status === 'error';
  Object.assign(attributes, contentAttributes(kept.messages, kept.output, extras.finishReason, record.status));
  // Under None the kept error is the bare code, which error.type already carries; a text only where the level keeps it.
  const message = failed && kept.dataLogging !== 'none' ? (kept.error ?? undefined) : undefined;
  return {
    name: `chat ${model}`,
    startMs: record.startedAt,
    endMs: record.startedAt + (record.latencyMs ?? 0),
    error: failed ? { type: extras.errorCode ?? (kept.dataLogging === 'none' && kept.error ? kept.error : '_OTHER'), message } : null,
    attributes,
  };
}
