import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { IntegrationKind } from '../../../shared/schemas/integrations';
import { guardedFetch, type GuardedFetch, type ProviderLimits } from './guarded-fetch';

// The SDK warns on the console about model ids it does not know; local servers have many.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export interface ProviderTarget {
  name: string;
  kind: IntegrationKind;
  baseUrl: string;
  apiKey: string | null;
}

export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * A language model from the AI SDK provider for this kind, over the guarded fetch. No key is
 * sent when none is stored (Ollama, LM Studio and llama.cpp need none); the SDKs are never
 * allowed to fall back to keys or URLs from environment variables.
 */
export function languageModel(target: ProviderTarget, modelId: string, guard: GuardedFetch): LanguageModel {
  if (target.kind === 'anthropic') {
    // The Anthropic client demands a key; a local Anthropic-compatible server may ignore this one.
    return createAnthropic({ baseURL: target.baseUrl, apiKey: target.apiKey ?? 'none', fetch: guard.fetch, name: target.name })(modelId);
  }
  return createOpenAICompatible({
    name: target.name,
    baseURL: target.baseUrl,
    ...(target.apiKey ? { apiKey: target.apiKey } : {}),
    includeUsage: true,
    fetch: guard.fetch,
  }).chatModel(modelId);
}

function authHeaders(target: ProviderTarget): Record<string, string> {
  if (target.kind === 'anthropic') return { 'x-api-key': target.apiKey ?? 'none', 'anthropic-version': ANTHROPIC_VERSION };
  return target.apiKey ? { Authorization: `Bearer ${target.apiKey}` } : {};
}

/** The provider's error message from its JSON error body (OpenAI and Anthropic both use `error.message`). */
export function providerMessage(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.trim() ? body.trim().slice(0, 500) : null;
}

export class ProviderHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `GET {baseUrl}/models` (both protocols list models there); [] when the provider offers no list. */
export async function fetchModelList(target: ProviderTarget, limits: ProviderLimits): Promise<string[]> {
  const guard = guardedFetch({ ...limits, responseTimeoutMs: Math.min(limits.responseTimeoutMs, 15_000), maxResponseBytes: 4 * 1024 * 1024 });
  let response: Response;
  try {
    response = await guard.fetch(`${target.baseUrl}/models${target.kind === 'anthropic' ? '?limit=1000' : ''}`, {
      headers: { Accept: 'application/json', ...authHeaders(target) },
    });
  } catch (error) {
    throw new ProviderHttpError(0, guard.failure()?.message ?? `Could not reach ${target.baseUrl}: ${describeNetworkError(error)}`);
  }
  const text = await response.text();
  if (response.status === 404 || response.status === 405) return [];
  if (!response.ok) throw new ProviderHttpError(response.status, `${response.status}: ${providerMessage(text) ?? response.statusText}`);
  try {
    const parsed = JSON.parse(text) as { data?: { id?: unknown }[]; models?: { name?: unknown; model?: unknown }[] };
    const ids = (parsed.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
    return [...new Set(ids)].sort();
  } catch {
    return [];
  }
}

export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is the server running?)';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  return cause?.message ?? (error as Error).message ?? String(error);
}
