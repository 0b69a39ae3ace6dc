import type { PromptVersion, VersionSummary } from '../../../shared/schemas/prompts';
import type { Deployment, VersionComparison } from '../../../shared/schemas/versions';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import type { SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface VersionsSlice {
  versions: {
    /** The prompt these versions belong to; every result for another prompt is dropped. */
    promptName: string | null;
    items: VersionSummary[];
    deployment: Deployment | null;
    status: LoadStatus;
    error: string | null;
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

    opened: PromptVersion | null;
    openedStatus: LoadStatus;
    openedError: string | null;

    compareFrom: number | null;
    compareTo: number | null;
    comparison: VersionComparison | null;
    comparing: boolean;
    compareError: string | null;

    reset(promptName: string): void;
    load(): Promise<void>;
    openVersion(number: number): Promise<void>;
    setCompare(from: number, to: number): void;
    compare(): Promise<void>;
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
  items: [],
  deployment: null,
  status: 'idle',
  error: null,
  busy: false,
  notice: null,
  actionError: null,
  promoteTarget: null,
  promoting: false,
  promoteError: null,
  restoreConfirm: null,
  opened: null,
  openedStatus: 'idle',
  openedError: null,
  compareFrom: null,
  compareTo: null,
  comparison: null,
  comparing: false,
  compareError: null,
} satisfies Partial<State>;

// Only the newest request of each kind may write its result.
let latestLoad = 0;
let latestOpen = 0;
let latestCompare = 0;

export const createVersionsSlice: SliceCreator<VersionsSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ versions: { ...s.versions, ...partial } }));
  const current = (name: string) => get().versions.promptName === name;

  /** After any change: the list, the deployment, the page header and an open history all move. */
  const refreshAll = async () => {
    const { versions, history, editor } = get();
    const tasks: Promise<unknown>[] = [versions.load(), editor.refreshMeta()];
    if (history.promptName === versions.promptName && history.status !== 'idle') tasks.push(history.load());
    if (versions.opened) tasks.push(versions.openVersion(versions.opened.number));
    await Promise.all(tasks);
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
      await refreshAll();
    } catch (error) {
      if (!current(promptName)) return;
      patch({ busy: false, actionError: toFormError(error).message });
      // The refusal may come from a change made elsewhere: show the versions as they are now.
      void get().versions.load();
    }
  };

  return {
    versions: {
      promptName: null,
      ...FRESH,
      reset(promptName) {
        latestLoad += 1;
        latestOpen += 1;
        latestCompare += 1;
        patch({ promptName, ...FRESH });
      },
      async load() {
        const { promptName } = get().versions;
        if (!promptName) return;
        const request = ++latestLoad;
        patch({ status: get().versions.status === 'ready' ? 'ready' : 'loading', error: null });
        try {
          const [items, deployment] = await Promise.all([
            unwrap(api.versions.list({ name: promptName })),
            unwrap(api.deployment.get({ name: promptName })),
          ]);
          if (request !== latestLoad || !current(promptName)) return;
          const numbers = new Set(items.map((v) => v.number));
          const { compareFrom, compareTo } = get().versions;
          const keep = compareFrom !== null && compareTo !== null && numbers.has(compareFrom) && numbers.has(compareTo);
          // Newest first: by default compare the previous version with the newest.
          const defaults = { compareTo: items[0]?.number ?? null, compareFrom: items[1]?.number ?? items[0]?.number ?? null };
          patch({ items, deployment, status: 'ready', ...(keep ? {} : { ...defaults, comparison: null }) });
          // Re-run even when the pair is kept: statuses (and drafts edited in place) may have moved.
          if (items.length >= 2) void get().versions.compare();
        } catch (error) {
          if (request !== latestLoad || !current(promptName)) return;
          patch({ status: 'error', error: toFormError(error).message });
        }
      },
      async openVersion(number) {
        const { promptName, opened } = get().versions;
        if (!promptName) return;
        const request = ++latestOpen;
        const same = opened?.number === number;
        patch({ openedStatus: same ? 'ready' : 'loading', openedError: null, ...(same ? {} : { opened: null }) });
        try {
          const version = await unwrap(api.versions.get({ name: promptName, number }));
          if (request !== latestOpen || !current(promptName)) return;
          patch({ opened: version, openedStatus: 'ready' });
        } catch (error) {
          if (request !== latestOpen || !current(promptName)) return;
          patch({ openedStatus: 'error', openedError: toFormError(error).message });
        }
      },
      setCompare(from, to) {
        patch({ compareFrom: from, compareTo: to });
        void get().versions.compare();
      },
      async compare() {
        const { promptName, compareFrom, compareTo } = get().versions;
        if (!promptName || compareFrom === null || compareTo === null) return;
        const request = ++latestCompare;
        patch({ comparing: true, compareError: null });
        try {
          const comparison = await unwrap(api.versions.compare({ name: promptName, from: compareFrom, to: compareTo }));
          if (request !== latestCompare || !current(promptName)) return;
          patch({ comparison, comparing: false });
        } catch (error) {
          if (request !== latestCompare || !current(promptName)) return;
          patch({ comparison: null, comparing: false, compareError: toFormError(error).message });
        }
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
          await refreshAll();
        } catch (error) {
          if (!current(promptName)) return;
          patch({ promoting: false, promoteError: toFormError(error) });
          void get().versions.load();
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
