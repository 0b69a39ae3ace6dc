import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { Deployment } from '../../../shared/schemas/versions';
import { api, unwrap } from '../lib/api';
import { toFormError } from '../lib/field-errors';
import {
  apiBaseUrl,
  buildSnippet,
  callEndpoint,
  sampleVariables,
  servedLine,
  type ApiCall,
  type SnippetLanguage,
} from './api-snippets';
import { sharingAllows } from './sharing-slice';
import type { AppState, SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface PromptApiSlice {
  /** The prompt page's API tab: whether the prompt is served, and how to call it. */
  promptApi: {
    /** The prompt this belongs to; results for another prompt are dropped. */
    promptName: string | null;
    deployment: Deployment | null;
    /** The version the API serves (its variables fill the snippets); null before any save. */
    served: PromptVersion | null;
    status: LoadStatus;
    error: string | null;
    /** A prompts:set-api call is in flight. */
    busy: boolean;
    /** What the last change did, announced politely: "API access on". */
    notice: string | null;
    actionError: string | null;
    /** Kept across prompts: someone who writes Python wants Python everywhere. */
    language: SnippetLanguage;
    /** Which call the snippets make: render (no model, not logged) or run (calls the model, in Logs). */
    call: ApiCall;
    reset(promptName: string): void;
    load(): Promise<void>;
    setAccess(on: boolean): Promise<void>;
    setKeyRequired(required: boolean): Promise<void>;
    setLanguage(language: SnippetLanguage): void;
    setCall(call: ApiCall): void;
    dismissError(): void;
  };
}

type State = PromptApiSlice['promptApi'];

const FRESH = {
  deployment: null,
  served: null,
  status: 'idle',
  error: null,
  busy: false,
  notice: null,
  actionError: null,
} satisfies Partial<State>;

let latestLoad = 0;

/** The prompt's API settings as the page knows them (from prompts:get or the last change). */
export function promptApiSettings(s: AppState): { apiAccess: boolean; apiKeyRequired: boolean } | null {
  const prompt = s.editor.prompt;
  return prompt ? { apiAccess: prompt.apiAccess, apiKeyRequired: prompt.apiKeyRequired } : null;
}

/**
 * Whether the acting member may change the API settings: the owner and admins ("share" in the
 * prompt's `allowed`). While sharing is unknown the switches wait; if it cannot be read the
 * server's own refusal is shown instead.
 */
export function mayChangeApi(s: AppState): boolean | 'unknown' {
  if (s.sharing.status === 'error') return true;
  if (!s.sharing.info) return 'unknown';
  return sharingAllows(s.sharing.info, 'share');
}

/** The URL API callers use for the open prompt: the render call unless `call` says run. */
export function endpointFor(s: AppState, call: ApiCall = 'render'): string | null {
  const info = s.session.info;
  const name = s.promptApi.promptName;
  if (!info || !name) return null;
  return callEndpoint(apiBaseUrl(info.api), name, call);
}

export function servedDescription(s: AppState): string | null {
  return servedLine(s.promptApi.deployment);
}

export function snippetFor(s: AppState, language: SnippetLanguage): string {
  const { call } = s.promptApi;
  const url = endpointFor(s, call) ?? '';
  const keyRequired = s.editor.prompt?.apiKeyRequired ?? true;
  return buildSnippet(language, { url, call, keyRequired, variables: sampleVariables(s.promptApi.served) });
}

export const createPromptApiSlice: SliceCreator<PromptApiSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ promptApi: { ...s.promptApi, ...partial } }));
  const current = (name: string) => get().promptApi.promptName === name;

  const change = async (input: { apiAccess?: boolean; keyRequired?: boolean }, describe: (on: { apiAccess: boolean; apiKeyRequired: boolean }) => string) => {
    const { promptName, busy } = get().promptApi;
    if (!promptName || busy) return;
    patch({ busy: true, notice: null, actionError: null });
    try {
      const prompt = await unwrap(api.prompts.setApi({ name: promptName, ...input }));
      if (!current(promptName)) return;
      get().editor.applyApiSettings(prompt);
      patch({ busy: false, notice: describe(prompt) });
    } catch (error) {
      if (!current(promptName)) return;
      patch({ busy: false, actionError: toFormError(error).message });
    }
  };

  return {
    promptApi: {
      promptName: null,
      ...FRESH,
      language: 'curl',
      call: 'render',
      reset(promptName) {
        latestLoad += 1;
        patch({ promptName, ...FRESH });
      },
      async load() {
        const { promptName, status } = get().promptApi;
        if (!promptName) return;
        const request = ++latestLoad;
        patch({ status: status === 'ready' ? 'ready' : 'loading', error: null });
        try {
          const deployment = await unwrap(api.deployment.get({ name: promptName }));
          const latest = get().editor.promptName === promptName ? (get().editor.prompt?.latest ?? null) : null;
          let served: PromptVersion | null = latest;
          if (deployment.servedVersion !== null && deployment.servedVersion !== latest?.number) {
            served = await unwrap(api.versions.get({ name: promptName, number: deployment.servedVersion }));
          }
          if (request !== latestLoad || !current(promptName)) return;
          patch({ deployment, served, status: 'ready' });
        } catch (error) {
          if (request !== latestLoad || !current(promptName)) return;
          patch({ status: 'error', error: toFormError(error).message });
        }
      },
      async setAccess(on) {
        await change({ apiAccess: on }, (p) => (p.apiAccess ? 'API access on' : 'API access off'));
      },
      async setKeyRequired(required) {
        await change({ keyRequired: required }, (p) => (p.apiKeyRequired ? 'API key required' : 'API key optional from this computer'));
      },
      setLanguage(language) {
        patch({ language });
      },
      setCall(call) {
        patch({ call });
      },
      dismissError() {
        patch({ actionError: null });
      },
    },
  };
};
