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
import { queryClient, writeQuery } from '../lib/query-client';
import { queryKeys } from './query-keys';
import { readinessQuery } from './readiness-slice';
import type { SliceCreator } from './store';

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

/**
 * The Sharing tab's changes (level, shares, the widen confirmation) and what they say. The
 * sharing itself is a query (sharing-queries.ts): each change writes the server's answer into it.
 */
export interface SharingSlice {
  sharing: {
    /** The prompt whose page is open; an answer for another prompt changes nothing here. */
    promptName: string | null;
    /** A level change, share or removal is in flight. */
    busy: boolean;
    /** What the last change did, announced politely. */
    notice: string | null;
    /** A level, permission or removal failure: shown above the panel. */
    actionError: string | null;
    /** Why the last "Add" failed: shown next to the "Share with" field. */
    addError: FormError | null;
    /**
     * A level that widens access to everyone while readiness items are open: it waits for the
     * member's confirmation (or, when an admin requires the checklist, is only explained).
     */
    widen: { level: SharingLevel; open: string[]; required: boolean } | null;
    confirmWiden(): Promise<void>;
    cancelWiden(): void;
    reset(promptName: string): void;
    setLevel(level: SharingLevel): Promise<void>;
    /** Shares with a member by email or name; true when it worked (the form then clears). */
    add(text: string, permission: SharePermission): Promise<boolean>;
    setPermission(userId: string, permission: SharePermission): Promise<void>;
    remove(userId: string): Promise<void>;
    clearAddError(): void;
    dismissError(): void;
  };
}

type State = SharingSlice['sharing'];

const FRESH = {
  busy: false,
  notice: null,
  actionError: null,
  addError: null,
  widen: null,
} satisfies Partial<State>;

const displayName = (user: { name: string; email: string }) => user.name || user.email;

/** Whether the acting member may do `action` with the prompt whose sharing is loaded. */
export function sharingAllows(info: SharingInfo | null, action: Action): boolean {
  return info?.allowed.includes(action) ?? false;
}

/**
 * Who "Share with" may offer among `users`: not the owner nor the acting member, who already
 * have access (offering them would only fail).
 */
export function shareCandidates(users: readonly User[], info: Pick<SharingInfo, 'owner'> | null, me: string | undefined): User[] {
  return users.filter((u) => u.id !== info?.owner.id && u.id !== me);
}

const sharingNow = (name: string) => queryClient.getQueryData<SharingInfo>(queryKeys.sharing(name)) ?? null;
const showSharing = (name: string, info: SharingInfo) => writeQuery(queryKeys.sharing(name), info);

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
      await showSharing(promptName, info);
      if (!current(promptName)) return false;
      patch({ busy: false, notice: describe(info) });
      return true;
    } catch (error) {
      // The refusal may come from a change made elsewhere: show the sharing as it is now.
      void queryClient.invalidateQueries({ queryKey: queryKeys.sharing(promptName) });
      if (!current(promptName)) return false;
      const formError = reword?.(error) ?? toFormError(error);
      patch({ busy: false });
      if (onError) onError(formError);
      else patch({ actionError: formError.message });
      return false;
    }
  };

  /** Sets the level: shown at once; the server's answer (or the refetch after a refusal) settles it. */
  const applyLevel = async (name: string, level: SharingLevel) => {
    const info = sharingNow(name);
    if (!info) return;
    await showSharing(name, { ...info, level });
    await change(
      (prompt) => unwrap(api.sharing.setLevel({ name: prompt, level })),
      (next) => `Sharing level set to ${SHARING_LEVEL_LABELS[next.level]}`,
    );
  };

  const nameOf = (name: string, userId: string) => {
    const share = sharingNow(name)?.shares.find((s) => s.user.id === userId);
    return share ? displayName(share.user) : 'member';
  };

  /**
   * The email to share with: the text itself when it looks like one, otherwise the one member
   * suggested for that text whose name matches (so "Bob" + Add works once Bob is suggested).
   */
  const emailFor = (name: string, text: string) => {
    const trimmed = text.trim();
    if (trimmed.includes('@')) return trimmed;
    const lower = trimmed.toLowerCase();
    const found = queryClient.getQueryData<User[]>(queryKeys.userSearch(text)) ?? [];
    const suggested = shareCandidates(found, sharingNow(name), get().session.info?.currentUser.id);
    const byName = suggested.filter((u) => u.name.toLowerCase() === lower);
    return byName.length === 1 && byName[0] ? byName[0].email : trimmed;
  };

  return {
    sharing: {
      promptName: null,
      ...FRESH,
      reset(promptName) {
        patch({ promptName, ...FRESH });
      },
      async setLevel(level) {
        const { busy, promptName } = get().sharing;
        const info = promptName ? sharingNow(promptName) : null;
        if (!info || busy || info.level === level || !promptName) return;
        if (widensAccess(info.level, level)) {
          // The checklist decides what is open; the core refuses for itself when it is required.
          const readiness = await queryClient.fetchQuery(readinessQuery(promptName)).catch(() => null);
          if (!current(promptName)) return;
          const open = readiness?.items.filter((i) => i.status === 'open').map((i) => i.title) ?? [];
          if (readiness && open.length > 0) {
            patch({ widen: { level, open, required: readiness.requiredForWidening } });
            return;
          }
        }
        await applyLevel(promptName, level);
      },
      async confirmWiden() {
        const { widen, promptName } = get().sharing;
        if (!widen || !promptName) return;
        patch({ widen: null });
        await applyLevel(promptName, widen.level);
      },
      cancelWiden() {
        patch({ widen: null });
      },
      async add(text, permission) {
        const { busy, promptName } = get().sharing;
        if (busy || !promptName) return false;
        patch({ addError: null });
        const email = emailFor(promptName, text);
        if (email === '') {
          patch({ addError: { message: 'Type a name or email address', field: 'email' } });
          return false;
        }
        return change(
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
      },
      async setPermission(userId, permission) {
        const { promptName } = get().sharing;
        const share = promptName ? sharingNow(promptName)?.shares.find((s) => s.user.id === userId) : undefined;
        if (!share || share.permission === permission) return;
        // Sharing again with the same member changes their permission.
        await change(
          (name) => unwrap(api.sharing.add({ name, email: share.user.email, permission })),
          () => `${displayName(share.user)}: ${PERMISSION_LABELS[permission].toLowerCase()}`,
        );
      },
      async remove(userId) {
        const { promptName } = get().sharing;
        if (!promptName) return;
        const who = nameOf(promptName, userId);
        await change(
          (name) => unwrap(api.sharing.remove({ name, userId })),
          () => `Removed ${who}`,
        );
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
