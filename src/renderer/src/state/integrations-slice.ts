import type {
  Integration,
  IntegrationAccess,
  IntegrationKind,
  IntegrationTestResult,
  SaveIntegrationInput,
  SecretStorageInfo,
} from '../../../shared/schemas/integrations';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient, writeQuery } from '../lib/query-client';
import { queryKeys } from './query-keys';
import type { SliceCreator } from './store';

export const INTEGRATION_KIND_LABELS: Record<IntegrationKind, string> = {
  'openai-compatible': 'OpenAI-compatible',
  anthropic: 'Anthropic',
};

/** What the form holds; the key is kept only while the dialog is open. */
export interface IntegrationDraft {
  name: string;
  kind: IntegrationKind;
  baseUrl: string;
  /** A new key typed in the form; empty keeps the stored one (or stores none). */
  apiKey: string;
  /** Editing: drop the stored key on save (local servers need none). */
  removeKey: boolean;
  models: string[];
  access: IntegrationAccess;
  memberIds: string[];
  allowWeakKeyStorage: boolean;
}

/** Which integration the dialog edits: `id` null adds a new one. */
export interface IntegrationEditorTarget {
  id: string | null;
}

export interface IntegrationsSlice {
  /**
   * Settings → Integrations: the model providers prompts and chats run on (`name:model`): the
   * dialog, the connection test and deleting. The list is a query (workspace-queries.ts
   * integrationsQuery), updated or invalidated here.
   */
  integrations: {
    storage: SecretStorageInfo | null;
    editor: IntegrationEditorTarget | null;
    saving: boolean;
    saveError: FormError | null;
    deleteTarget: string | null;
    deleting: boolean;
    notice: string | null;
    actionError: string | null;
    loadStorage(): Promise<void>;
    openEditor(id: string | null): void;
    closeEditor(): void;
    /** True when saved (the dialog then closes). */
    save(draft: IntegrationDraft): Promise<boolean>;
    /** The field was changed: its message from the last save goes. */
    clearFieldError(field: string): void;
    requestDelete(id: string): void;
    cancelDelete(): void;
    confirmDelete(): Promise<void>;
    reset(): void;
  };
}

type State = IntegrationsSlice['integrations'];


export function emptyDraft(): IntegrationDraft {
  return {
    name: '',
    kind: 'openai-compatible',
    baseUrl: '',
    apiKey: '',
    removeKey: false,
    models: [],
    access: 'everyone',
    memberIds: [],
    allowWeakKeyStorage: false,
  };
}

export function draftFrom(integration: Integration): IntegrationDraft {
  return {
    ...emptyDraft(),
    name: integration.name,
    kind: integration.kind,
    baseUrl: integration.baseUrl,
    models: [...integration.models],
    access: integration.access,
    memberIds: [...integration.memberIds],
  };
}

/** `apiKey` omitted keeps the stored key, '' removes it, anything else replaces it. */
function keyField(draft: IntegrationDraft): { apiKey?: string } {
  if (draft.apiKey.trim() !== '') return { apiKey: draft.apiKey.trim() };
  if (draft.removeKey) return { apiKey: '' };
  return {};
}

/**
 * Tries the form's connection settings (kind, URL, key; an integration being edited may keep its
 * stored key): the provider's answer, with the models it lists. The dialog runs it as a mutation
 * it resets when those settings change, so an answer for earlier settings never shows.
 */
export function testConnection(draft: IntegrationDraft, id: string | null): Promise<IntegrationTestResult> {
  return unwrap(api.integrations.test({ ...(id === null ? {} : { id }), kind: draft.kind, baseUrl: draft.baseUrl, ...keyField(draft) }));
}

export function toSaveInput(draft: IntegrationDraft, id: string | null): SaveIntegrationInput {
  return {
    ...(id === null ? {} : { id }),
    name: draft.name,
    kind: draft.kind,
    baseUrl: draft.baseUrl,
    ...keyField(draft),
    models: draft.models,
    access: draft.access,
    memberIds: draft.access === 'selected' ? draft.memberIds : [],
    allowWeakKeyStorage: draft.allowWeakKeyStorage,
  };
}

/** "Everyone", "1 member", "3 members". */
export function accessLabel(integration: Pick<Integration, 'access' | 'memberIds'>): string {
  if (integration.access === 'everyone') return 'Everyone';
  const count = integration.memberIds.length;
  return `${count} ${count === 1 ? 'member' : 'members'}`;
}

/**
 * Model names typed by hand: "gpt-4o, gpt-4o-mini" adds two. Duplicates are skipped.
 * @example addModels(['echo'], 'slow, echo') // ['echo', 'slow']
 */
export function addModels(models: string[], typed: string): string[] {
  const next = [...models];
  for (const model of typed.split(/[\s,]+/)) {
    if (model !== '' && !next.includes(model)) next.push(model);
  }
  return next;
}

/** The saved integration in place of the one edited (a rename changes its id), or appended. */
function upsert(items: Integration[], saved: Integration, editedId: string | null): Integration[] {
  const index = items.findIndex((i) => i.id === (editedId ?? saved.id));
  if (index === -1) return [...items, saved];
  return items.map((item, i) => (i === index ? saved : item));
}

/** The integration `id` among `items`, or null (none chosen, or deleted meanwhile). */
export function integrationById(items: readonly Integration[], id: string | null | undefined): Integration | null {
  return id ? (items.find((i) => i.id === id) ?? null) : null;
}

const integrationsNow = () => queryClient.getQueryData<Integration[]>(queryKeys.integrations) ?? [];
const reloadIntegrations = () => queryClient.invalidateQueries({ queryKey: queryKeys.integrations });

export const createIntegrationsSlice: SliceCreator<IntegrationsSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ integrations: { ...s.integrations, ...partial } }));

  return {
    integrations: {
      storage: null,
      editor: null,
      saving: false,
      saveError: null,
      deleteTarget: null,
      deleting: false,
      notice: null,
      actionError: null,
      async loadStorage() {
        try {
          patch({ storage: await unwrap(api.integrations.secretStorage()) });
        } catch {
          // Without it the form simply shows no storage note; saving still reports any problem.
          patch({ storage: null });
        }
      },
      openEditor(id) {
        patch({ editor: { id }, saveError: null, notice: null, actionError: null });
        void get().integrations.loadStorage();
      },
      closeEditor() {
        if (get().integrations.saving) return;
        patch({ editor: null, saveError: null });
      },
      async save(draft) {
        const { saving, editor } = get().integrations;
        if (saving || !editor) return false;
        patch({ saving: true, saveError: null, notice: null, actionError: null });
        try {
          const saved = await unwrap(api.integrations.save(toSaveInput(draft, editor.id)));
          await writeQuery<Integration[]>(queryKeys.integrations, (items) => upsert(items ?? [], saved, editor.id));
          patch({ saving: false, editor: null, notice: `${editor.id === null ? 'Added' : 'Saved'} integration ${saved.name}` });
          void reloadIntegrations();
          return true;
        } catch (error) {
          patch({ saving: false, saveError: toFormError(error) });
          return false;
        }
      },
      clearFieldError(field) {
        const { saveError } = get().integrations;
        if (saveError && (saveError.field === undefined || saveError.field === field || saveError.field.startsWith(`${field}.`))) patch({ saveError: null });
      },
      requestDelete(id) {
        patch({ deleteTarget: id, notice: null, actionError: null });
      },
      cancelDelete() {
        if (!get().integrations.deleting) patch({ deleteTarget: null });
      },
      async confirmDelete() {
        const { deleteTarget, deleting } = get().integrations;
        if (!deleteTarget || deleting) return;
        const name = integrationsNow().find((i) => i.id === deleteTarget)?.name ?? deleteTarget;
        patch({ deleting: true, notice: null, actionError: null });
        try {
          await unwrap(api.integrations.delete({ id: deleteTarget }));
          await writeQuery<Integration[]>(queryKeys.integrations, (items) => items?.filter((i) => i.id !== deleteTarget));
          patch({ deleting: false, deleteTarget: null, notice: `Deleted integration ${name}` });
        } catch (error) {
          patch({ deleting: false, deleteTarget: null, actionError: toFormError(error).message });
          void reloadIntegrations();
        }
      },
      reset() {
        patch({
          editor: null,
          saving: false,
          saveError: null,
          deleteTarget: null,
          notice: null,
          actionError: null,
        });
      },
    },
  };
};
