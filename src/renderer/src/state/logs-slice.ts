import type { LogDetail, LogExportStatus, LogFilter } from '../../../shared/schemas/logs';
import type { DataLoggingLevel, RunSource, RunStatus } from '../../../shared/schemas/runs';
import { bridgeAuthHeaders } from '../lib/bridge';
import { ApiError, api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { localDayRange } from '../lib/local-day';
import { queryClient, writeQuery } from '../lib/query-client';
import { queryKeys } from './query-keys';
import type { AppState, SliceCreator } from './store';

export const LOGS_PAGE_SIZE = 100;
/** Older runs stay on the server: past this the table stops paging and suggests filters or export. */
export const MAX_LOG_ROWS = 3000;
const EXPORT_POLL_MS = 300;

export const SOURCE_LABELS: Record<RunSource, string> = { chat: 'Chat', api: 'API', test: 'Test panel', refine: 'Refine', mcp: 'MCP' };
export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  success: 'Success',
  error: 'Error',
  cancelled: 'Cancelled',
  running: 'Running',
};
export const DATA_LOGGING_LABELS: Record<DataLoggingLevel, string> = { full: 'Full', metadata: 'Metadata only', none: 'None' };

/** The filter as the form holds it: '' means "any" everywhere. */
export interface LogsFilterForm {
  prompt: string;
  source: '' | RunSource;
  status: '' | RunStatus;
  version: string;
  userId: string;
  model: string;
  /** 'YYYY-MM-DD' (local days, both inclusive) or ''. */
  from: string;
  to: string;
  q: string;
}

export const NO_LOG_FILTER: LogsFilterForm = {
  prompt: '',
  source: '',
  status: '',
  version: '',
  userId: '',
  model: '',
  from: '',
  to: '',
  q: '',
};

export interface LogExportJob {
  format: LogExportStatus['format'];
  /** The server's last word on the export; null until it answers the first time. */
  status: LogExportStatus | null;
  /** Fetching the finished file into the browser (headless mode). */
  downloading: boolean;
  /** The file name the browser saved, once it has. */
  downloaded: string | null;
  error: string | null;
}

export interface LogsSlice {
  /**
   * The Logs screen and a prompt's Logs tab (one at a time): the filter form, the open run, the
   * export job and the settings changes. The runs, counts, a run in full and the retention
   * settings are queries (logs-queries.ts) keyed by `scope` and `applied`.
   */
  logs: {
    /** The prompt the view is fixed to (its Logs tab), or null on the global screen. */
    scope: string | null;
    /** The member the view was opened for: after a member switch the export job is dropped. */
    viewerId: string | null;
    filter: LogsFilterForm;
    /** The server's filter for the last form that parsed: the key of the runs and counts shown. */
    applied: LogFilter;
    /** A filter the form refused, shown next to its field (the last good results stay). */
    filterError: FormError | null;
    /** The run open in the drawer. */
    detailId: string | null;
    exportJob: LogExportJob | null;
    retentionError: FormError | null;
    settingsBusy: boolean;
    /** What the last settings or data-logging change did, announced politely. */
    notice: string | null;
    actionError: string | null;
    loggingBusy: boolean;
    /** The level being saved, shown as chosen until the server answers. */
    loggingPending: DataLoggingLevel | null;
    /** Shows the view for a prompt (or all prompts): a new scope starts from no filters. */
    open(scope: string | null): void;
    setFilter(partial: Partial<LogsFilterForm>): void;
    clearFilters(): void;
    /** Refetches the runs and the counts of the view. */
    refresh(): Promise<void>;
    openDetail(id: string): void;
    closeDetail(): void;
    startExport(format: LogExportStatus['format']): Promise<void>;
    dismissExport(): void;
    /** True when saved (null keeps logs forever). */
    setRetention(days: number | null): Promise<boolean>;
    purge(): Promise<void>;
    setDataLogging(level: DataLoggingLevel): Promise<void>;
    dismissNotice(): void;
  };
}

type State = LogsSlice['logs'];

/** True when the member narrowed the view (the fixed prompt of a Logs tab does not count). */
export function isLogFilterActive(filter: LogsFilterForm): boolean {
  return Object.values(filter).some((value) => value.trim() !== '');
}

export function isAdmin(s: AppState): boolean {
  return s.session.info?.currentUser.role === 'admin';
}

const VERSION_PATTERN = /^\d{1,9}$/;

/**
 * The server's filter for what the form holds, or the first field the form can already tell is
 * wrong. Dates are the user's local days (see localDayRange).
 */
export function toLogFilter(scope: string | null, form: LogsFilterForm): { filter: LogFilter } | { error: FormError } {
  const version = form.version.trim();
  if (version !== '' && (!VERSION_PATTERN.test(version) || Number(version) < 1)) {
    return { error: { field: 'version', message: 'Use a version number such as 3' } };
  }
  const days = localDayRange(form);
  if ('error' in days) return days;
  const { from, to } = days.range;
  const prompt = scope ?? form.prompt.trim();
  return {
    filter: {
      ...(prompt ? { prompt } : {}),
      ...(form.source ? { source: form.source } : {}),
      ...(form.status ? { status: form.status } : {}),
      ...(version ? { version: Number(version) } : {}),
      ...(form.userId ? { userId: form.userId } : {}),
      ...(form.model.trim() ? { model: form.model.trim() } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(form.q.trim() ? { q: form.q.trim() } : {}),
    },
  };
}

/** Fetches the finished export from the headless host and hands it to the browser as a download. */
async function downloadExport(url: string, fileName: string): Promise<void> {
  const response = await fetch(url, { headers: bridgeAuthHeaders() });
  if (!response.ok) throw new Error(`The download failed (${response.status} ${response.statusText})`);
  const blob = await response.blob();
  const objectUrl = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = objectUrl;
    link.download = fileName;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // Revoked on the next turn: the click has handed the blob to the download by then.
    window.setTimeout(() => URL.revokeObjectURL(objectUrl), 0);
  }
}

// A poll or download of an export dismissed or replaced since changes nothing on screen.
let latestExport = 0;
let exportTimer: number | undefined;

/** The filter the view starts from in `scope`: every run (of the prompt, on its Logs tab). */
const unfiltered = (scope: string | null): LogFilter => (scope ? { prompt: scope } : {});

export const createLogsSlice: SliceCreator<LogsSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ logs: { ...s.logs, ...partial } }));
  const patchExport = (exportId: number, partial: Partial<LogExportJob>) => {
    const job = get().logs.exportJob;
    if (exportId !== latestExport || !job) return;
    patch({ exportJob: { ...job, ...partial } });
  };

  /** Takes the form: a filter that parses becomes the key of what shows; one that does not says why. */
  const applyForm = (filter: LogsFilterForm) => {
    const parsed = toLogFilter(get().logs.scope, filter);
    if ('error' in parsed) patch({ filter, filterError: parsed.error });
    else patch({ filter, applied: parsed.filter, filterError: null });
  };

  const pollExport = (exportId: number, id: string) => {
    window.clearTimeout(exportTimer);
    exportTimer = window.setTimeout(async () => {
      try {
        const status = await unwrap(api.logs.exportStatus({ exportId: id }));
        patchExport(exportId, { status });
        await settleExport(exportId, status);
      } catch (error) {
        patchExport(exportId, { error: toFormError(error).message });
      }
    }, EXPORT_POLL_MS);
  };

  const settleExport = async (exportId: number, status: LogExportStatus) => {
    if (exportId !== latestExport) return;
    if (status.state === 'running') return pollExport(exportId, status.exportId);
    if (status.state === 'error') return patchExport(exportId, { error: status.error ?? 'The export failed' });
    if (!status.downloadUrl) return;
    patchExport(exportId, { downloading: true });
    try {
      await downloadExport(status.downloadUrl, status.fileName);
      patchExport(exportId, { downloading: false, downloaded: status.fileName });
    } catch (error) {
      patchExport(exportId, { downloading: false, error: toFormError(error).message });
    }
  };

  return {
    logs: {
      scope: null,
      viewerId: null,
      filter: NO_LOG_FILTER,
      applied: unfiltered(null),
      filterError: null,
      detailId: null,
      exportJob: null,
      retentionError: null,
      settingsBusy: false,
      notice: null,
      actionError: null,
      loggingBusy: false,
      loggingPending: null,
      open(scope) {
        const { logs } = get();
        const viewerId = get().session.info?.currentUser.id ?? null;
        if (logs.viewerId !== viewerId) {
          latestExport += 1;
          window.clearTimeout(exportTimer);
          patch({ viewerId, exportJob: null, retentionError: null });
        }
        if (logs.scope !== scope) {
          // A finished export belonged to the other view; one still running carries on to its download.
          const job = logs.exportJob;
          const finished = job !== null && (job.error !== null || (job.status !== null && job.status.state !== 'running' && !job.downloading));
          patch({
            scope,
            filter: NO_LOG_FILTER,
            applied: unfiltered(scope),
            filterError: null,
            detailId: null,
            notice: null,
            actionError: null,
            ...(finished ? { exportJob: null } : {}),
          });
        }
      },
      setFilter(partial) {
        const filter = { ...get().logs.filter, ...partial };
        const unchanged = (Object.keys(partial) as (keyof LogsFilterForm)[]).every((k) => get().logs.filter[k] === filter[k]);
        if (!unchanged) applyForm(filter);
      },
      clearFilters() {
        applyForm(NO_LOG_FILTER);
      },
      async refresh() {
        await queryClient.invalidateQueries({ queryKey: queryKeys.logScope(get().logs.scope) });
      },
      openDetail(id) {
        patch({ detailId: id });
      },
      closeDetail() {
        patch({ detailId: null });
      },
      async startExport(format) {
        const { scope, filter: form } = get().logs;
        const parsed = toLogFilter(scope, form);
        if ('error' in parsed) {
          patch({ filterError: parsed.error });
          return;
        }
        const exportId = ++latestExport;
        window.clearTimeout(exportTimer);
        patch({ exportJob: { format, status: null, downloading: false, downloaded: null, error: null } });
        try {
          const status = await unwrap(api.logs.export({ filter: parsed.filter, format }));
          patchExport(exportId, { status });
          await settleExport(exportId, status);
        } catch (error) {
          patchExport(exportId, { error: toFormError(error).message });
        }
      },
      dismissExport() {
        latestExport += 1;
        window.clearTimeout(exportTimer);
        patch({ exportJob: null });
      },
      async setRetention(days) {
        if (get().logs.settingsBusy) return false;
        patch({ settingsBusy: true, retentionError: null, notice: null, actionError: null });
        try {
          const settings = await unwrap(api.logs.setRetention({ days }));
          await writeQuery(queryKeys.logSettings, settings);
          patch({
            settingsBusy: false,
            notice: settings.retentionDays === null ? 'Logs are kept forever' : `Logs are kept for ${plural(settings.retentionDays, 'day')}`,
          });
          return true;
        } catch (error) {
          patch({ settingsBusy: false, retentionError: toFormError(error) });
          return false;
        }
      },
      async purge() {
        if (get().logs.settingsBusy) return;
        patch({ settingsBusy: true, notice: null, actionError: null });
        try {
          const settings = await unwrap(api.logs.purge());
          const removed = settings.lastPurge?.removed ?? 0;
          await writeQuery(queryKeys.logSettings, settings);
          patch({ settingsBusy: false, notice: `Purged: ${plural(removed, 'run')} removed` });
          // Every view's runs and counts may have lost rows.
          void queryClient.invalidateQueries({ queryKey: queryKeys.logs });
        } catch (error) {
          patch({ settingsBusy: false, actionError: toFormError(error).message });
        }
      },
      async setDataLogging(level) {
        const { scope, loggingBusy } = get().logs;
        if (!scope || loggingBusy) return;
        patch({ loggingBusy: true, loggingPending: level, notice: null, actionError: null });
        try {
          const prompt = await unwrap(api.prompts.setLogging({ name: scope, level }));
          // The page reads the prompt's query (the editor follows it): the server's answer is the prompt now.
          await writeQuery(queryKeys.promptDetail(scope), prompt);
          if (get().logs.scope !== scope) return patch({ loggingBusy: false, loggingPending: null });
          patch({ loggingBusy: false, loggingPending: null, notice: `Data logging: ${DATA_LOGGING_LABELS[prompt.dataLogging]}` });
        } catch (error) {
          if (get().logs.scope !== scope) return patch({ loggingBusy: false, loggingPending: null });
          const message = error instanceof ApiError && error.code === 'forbidden' ? `You cannot change this: ${error.message}` : toFormError(error).message;
          patch({ loggingBusy: false, loggingPending: null, actionError: message });
        }
      },
      dismissNotice() {
        patch({ notice: null, actionError: null });
      },
    },
  };
};

/** What a row does not carry, until logs:get answers. */
export const NOT_LOADED = {
  variables: null,
  variableNames: null,
  messages: null,
  output: null,
  outputChars: null,
  conversationId: null,
} satisfies Partial<LogDetail>;

export function plural(count: number, noun: string): string {
  return `${count.toLocaleString()} ${noun}${count === 1 ? '' : 's'}`;
}
