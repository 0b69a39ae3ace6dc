import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Readiness, ReadinessSettings, ReadinessTickItem } from '../../../shared/schemas/readiness';
import type { DataLoggingLevel } from '../../../shared/schemas/runs';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient, writeQuery } from '../lib/query-client';
import { queryKeys } from './query-keys';
import type { SliceCreator } from './store';

/** One prompt's readiness checklist. */
export const readinessQuery = (name: string) => queryOptions({ queryKey: queryKeys.readiness(name), queryFn: () => unwrap(api.readiness.get({ name })) });

/** Settings → Workspace: whether widening access needs every item passed. */
export const readinessSettingsQuery = queryOptions({ queryKey: queryKeys.readinessSettings, queryFn: () => unwrap(api.readiness.settings()) });

/** The Readiness tab's checklist: `data` null until it arrives (a failed refetch keeps the last one). */
export function useReadiness(name: string) {
  const q = useQuery(readinessQuery(name));
  return { data: q.data ?? null, error: q.isError ? toFormError(q.error).message : null, retry: () => void q.refetch() };
}

/**
 * The Readiness tab's changes (ticks, the data-logging choice, title and description) and the
 * workspace setting's switch. The checklist and the setting are queries (above): a change writes
 * the server's answer into them or invalidates them.
 */
export interface ReadinessSlice {
  readiness: {
    /** The prompt the checklist belongs to; answers for another prompt change no message here. */
    promptName: string | null;
    /** A tick or a data-logging choice is in flight. */
    busy: boolean;
    /** Why the last tick failed: shown above the checklist. */
    actionError: string | null;
    /** Why the last change of the workspace setting failed. */
    settingsError: string | null;
    reset(promptName: string): void;
    tick(item: ReadinessTickItem, ticked: boolean): Promise<void>;
    /** Records the current data-logging level as chosen (choosing the default counts). */
    chooseLogging(level: DataLoggingLevel): Promise<void>;
    /** Why the last title/description change failed: shown next to its field. */
    detailsError: FormError | null;
    /** Changes the prompt's title and description (item 3); true when saved. */
    saveDetails(title: string, description: string): Promise<boolean>;
    setRequired(required: boolean): Promise<void>;
  };
}

type State = ReadinessSlice['readiness'];

const reloadChecklist = (name: string) => queryClient.invalidateQueries({ queryKey: queryKeys.readiness(name) });

export const createReadinessSlice: SliceCreator<ReadinessSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ readiness: { ...s.readiness, ...partial } }));
  const current = (name: string) => get().readiness.promptName === name;

  /** Runs one change that answers (or is followed by) the whole checklist. */
  const change = async (call: (name: string) => Promise<Readiness | null>) => {
    const { promptName, busy } = get().readiness;
    if (!promptName || busy) return;
    patch({ busy: true, actionError: null });
    try {
      const data = await call(promptName);
      if (data) await writeQuery(queryKeys.readiness(promptName), data);
      else await reloadChecklist(promptName);
      if (current(promptName)) patch({ busy: false });
    } catch (error) {
      void reloadChecklist(promptName);
      if (current(promptName)) patch({ busy: false, actionError: toFormError(error).message });
    }
  };

  return {
    readiness: {
      promptName: null,
      busy: false,
      actionError: null,
      settingsError: null,
      detailsError: null,
      reset(promptName) {
        patch({ promptName, busy: false, actionError: null, detailsError: null });
      },
      tick: (item, ticked) => change((name) => unwrap(api.readiness.tick({ name, item, ticked }))),
      chooseLogging: (level) =>
        change(async (name) => {
          await unwrap(api.prompts.setLogging({ name, level }));
          return null;
        }),
      async saveDetails(title, description) {
        const { promptName, busy } = get().readiness;
        if (!promptName || busy) return false;
        patch({ busy: true, detailsError: null });
        try {
          const saved = await unwrap(api.prompts.update({ name: promptName, title, description }));
          // The page header shows the title and description too: the server's answer is the prompt now.
          await writeQuery(queryKeys.promptDetail(promptName), saved);
          if (!current(promptName)) return false;
          patch({ busy: false });
          await reloadChecklist(promptName);
          return true;
        } catch (error) {
          if (current(promptName)) patch({ busy: false, detailsError: toFormError(error) });
          return false;
        }
      },
      async setRequired(required) {
        const before = queryClient.getQueryData<ReadinessSettings>(queryKeys.readinessSettings);
        // Shown at once; the server's answer settles it, a refusal puts the previous value back.
        await writeQuery<ReadinessSettings>(queryKeys.readinessSettings, { requiredForWidening: required });
        patch({ settingsError: null });
        try {
          await writeQuery(queryKeys.readinessSettings, await unwrap(api.readiness.setRequired({ required })));
        } catch (error) {
          await writeQuery(queryKeys.readinessSettings, before);
          patch({ settingsError: toFormError(error).message });
        }
      },
    },
  };
};
