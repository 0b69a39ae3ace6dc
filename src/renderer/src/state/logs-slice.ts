import type { LogDetail, LogEntry, LogExportStatus, LogFilter, LogSettings, LogStats } from '../../../shared/schemas/logs';
import type { DataLoggingLevel, RunSource, RunStatus } from '../../../shared/schemas/runs';
import type { User } from '../../../shared/schemas/users';
import { bridgeAuthHeaders } from '../lib/bridge';
import { ApiError, api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { localDayRange } from '../lib/local-day';
import type { AppState, SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

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
  /** The Logs screen and a prompt's Logs tab (one at a time): filters, loaded rows, detail, export, settings. */
  logs: {
    /** The prompt the view is fixed to (its Logs tab), or null on the global screen. */
    scope: string | null;
    /** The member the view was loaded for: after a member switch everything starts over. */
    viewerId: string | null;
    filter: LogsFilterForm;
    /** A filter the server (or the form) refused, shown next to its field. */
    filterError: FormError | null;
    items: LogEntry[];
    nextCursor: string | null;
    status: LoadStatus;
    loadingMore: boolean;
    error: string | null;
    stats: LogStats | null;
    statsError: string | null;
    /** Members for the "Member" filter; null hides it (e.g. the acting member may not list them). */
    members: User[] | null;
    detailId: string | null;
    detail: LogDetail | null;
    detailStatus: LoadStatus;
    detailError: string | null;
    exportJob: LogExportJob | null;
    settings: LogSettings | null;
    settingsError: string | null;
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
    /** Reloads the first page and the counts for the current filter. */
    refresh(): Promise<void>;
    loadMore(): Promise<void>;
    loadMembers(): Promise<void>;
    openDetail(id: string): Promise<void>;
    closeDetail(): void;
    startExport(format: LogExportStatus['format']): Promise<void>;
    dismissExport(): void;
    loadSettings(): Promise<void>;
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

// Only the newest request of each kind may write; slower earlier answers are dropped.
let latestList = 0;
let latestStats = 0;
let latestDetail = 0;
let latestExport = 0;
let exportTimer: number | undefined;

const FRESH_VIEW = {
  items: [],
  nextCursor: null,
  status: 'idle',
  loadingMore: false,
  error: null,
  stats: null,
  statsError: null,
  filterError: null,
  detailId: null,
  detail: null,
  detailStatus: 'idle',
  detailError: null,
  notice: null,
  actionError: null,
} satisfies Partial<State>;

export const createLogsSlice: SliceCreator<LogsSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ logs: { ...s.logs, ...partial } }));
  const patchExport = (exportId: number, partial: Partial<LogExportJob>) => {
    const job = get().logs.exportJob;
    if (exportId !== latestExport || !job) return;
    patch({ exportJob: { ...job, ...partial } });
  };

  const loadStats = async (filter: LogFilter) => {
    const request = ++latestStats;
    try {
      // Runs per day are counted over the days of this user's zone, as the date filters are.
      const stats = await unwrap(api.logs.stats({ ...filter, tz: Intl.DateTimeFormat().resolvedOptions().timeZone }));
      if (request === latestStats) patch({ stats, statsError: null });
    } catch (error) {
      if (request === latestStats) patch({ statsError: toFormError(error).message });
    }
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
      ...FRESH_VIEW,
      members: null,
      exportJob: null,
      settings: null,
      settingsError: null,
      retentionError: null,
      settingsBusy: false,
      loggingBusy: false,
      loggingPending: null,
      open(scope) {
        const { logs } = get();
        const viewerId = get().session.info?.currentUser.id ?? null;
        if (logs.viewerId !== viewerId) {
          latestExport += 1;
          window.clearTimeout(exportTimer);
          patch({ viewerId, exportJob: null, settings: null, settingsError: null, retentionError: null, members: null, status: 'idle' });
        }
        if (logs.scope !== scope || get().logs.status === 'idle') {
          latestList += 1;
          latestStats += 1;
          latestDetail += 1;
          // A finished export belonged to the other view; one still running carries on to its download.
          const job = logs.exportJob;
          const finished = job !== null && (job.error !== null || (job.status !== null && job.status.state !== 'running' && !job.downloading));
          patch({ scope, filter: NO_LOG_FILTER, ...FRESH_VIEW, ...(finished ? { exportJob: null } : {}) });
        }
        void get().logs.refresh();
      },
      setFilter(partial) {
        const filter = { ...get().logs.filter, ...partial };
        const unchanged = (Object.keys(partial) as (keyof LogsFilterForm)[]).every((k) => get().logs.filter[k] === filter[k]);
        if (unchanged) return;
        patch({ filter });
        void get().logs.refresh();
      },
      clearFilters() {
        patch({ filter: NO_LOG_FILTER });
        void get().logs.refresh();
      },
      async refresh() {
        const { scope, filter: form, status } = get().logs;
        const parsed = toLogFilter(scope, form);
        const request = ++latestList;
        if ('error' in parsed) {
          // Keep showing the last good results while the form says what to fix.
          patch({ filterError: parsed.error, status: status === 'idle' ? 'ready' : status, loadingMore: false });
          return;
        }
        patch({ status: status === 'ready' ? 'ready' : 'loading', loadingMore: false, error: null, filterError: null });
        void loadStats(parsed.filter);
        try {
          const page = await unwrap(api.logs.list({ ...parsed.filter, limit: LOGS_PAGE_SIZE }));
          if (request !== latestList) return;
          patch({ items: page.items, nextCursor: page.nextCursor, status: 'ready' });
        } catch (error) {
          if (request !== latestList) return;
          const formError = toFormError(error);
          // A field the server refused (a date, say) belongs next to that field, not instead of the table.
          if (formError.field) patch({ filterError: formError, status: 'ready' });
          else patch({ status: 'error', error: formError.message });
        }
      },
      async loadMore() {
        const { scope, filter: form, nextCursor, loadingMore, items, status } = get().logs;
        if (!nextCursor || loadingMore || status !== 'ready' || items.length >= MAX_LOG_ROWS) return;
        const parsed = toLogFilter(scope, form);
        if ('error' in parsed) return;
        const request = latestList;
        patch({ loadingMore: true });
        try {
          const page = await unwrap(api.logs.list({ ...parsed.filter, cursor: nextCursor, limit: LOGS_PAGE_SIZE }));
          if (request !== latestList) return;
          const seen = new Set(get().logs.items.map((item) => item.id));
          const fresh = page.items.filter((item) => !seen.has(item.id));
          patch({ items: [...get().logs.items, ...fresh].slice(0, MAX_LOG_ROWS), nextCursor: page.nextCursor, loadingMore: false });
        } catch (error) {
          if (request !== latestList) return;
          patch({ loadingMore: false, error: toFormError(error).message });
        }
      },
      async loadMembers() {
        try {
          const users = await unwrap(api.users.list());
          patch({ members: [...users].sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email)) });
        } catch {
          // Forbidden (or failing): the view works without the member filter, so it is hidden.
          patch({ members: null });
        }
      },
      async openDetail(id) {
        const request = ++latestDetail;
        const entry = get().logs.items.find((item) => item.id === id) ?? null;
        patch({ detailId: id, detail: entry ? { ...entry, ...NOT_LOADED } : null, detailStatus: 'loading', detailError: null });
        try {
          const detail = await unwrap(api.logs.get({ id }));
          if (request === latestDetail) patch({ detail, detailStatus: 'ready' });
        } catch (error) {
          if (request === latestDetail) patch({ detailStatus: 'error', detailError: toFormError(error).message });
        }
      },
      closeDetail() {
        latestDetail += 1;
        patch({ detailId: null, detail: null, detailStatus: 'idle', detailError: null });
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
      async loadSettings() {
        try {
          patch({ settings: await unwrap(api.logs.settings()), settingsError: null });
        } catch (error) {
          patch({ settingsError: toFormError(error).message });
        }
      },
      async setRetention(days) {
        if (get().logs.settingsBusy) return false;
        patch({ settingsBusy: true, retentionError: null, notice: null, actionError: null });
        try {
          const settings = await unwrap(api.logs.setRetention({ days }));
          patch({
            settings,
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
          patch({ settings, settingsBusy: false, notice: `Purged: ${plural(removed, 'run')} removed` });
          void get().logs.refresh();
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
          if (get().logs.scope !== scope) return patch({ loggingBusy: false, loggingPending: null });
          // The editor holds the prompt the page shows; only the logging level changed.
          set((s) =>
            s.editor.prompt?.id === prompt.id
              ? { editor: { ...s.editor, prompt: { ...s.editor.prompt, dataLogging: prompt.dataLogging } } }
              : {},
          );
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
const NOT_LOADED = {
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
