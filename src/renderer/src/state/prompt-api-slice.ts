import { queryOptions, useQuery } from '@tanstack/react-query';
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
import { writeQuery } from '../lib/query-client';
import { queryKeys } from './query-keys';
import { sharingAllows } from './sharing-slice';
import type { SharingInfo } from '../../../shared/schemas/sharing';
import type { AppState, SliceCreator } from './store';

export interface PromptApiSlice {
  /**
   * The prompt page's API tab: turning API access on or off, and the snippet choices. What the API
   * serves is a query (servedQuery below).
   */
  promptApi: {
    /** The prompt this belongs to; results for another prompt are dropped. */
    promptName: string | null;
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
    setAccess(on: boolean): Promise<void>;
    setKeyRequired(required: boolean): Promise<void>;
    setLanguage(language: SnippetLanguage): void;
    setCall(call: ApiCall): void;
    dismissError(): void;
  };
}

type State = PromptApiSlice['promptApi'];

const FRESH = {
  busy: false,
  notice: null,
  actionError: null,
} satisfies Partial<State>;

/** What the API serves for a prompt: the deployment, and the version it serves (null before any save). */
export interface Served {
  deployment: Deployment;
  version: PromptVersion | null;
}

/** The API tab's query: the deployment, then the version it serves (its variables fill the snippets). */
export const servedQuery = (name: string) =>
  queryOptions({
    queryKey: queryKeys.served(name),
    queryFn: async (): Promise<Served> => {
      const deployment = await unwrap(api.deployment.get({ name }));
      const version = deployment.servedVersion === null ? null : await unwrap(api.versions.get({ name, number: deployment.servedVersion }));
      return { deployment, version };
    },
  });

/** The API tab's data for the prompt `name`. */
export function useServed(name: string) {
  const q = useQuery(servedQuery(name));
  return { served: q.data ?? null, error: q.isError ? toFormError(q.error).message : null, retry: () => void q.refetch() };
}

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
export function mayChangeApi(sharing: { info: SharingInfo | null; isError: boolean }): boolean | 'unknown' {
  if (sharing.isError) return true;
  if (!sharing.info) return 'unknown';
  return sharingAllows(sharing.info, 'share');
}

/** The URL API callers use for the open prompt: the render call unless `call` says run. */
export function endpointFor(s: AppState, call: ApiCall = 'render'): string | null {
  const info = s.session.info;
  const name = s.promptApi.promptName;
  if (!info || !name) return null;
  return callEndpoint(apiBaseUrl(info.api), name, call);
}

export function servedDescription(served: Served | null): string | null {
  return servedLine(served?.deployment ?? null);
}

/** The snippet in `language` for the call chosen, filled with the served version's sample variables. */
export function snippetFor(s: AppState, language: SnippetLanguage, served: PromptVersion | null): string {
  const { call } = s.promptApi;
  const url = endpointFor(s, call) ?? '';
  const keyRequired = s.editor.prompt?.apiKeyRequired ?? true;
  return buildSnippet(language, { url, call, keyRequired, variables: sampleVariables(served) });
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
      // The page header and the switches read the prompt: the server's answer is the prompt now.
      await writeQuery(queryKeys.promptDetail(promptName), prompt);
      if (!current(promptName)) return;
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
        patch({ promptName, ...FRESH });
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
