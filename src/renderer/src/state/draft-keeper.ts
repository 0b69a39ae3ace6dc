import { newMessage, type EditorDraft } from './editor-draft';

/**
 * Keeps the editor's unsaved draft in this tab's sessionStorage, per member and prompt, so a
 * session that ends under it (key revoked or expired, server restart, a day unused: the sign-in
 * screen replaces the app) or a reload does not throw the work away. After signing in again as
 * the same member and opening the prompt, the draft comes back; another member signing in to the
 * tab never gets it (the key names the member).
 *
 * sessionStorage, like the session token (lib/bridge.ts): per tab, gone with the tab, survives
 * the reload a sign-in does.
 */

/** The part of the Web Storage interface used here (sessionStorage in the app; a Map in tests). */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = 'promptdesk.draft:';

/** The storage key of `memberId`'s draft of `promptName` (JSON, so no name can forge another pair). */
export function draftStorageKey(memberId: string, promptName: string): string {
  return PREFIX + JSON.stringify([memberId, promptName]);
}

/** A kept draft and the version it was started from (its save's `baseVersion`). */
export interface KeptDraft {
  draft: EditorDraft;
  baseVersion: number;
}

/** Stores the draft; a full storage keeps nothing rather than failing the edit. */
export function keepDraft(storage: DraftStorage, memberId: string, promptName: string, kept: KeptDraft): void {
  try {
    storage.setItem(draftStorageKey(memberId, promptName), JSON.stringify(kept));
  } catch {
    // Quota exceeded or storage disabled: the draft is still on screen, only not kept.
  }
}

export function dropKeptDraft(storage: DraftStorage, memberId: string, promptName: string): void {
  storage.removeItem(draftStorageKey(memberId, promptName));
}

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * `memberId`'s kept draft of `promptName`, or null (none, or not a draft: a stored value is read
 * as untrusted). Chat messages get fresh ids, so they cannot collide with ones made after a reload.
 */
export function readKeptDraft(storage: DraftStorage, memberId: string, promptName: string): KeptDraft | null {
  const raw = storage.getItem(draftStorageKey(memberId, promptName));
  if (raw === null) return null;
  try {
    const kept = JSON.parse(raw) as { draft?: Partial<EditorDraft>; baseVersion?: unknown } | null;
    const d = kept?.draft;
    if (!d || typeof kept.baseVersion !== 'number' || !Number.isInteger(kept.baseVersion) || kept.baseVersion < 0) return null;
    const fields = [d.text, d.models, d.temperature, d.maxTokens, d.displayMessage];
    if ((d.mode !== 'text' && d.mode !== 'chat') || !fields.every(isString) || !Array.isArray(d.messages) || typeof d.variables !== 'object' || d.variables === null) return null;
    if (!d.messages.every((m) => isString(m?.content) && isString(m?.role))) return null;
    return { draft: { ...(d as EditorDraft), messages: d.messages.map((m) => newMessage(m.role, m.content)) }, baseVersion: kept.baseVersion };
  } catch {
    return null;
  }
}

/** What the keeper reads of the app store. */
export interface DraftKeeperState {
  session: { info: { currentUser: { id: string } } | null };
  editor: {
    promptName: string | null;
    status: 'idle' | 'loading' | 'ready' | 'error';
    draft: EditorDraft;
    dirty: boolean;
    prompt: { latest: { number: number } | null } | null;
    restoreDraft(draft: EditorDraft, baseVersion: number): void;
  };
}

interface StoreLike<S> {
  getState(): S;
  subscribe(listener: (state: S, previous: S) => void): () => void;
}

/**
 * Follows the editor in `store`: a dirty draft is written (each edit), a draft made clean removes
 * the kept copy (saved, discarded), and when a prompt's page becomes ready with a kept draft of
 * the signed-in member, the draft is put back (dirty, as it was) on the version it was started
 * from, so a version saved meanwhile is not overwritten unseen (the save's conflict check). A
 * prompt lost while dirty (the LostDraft page) keeps its copy too, and a prompt that cannot be
 * opened at all (not found) gets its kept draft back for that page.
 * @returns stop following
 */
export function keepEditorDrafts<S extends DraftKeeperState>(store: StoreLike<S>, storage: DraftStorage): () => void {
  return store.subscribe((state, previous) => {
    const { editor } = state;
    const member = state.session.info?.currentUser.id;
    if (member === undefined || editor.promptName === null) return;
    const became = (status: 'ready' | 'error') => editor.status === status && (previous.editor.status !== status || previous.editor.promptName !== editor.promptName);
    const becameReady = became('ready');
    // Opened and not found (deleted, or hidden while signed out): the draft shows on the lost-draft
    // page (Copy, Save as new prompt), and comes back to the editor if the prompt answers again.
    if ((becameReady || became('error')) && !editor.dirty) {
      const kept = readKeptDraft(storage, member, editor.promptName);
      // Restoring calls back here with the draft dirty, which keeps it again.
      if (kept) return editor.restoreDraft(kept.draft, kept.baseVersion);
    }
    if (editor.dirty) {
      if (editor.draft !== previous.editor.draft || !previous.editor.dirty || becameReady || editor.prompt !== previous.editor.prompt) {
        // A page that never read the prompt (not found) keeps the base the kept copy already had.
        const baseVersion = editor.prompt?.latest?.number ?? readKeptDraft(storage, member, editor.promptName)?.baseVersion ?? 0;
        keepDraft(storage, member, editor.promptName, { draft: editor.draft, baseVersion });
      }
    } else if (previous.editor.dirty && previous.editor.promptName === editor.promptName && editor.status !== 'loading') {
      // Just made clean (saved, discarded, typed back to what is saved): nothing to keep. (Not a
      // load starting over, which is 'loading'; and nothing to do on the store's other changes.)
      dropKeptDraft(storage, member, editor.promptName);
    }
  });
}
