import type { IntegrationKind } from '../../../../shared/schemas/integrations';

export interface BaseUrlPreset {
  label: string;
  url: string;
  /** Runs on this computer: it needs no API key. */
  isLocal: boolean;
}

/** Common servers per protocol; the first is the field's placeholder. */
export const BASE_URL_PRESETS: Record<IntegrationKind, readonly BaseUrlPreset[]> = {
  'openai-compatible': [
    { label: 'OpenAI', url: 'https://api.openai.com/v1', isLocal: false },
    { label: 'Ollama', url: 'http://127.0.0.1:11434/v1', isLocal: true },
    { label: 'LM Studio', url: 'http://127.0.0.1:1234/v1', isLocal: true },
    { label: 'OpenRouter', url: 'https://openrouter.ai/api/v1', isLocal: false },
    { label: 'vLLM / llama.cpp', url: 'http://127.0.0.1:8000/v1', isLocal: true },
  ],
  anthropic: [{ label: 'Anthropic', url: 'https://api.anthropic.com/v1', isLocal: false }],
};

const ALL_PRESET_URLS = new Set(Object.values(BASE_URL_PRESETS).flatMap((presets) => presets.map((p) => p.url)));

/**
 * The base URL after choosing another kind: one typed by hand is kept; an empty one or a
 * preset of the other protocol becomes the new kind's only preset (Anthropic) or is cleared so
 * the placeholder and preset buttons guide the choice (OpenAI-compatible has several).
 * @example baseUrlForKind('anthropic', '') // 'https://api.anthropic.com/v1'
 */
export function baseUrlForKind(kind: IntegrationKind, current: string): string {
  const trimmed = current.trim();
  if (trimmed !== '' && !ALL_PRESET_URLS.has(trimmed)) return current;
  const presets = BASE_URL_PRESETS[kind];
  if (presets.some((p) => p.url === trimmed)) return current;
  return presets.length === 1 ? presets[0]!.url : '';
}
