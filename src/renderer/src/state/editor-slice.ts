import type { PromptDetail } from '../../../shared/schemas/prompts';
import { analyzeTemplate, type MessageRole, type Template, type TemplateAnalysis, type VariableMeta } from '../../../shared/template/template';
import { ApiError, api, unwrap } from '../lib/api';
import { promptQuery } from './prompt-detail';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient } from '../lib/query-client';
import {
  EMPTY_VARIABLE,
  draftFromVersion,
  draftKey,
  draftTemplate,
  draftToSaveInput,
  newMessage,
  switchMode,
  type EditorDraft,
  type TemplateMode,
  type VariableDraft,
} from './editor-draft';
import { draftWithProposal } from './refine-conversation';
import { queryKeys } from './query-keys';
import type { SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface EditorSlice {
  editor: {
    promptName: string | null;
    status: LoadStatus;
    loadError: FormError | null;
    prompt: PromptDetail | null;
    draft: EditorDraft;
    /** Live analysis of the draft's template, for the variables panel and warnings. */
    analysis: TemplateAnalysis;
    /** Variables of the last template that parsed, so the panel holds steady while `{{` is half typed. */
    variableNames: string[];
    /** draftKey of what is saved; the draft is dirty when its key differs. */
    savedKey: string;
    dirty: boolean;
    saveDialogOpen: boolean;
    saving: boolean;
    saveError: FormError | null;
    savedMessage: string | null;
    /**
     * The server refused a save because the acting member may not edit this prompt: the draft
     * can never be saved by them, so leaving it does not ask to keep it.
     */
    saveForbidden: boolean;
    /** Above 0: the template editor takes focus when it shows (a prompt was just created), then it is 0 again. */
    focusTemplate: number;
    /** Asks the template editor for focus the next time it shows. */
    requestTemplateFocus(): void;
    templateFocused(): void;
    load(promptName: string): Promise<void>;
    setMode(mode: TemplateMode): void;
    setText(text: string): void;
    addMessage(): void;
    removeMessage(id: string): void;
    setMessageRole(id: string, role: MessageRole): void;
    setMessageContent(id: string, content: string): void;
    setVariableField(name: string, field: keyof VariableDraft, value: string): void;
    setSetting(field: 'models' | 'temperature' | 'maxTokens' | 'displayMessage', value: string): void;
    openSaveDialog(): void;
    closeSaveDialog(): void;
    save(commitMessage: string): Promise<void>;
    discardChanges(): void;
    /** Starts over from `prompt` (e.g. a version was restored as the newest): the draft is replaced. */
    replacePrompt(prompt: PromptDetail): void;
    /**
     * Puts a template in the draft (a Refine proposal): the draft becomes dirty, to be edited and
     * saved as usual. Variable notes the draft has are kept; see draftWithProposal.
     */
    applyTemplate(template: Template, variables: readonly VariableMeta[]): void;
    /**
     * Puts back a draft kept from before (state/draft-keeper.ts: the session ended, the tab
     * reloaded), started from version `baseVersion`: when a newer one was saved since, the draft
     * stays based on the older number, as unsaved edits do when a newer version arrives (`follow`),
     * so saving it meets the server's "saved after you started editing" check.
     */
    restoreDraft(draft: EditorDraft, baseVersion: number): void;
    /**
     * Follows the prompt as the server now has it (each answer of its query, prompt-detail.ts):
     * without unsaved edits the page starts over from a newer version; with them the draft and its
     * base stay and only the prompt's facts move (the header then says a newer version was saved).
     * The same version takes its new status, and this window's save message stays. A page that had
     * lost the prompt (deleted or hidden) returns to the editor when it answers again, draft kept.
     */
    follow(fresh: PromptDetail): void;
    /** The prompt could not be read again: deleted or hidden elsewhere shows not found, as a fresh load would. */
    lost(error: unknown): void;
    /** A version action of this window moved the prompt on: the last save's message is old news. */
    clearSavedMessage(): void;
  };
}

const initialDraft = draftFromVersion(null);

/** Unsaved edits worth asking about before they are thrown away: ones this member could save. */
/** Whether the acting member may edit the open prompt (the server says so with the prompt); null before it loads. */
export function mayEditPrompt(s: { editor: Pick<EditorSlice['editor'], 'prompt'> }): boolean | null {
  return s.editor.prompt ? s.editor.prompt.allowed.includes('edit') : null;
}

/** Whether the member may run the open prompt (the core's `allowed`); null while it loads. */
export function mayRunPrompt(s: { editor: Pick<EditorSlice['editor'], 'prompt'> }): boolean | null {
  return s.editor.prompt ? s.editor.prompt.allowed.includes('run') : null;
}

export function hasEditsToKeep(editor: Pick<EditorSlice['editor'], 'dirty' | 'saveForbidden'>): boolean {
  return editor.dirty && !editor.saveForbidden;
}

export const createEditorSlice: SliceCreator<EditorSlice> = (set, get) => {
  const patch = (partial: Partial<EditorSlice['editor']>) => set((s) => ({ editor: { ...s.editor, ...partial } }));

  const analyze = (draft: EditorDraft, previous: string[]) => {
    // Strict, as saving is: the editor flags what the save would refuse, while the author types.
    const analysis = analyzeTemplate(draftTemplate(draft), { strict: true });
    return { analysis, variableNames: analysis.ok ? analysis.variables : previous };
  };

  const updateDraft = (change: (draft: EditorDraft) => EditorDraft) => {
    const { draft, savedKey, variableNames } = get().editor;
    const next = change(draft);
    patch({ draft: next, ...analyze(next, variableNames), dirty: draftKey(next) !== savedKey, savedMessage: null });
  };

  const updateMessages = (change: (messages: EditorDraft['messages']) => EditorDraft['messages']) =>
    updateDraft((d) => ({ ...d, messages: change(d.messages) }));

  const startFrom = (prompt: PromptDetail) => {
    const draft = draftFromVersion(prompt.latest);
    return { prompt, draft, ...analyze(draft, []), savedKey: draftKey(draft), dirty: false };
  };

  return {
    editor: {
      promptName: null,
      status: 'idle',
      loadError: null,
      prompt: null,
      draft: initialDraft,
      analysis: { ok: true, variables: [] },
      variableNames: [],
      savedKey: draftKey(initialDraft),
      dirty: false,
      saveDialogOpen: false,
      saving: false,
      saveError: null,
      savedMessage: null,
      saveForbidden: false,
      focusTemplate: 0,
      requestTemplateFocus() {
        patch({ focusTemplate: get().editor.focusTemplate + 1 });
      },
      templateFocused() {
        if (get().editor.focusTemplate !== 0) patch({ focusTemplate: 0 });
      },
      async load(promptName) {
        patch({
          saveForbidden: false,
          promptName,
          status: 'loading',
          loadError: null,
          prompt: null,
          saveError: null,
          savedMessage: null,
          saveDialogOpen: false,
          dirty: false,
        });
        try {
          // Through the query cache, so the page's prompt query (useFollowPrompt) shares this answer.
          const prompt = await queryClient.fetchQuery(promptQuery(promptName));
          if (get().editor.promptName !== promptName) return;
          patch({ ...startFrom(prompt), status: 'ready' });
        } catch (error) {
          if (get().editor.promptName !== promptName) return;
          patch({ status: 'error', loadError: toFormError(error) });
        }
      },
      setMode(mode) {
        updateDraft((d) => switchMode(d, mode));
      },
      setText(text) {
        if (text !== get().editor.draft.text) updateDraft((d) => ({ ...d, text }));
      },
      addMessage() {
        updateMessages((messages) => {
          const last = messages[messages.length - 1];
          // Conversations alternate, so the natural next turn is the other speaker.
          const role: MessageRole = last?.role === 'user' ? 'assistant' : 'user';
          return [...messages, newMessage(role)];
        });
      },
      removeMessage(id) {
        updateMessages((messages) => messages.filter((m) => m.id !== id));
      },
      setMessageRole(id, role) {
        updateMessages((messages) => messages.map((m) => (m.id === id ? { ...m, role } : m)));
      },
      setMessageContent(id, content) {
        const current = get().editor.draft.messages.find((m) => m.id === id);
        if (current && current.content !== content) {
          updateMessages((messages) => messages.map((m) => (m.id === id ? { ...m, content } : m)));
        }
      },
      setVariableField(name, field, value) {
        updateDraft((d) => ({
          ...d,
          variables: { ...d.variables, [name]: { ...(d.variables[name] ?? EMPTY_VARIABLE), [field]: value } },
        }));
      },
      setSetting(field, value) {
        updateDraft((d) => ({ ...d, [field]: value }));
      },
      openSaveDialog() {
        // A member who may not edit gets no commit dialog: the server would refuse the save.
        if (mayEditPrompt(get()) === false) return;
        if (get().editor.status === 'ready' && !get().editor.saving) patch({ saveDialogOpen: true, saveError: null });
      },
      closeSaveDialog() {
        patch({ saveDialogOpen: false });
      },
      async save(commitMessage) {
        const { prompt, draft, saving } = get().editor;
        if (!prompt || saving) return;
        patch({ saving: true, saveError: null, savedMessage: null });
        try {
          const version = await unwrap(
            api.versions.save(draftToSaveInput(draft, prompt.name, prompt.latest?.number ?? 0, commitMessage)),
          );
          // The new version is selectable at once wherever the prompt's versions show (the test panel's, the Versions tab).
          void queryClient.invalidateQueries({ queryKey: queryKeys.prompt(prompt.name) });
          const { draft: current } = get().editor;
          // Edits typed while the save was in flight stay, and still count as unsaved.
          const savedKey = draftKey(draft);
          patch({
            prompt: { ...prompt, latest: version, latestVersion: version.number, updatedAt: version.createdAt },
            savedKey,
            dirty: draftKey(current) !== savedKey,
            saving: false,
            saveDialogOpen: false,
            saveForbidden: false,
            savedMessage: `Saved version ${version.number}`,
          });
        } catch (error) {
          const saveError = toFormError(error);
          // A commit-message problem is fixed in the dialog; anything else belongs to the page.
          const saveForbidden = error instanceof ApiError && error.code === 'forbidden';
          patch({ saving: false, saveError, saveForbidden, saveDialogOpen: saveError.field === 'commitMessage' });
        }
      },
      discardChanges() {
        const { prompt } = get().editor;
        if (prompt) patch({ ...startFrom(prompt), saveError: null, savedMessage: null, saveForbidden: false });
        // A draft put back on a page that never read its prompt (not found): discarding empties it.
        else if (get().editor.dirty) patch({ draft: initialDraft, ...analyze(initialDraft, []), savedKey: draftKey(initialDraft), dirty: false });
      },
      applyTemplate(template, variables) {
        updateDraft((d) => draftWithProposal(d, template, variables));
      },
      restoreDraft(draft, baseVersion) {
        const { prompt, savedKey, variableNames } = get().editor;
        const base = prompt?.latest && baseVersion < prompt.latest.number ? { prompt: { ...prompt, latest: { ...prompt.latest, number: baseVersion } } } : {};
        // One change: the draft and its base arrive together (draft-keeper.ts follows each change).
        patch({ ...base, draft, ...analyze(draft, variableNames), dirty: draftKey(draft) !== savedKey, savedMessage: null });
      },
      replacePrompt(prompt) {
        if (get().editor.promptName !== prompt.name) return;
        patch({ ...startFrom(prompt), status: 'ready', loadError: null, saveError: null, savedMessage: null, saveForbidden: false });
      },
      follow(fresh) {
        if (get().editor.promptName !== fresh.name) return;
        // The page could not read the prompt (deleted or hidden: the lost-draft page, or not found)
        // and it answers again (access restored): back to the editor. Unsaved edits stay, on their
        // base, as below; without any, the page starts from the prompt as it is now.
        if (get().editor.status === 'error') {
          const { prompt: lostPrompt, dirty: lostDirty } = get().editor;
          if (!lostPrompt || !lostDirty) {
            patch({ ...startFrom(fresh), status: 'ready', loadError: null, saveError: null, savedMessage: null, saveForbidden: false });
            return;
          }
          patch({ status: 'ready', loadError: null, saveError: null });
        }
        const { prompt, dirty, saving, status } = get().editor;
        if (!prompt || status !== 'ready') return;
        const newer = (fresh.latest?.number ?? 0) > (prompt.latest?.number ?? 0);
        if (newer && !dirty && !saving) {
          patch({ ...startFrom(fresh), saveError: null, savedMessage: null });
          return;
        }
        const { latest } = prompt;
        const sameLatest = latest !== null && fresh.latest !== null && fresh.latest.number === latest.number;
        // The draft's base never moves under unsaved edits; everything else is the server's now.
        patch({ prompt: { ...fresh, latest: sameLatest ? { ...latest, status: fresh.latest!.status, committed: fresh.latest!.committed } : latest } });
      },
      lost(error) {
        if (error instanceof ApiError && error.code === 'not_found' && get().editor.status === 'ready') patch({ status: 'error', loadError: toFormError(error) });
      },
      clearSavedMessage() {
        if (get().editor.savedMessage !== null) patch({ savedMessage: null });
      },
    },
  };
};
