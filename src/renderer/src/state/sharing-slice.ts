import {
  SHARING_LEVEL_LABELS,
  type Action,
  type SharePermission,
  type SharingInfo,
  type SharingLevel,
} from '../../../shared/schemas/sharing';
import type { User } from '../../../shared/schemas/users';
import { widensAccess } from '../../../shared/schemas/readiness';
import { ApiError, api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import type { SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export const PERMISSION_LABELS: Record<SharePermission, string> = {
  view: 'Can view',
  // Running never shows the text (Chat only for one person); the label says so where it is chosen.
  run: 'Can run, not read',
  edit: 'Can edit',
};

/** What each level means, in the words of the spec. */
export const SHARING_LEVEL_HINTS: Record<SharingLevel, string> = {
  private: 'Only the owner and people it is shared with',
  chat_only: 'Everyone can run it from the chat launcher; it does not appear in the library',
  library_view: 'Everyone can find and run it; only editors can change it',
  library_edit: 'Everyone can find, run and edit it',
};

export interface SharingSlice {
  sharing: {
    /** The prompt this sharing belongs to; results for another prompt are dropped. */
    promptName: string | null;
    info: SharingInfo | null;
    status: LoadStatus;
    error: string | null;
    /** A level change, share or removal is in flight. */
    busy: boolean;
    /** What the last change did, announced politely. */
    notice: string | null;
    /** A level, permission or removal failure: shown above the panel. */
    actionError: string | null;
    /** Why the last "Add" failed: shown next to the "Share with" field. */
    addError: FormError | null;
    /** Typeahead matches for the "Share with" field. */
    suggestions: User[];
    /**
     * A level that widens access to everyone while readiness items are open: it waits for the
     * member's confirmation (or, when an admin requires the checklist, is only explained).
     */
    widen: { level: SharingLevel; open: string[]; required: boolean } | null;
    confirmWiden(): Promise<void>;
    cancelWiden(): void;
    reset(promptName: string): void;
    load(): Promise<void>;
    setLevel(level: SharingLevel): Promise<void>;
    /** Shares with a member by email or name; true when it worked (the form then clears). */
    add(text: string, permission: SharePermission): Promise<boolean>;
    setPermission(userId: string, permission: SharePermission): Promise<void>;
    remove(userId: string): Promise<void>;
    search(query: string): Promise<void>;
    clearSuggestions(): void;
    clearAddError(): void;
    dismissError(): void;
  };
}

type State = SharingSlice['sharing'];

const FRESH = {
  info: null,
  status: 'idle',
  error: null,
  busy: false,
  notice: null,
  actionError: null,
  addError: null,
  suggestions: [],
  widen: null,
} satisfies Partial<State>;

let latestLoad = 0;
let latestSearch = 0;

const displayName = (user: { name: string; email: string }) => user.name || user.email;

/** Whether the acting member may do `action` with the prompt whose sharing is loaded. */
export function sharingAllows(info: SharingInfo | null, action: Action): boolean {
  return info?.allowed.includes(action) ?? false;
}

export const createSharingSlice: SliceCreator<SharingSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ sharing: { ...s.sharing, ...partial } }));
  const current = (name: string) => get().sharing.promptName === name;

  /** Runs one change; the server's answer (the whole sharing) replaces what is shown. */
  const change = async (
    call: (name: string) => Promise<SharingInfo>,
    describe: (info: SharingInfo) => string,
    onError?: (error: FormError) => void,
    reword?: (error: unknown) => FormError | null,
  ) => {
    const { promptName } = get().sharing;
    if (!promptName) return false;
    patch({ busy: true, actionError: null, notice: null });
    try {
      const info = await call(promptName);
      if (!current(promptName)) return false;
      patch({ info, busy: false, notice: describe(info) });
      return true;
    } catch (error) {
      if (!current(promptName)) return false;
      const formError = reword?.(error) ?? toFormError(error);
      patch({ busy: false });
      if (onError) onError(formError);
      else patch({ actionError: formError.message });
      // The refusal may come from a change made elsewhere: show the sharing as it is now.
      void get().sharing.load();
      return false;
    }
  };

  /** Sets the level: shown at once; the server's answer (or the reload after a refusal) settles it. */
  const applyLevel = async (level: SharingLevel) => {
    const { info } = get().sharing;
    if (!info) return;
    patch({ info: { ...info, level } });
    await change(
      (name) => unwrap(api.sharing.setLevel({ name, level })),
      (next) => `Sharing level set to ${SHARING_LEVEL_LABELS[next.level]}`,
    );
  };

  const nameOf = (userId: string) => {
    const share = get().sharing.info?.shares.find((s) => s.user.id === userId);
    return share ? displayName(share.user) : 'member';
  };

  /**
   * The email to share with: the text itself when it looks like one, otherwise the one
   * suggestion whose name matches (so "Bob" + Add works once Bob is suggested).
   */
  const emailFor = (text: string) => {
    const trimmed = text.trim();
    if (trimmed.includes('@')) return trimmed;
    const lower = trimmed.toLowerCase();
    const byName = get().sharing.suggestions.filter((u) => u.name.toLowerCase() === lower);
    return byName.length === 1 && byName[0] ? byName[0].email : trimmed;
  };

  return {
    sharing: {
      promptName: null,
      ...FRESH,
      reset(promptName) {
        latestLoad += 1;
        latestSearch += 1;
        patch({ promptName, ...FRESH });
      },
      async load() {
        const { promptName, status } = get().sharing;
        if (!promptName) return;
        const request = ++latestLoad;
        patch({ status: status === 'ready' ? 'ready' : 'loading', error: null });
        try {
          const info = await unwrap(api.sharing.get({ name: promptName }));
          if (request !== latestLoad || !current(promptName)) return;
          patch({ info, status: 'ready' });
        } catch (error) {
          if (request !== latestLoad || !current(promptName)) return;
          patch({ status: 'error', error: toFormError(error).message });
        }
      },
      async setLevel(level) {
        const { info, busy, promptName } = get().sharing;
        if (!info || busy || info.level === level || !promptName) return;
        if (widensAccess(info.level, level)) {
          // The checklist decides what is open; the core refuses for itself when it is required.
          const readiness = await unwrap(api.readiness.get({ name: promptName })).catch(() => null);
          if (!current(promptName)) return;
          const open = readiness?.items.filter((i) => i.status === 'open').map((i) => i.title) ?? [];
          if (readiness && open.length > 0) {
            patch({ widen: { level, open, required: readiness.requiredForWidening } });
            return;
          }
        }
        await applyLevel(level);
      },
      async confirmWiden() {
        const { widen } = get().sharing;
        if (!widen) return;
        patch({ widen: null });
        await applyLevel(widen.level);
      },
      cancelWiden() {
        patch({ widen: null });
      },
      async add(text, permission) {
        if (get().sharing.busy) return false;
        patch({ addError: null });
        const email = emailFor(text);
        if (email === '') {
          patch({ addError: { message: 'Type a name or email address', field: 'email' } });
          return false;
        }
        const ok = await change(
          (name) => unwrap(api.sharing.add({ name, email, permission })),
          (info) => {
            const share = info.shares.find((s) => s.user.email === email.toLowerCase());
            return `Shared with ${share ? displayName(share.user) : email}: ${PERMISSION_LABELS[permission].toLowerCase()}`;
          },
          (error) => patch({ addError: error }),
          // The server's "No member with email x not found" reads better as one sentence.
          (error) =>
            error instanceof ApiError && error.code === 'not_found' && error.message.includes(email.toLowerCase())
              ? { message: `No member has the email ${email}`, field: 'email' }
              : null,
        );
        if (ok) patch({ suggestions: [] });
        return ok;
      },
      async setPermission(userId, permission) {
        const share = get().sharing.info?.shares.find((s) => s.user.id === userId);
        if (!share || share.permission === permission) return;
        // Sharing again with the same member changes their permission.
        await change(
          (name) => unwrap(api.sharing.add({ name, email: share.user.email, permission })),
          () => `${displayName(share.user)}: ${PERMISSION_LABELS[permission].toLowerCase()}`,
        );
      },
      async remove(userId) {
        const who = nameOf(userId);
        await change(
          (name) => unwrap(api.sharing.remove({ name, userId })),
          () => `Removed ${who}`,
        );
      },
      async search(query) {
        const request = ++latestSearch;
        if (query.trim() === '') {
          patch({ suggestions: [] });
          return;
        }
        try {
          const users = await unwrap(api.users.search({ query }));
          if (request !== latestSearch) return;
          const { info } = get().sharing;
          const me = get().session.info?.currentUser.id;
          // The owner and the acting member already have access: offering them would only fail.
          patch({ suggestions: users.filter((u) => u.id !== info?.owner.id && u.id !== me) });
        } catch {
          if (request === latestSearch) patch({ suggestions: [] });
        }
      },
      clearSuggestions() {
        latestSearch += 1;
        patch({ suggestions: [] });
      },
      clearAddError() {
        if (get().sharing.addError) patch({ addError: null });
      },
      dismissError() {
        patch({ actionError: null });
      },
    },
  };
};
