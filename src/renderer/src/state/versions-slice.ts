import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient } from '../lib/query-client';
import { queryKeys } from './query-keys';
import type { SliceCreator } from './store';

/**
 * The version actions of a prompt's page (promote, commit, unarchive, restore, pin) and what they
 * say. The versions, an opened version, comparisons and History are queries (versions-queries.ts):
 * after an action they are invalidated, not reloaded here.
 */
export interface VersionsSlice {
  versions: {
    /** The prompt whose page is open; an answer for another prompt changes nothing. */
    promptName: string | null;
    /** A lifecycle action (unarchive, restore, pin) is in flight. */
    busy: boolean;
    /** What the last action did, announced politely: "v3 promoted to production". */
    notice: string | null;
    actionError: string | null;

    promoteTarget: number | null;
    promoting: boolean;
    promoteError: FormError | null;
    /** A restore waiting for the user to agree to drop the editor's unsaved draft. */
    restoreConfirm: number | null;

    /** The pair picked to compare (see comparePair for the default). */
    compareFrom: number | null;
    compareTo: number | null;

    reset(promptName: string): void;
    setCompare(from: number, to: number): void;
    openPromote(number: number): void;
    closePromote(): void;
    promote(notes: string): Promise<void>;
    unarchive(number: number): Promise<void>;
    commit(number: number): Promise<void>;
    requestRestore(number: number): void;
    confirmRestore(): void;
    cancelRestore(): void;
    restore(number: number): Promise<void>;
    pin(version: number | null): Promise<void>;
    dismissError(): void;
  };
}

type State = VersionsSlice['versions'];

const FRESH = {
  busy: false,
  notice: null,
  actionError: null,
  promoteTarget: null,
  promoting: false,
  promoteError: null,
  restoreConfirm: null,
  compareFrom: null,
  compareTo: null,
} satisfies Partial<State>;

/** Everything of the prompt's page that is a query: the versions, opened versions, comparisons, History. */
const invalidatePrompt = (name: string) => queryClient.invalidateQueries({ queryKey: queryKeys.prompt(name) });

export const createVersionsSlice: SliceCreator<VersionsSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ versions: { ...s.versions, ...partial } }));
  const current = (name: string) => get().versions.promptName === name;

  /**
   * After any change: every query of the prompt moves, the page header with it (the editor
   * follows the prompt's query), and this window's last save message is old news.
   */
  const refreshAll = (name: string) => {
    get().editor.clearSavedMessage();
    return invalidatePrompt(name);
  };

  /** Runs one lifecycle call; on success says what happened, on failure shows the server's reason. */
  const run = async <T>(call: (name: string) => Promise<T>, describe: (value: T) => string, after?: (value: T, name: string) => Promise<void>) => {
    const { promptName, busy } = get().versions;
    if (!promptName || busy) return;
    patch({ busy: true, actionError: null, notice: null });
    try {
      const value = await call(promptName);
      if (!current(promptName)) return;
      if (after) await after(value, promptName);
      patch({ busy: false, notice: describe(value) });
      await refreshAll(promptName);
    } catch (error) {
      if (!current(promptName)) return;
      patch({ busy: false, actionError: toFormError(error).message });
      // The refusal may come from a change made elsewhere: show the versions as they are now.
      void invalidatePrompt(promptName);
    }
  };

  return {
    versions: {
      promptName: null,
      ...FRESH,
      reset(promptName) {
        patch({ promptName, ...FRESH });
      },
      setCompare(from, to) {
        patch({ compareFrom: from, compareTo: to });
      },
      openPromote(number) {
        if (!get().versions.promoting) patch({ promoteTarget: number, promoteError: null });
      },
      closePromote() {
        if (!get().versions.promoting) patch({ promoteTarget: null, promoteError: null });
      },
      async promote(notes) {
        const { promptName, promoteTarget: number, promoting } = get().versions;
        if (!promptName || number === null || promoting) return;
        patch({ promoting: true, promoteError: null, notice: null, actionError: null });
        try {
          await unwrap(api.versions.promote({ name: promptName, number, notes }));
          if (!current(promptName)) return;
          patch({ promoting: false, promoteTarget: null, notice: `v${number} promoted to production` });
          await refreshAll(promptName);
        } catch (error) {
          if (!current(promptName)) return;
          patch({ promoting: false, promoteError: toFormError(error) });
          void invalidatePrompt(promptName);
        }
      },
      async unarchive(number) {
        await run(
          (name) => unwrap(api.versions.unarchive({ name, number })),
          () => `v${number} unarchived: it is a draft again and can be promoted`,
        );
      },
      async commit(number) {
        await run(
          (name) => unwrap(api.versions.commit({ name, number })),
          () => `v${number} committed: it is read-only now`,
        );
      },
      requestRestore(number) {
        // Restoring replaces the editor's content; unsaved edits are only dropped with consent.
        if (get().editor.dirty && get().editor.promptName === get().versions.promptName) patch({ restoreConfirm: number });
        else void get().versions.restore(number);
      },
      confirmRestore() {
        const number = get().versions.restoreConfirm;
        patch({ restoreConfirm: null });
        if (number !== null) void get().versions.restore(number);
      },
      cancelRestore() {
        patch({ restoreConfirm: null });
      },
      async restore(number) {
        await run(
          (name) => unwrap(api.versions.restore({ name, number })),
          (created) => `Restored v${number} as v${created.number}`,
          async (_created, name) => {
            const prompt = await unwrap(api.prompts.get({ name }));
            if (!current(name)) return;
            get().editor.replacePrompt(prompt);
            get().route.navigate({ name: 'editor', promptName: name });
          },
        );
      },
      async pin(version) {
        await run(
          (name) => unwrap(api.deployment.pin({ name, version })),
          (deployment) =>
            deployment.mode === 'pinned' && deployment.pinnedVersion !== null
              ? `API pinned to v${deployment.pinnedVersion}`
              : 'API follows the published version again',
        );
      },
      dismissError() {
        patch({ actionError: null });
      },
    },
  };
};
