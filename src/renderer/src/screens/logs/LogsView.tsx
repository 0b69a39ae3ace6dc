import { useEffect } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { LogsIcon } from '../../app/nav-icons';
import { isLogFilterActive, plural } from '../../state/logs-slice';
import { useLogRuns, useLogStats } from '../../state/logs-queries';
import { useAppStore } from '../../state/store';
import { ExportButtons, ExportStatus } from './ExportBar';
import { LogCharts } from './LogCharts';
import { ApproximateNote } from './ApproximateNote';
import { LogDrawer } from './LogDrawer';
import { LogFilters } from './LogFilters';
import { LogTable } from './LogTable';

/**
 * Every logged run, filtered, charted and exportable. The global Logs screen shows all prompts
 * (`promptName` omitted); a prompt's Logs tab passes its name and the prompt filter is fixed.
 */
export function LogsView({ promptName = null }: { promptName?: string | null }) {
  const open = useAppStore((s) => s.logs.open);
  const closeDetail = useAppStore((s) => s.logs.closeDetail);
  const showPrompt = promptName === null;

  useEffect(() => {
    open(promptName);
    // Leaving the view (say, by the drawer's link to the prompt) must not reopen the drawer later.
    return () => closeDetail();
  }, [open, closeDetail, promptName]);

  return (
    <div className="logs-view">
      <Controls showPrompt={showPrompt} />
      <LogsBody promptName={promptName} />
      <LogDrawer />
    </div>
  );
}

/** Filters, counts, export and charts; left out while there is nothing at all to filter. */
function Controls({ showPrompt }: { showPrompt: boolean }) {
  const runs = useLogRuns();
  const { stats } = useLogStats();
  const filtered = useAppStore((s) => isLogFilterActive(s.logs.filter));
  const nothingYet = !runs.loading && !runs.error && runs.items.length === 0 && stats?.total === 0 && !filtered;
  if (nothingYet) return null;
  return (
    <>
      <LogFilters showPrompt={showPrompt} />
      <SummaryBar />
      <ExportStatus />
      <Charts showPrompt={showPrompt} />
    </>
  );
}

function SummaryBar() {
  const { stats, updating, error: statsError } = useLogStats();
  const total = stats?.total ?? null;
  const errors = stats?.errors ?? 0;
  const filtered = useAppStore((s) => isLogFilterActive(s.logs.filter));
  const refreshing = useLogRuns().refreshing;
  const refresh = useAppStore((s) => s.logs.refresh);
  const clearFilters = useAppStore((s) => s.logs.clearFilters);
  return (
    <div className="logs-summary">
      <p className={`logs-summary__count${updating ? ' logs-stale' : ''}`} aria-live="polite" aria-busy={updating}>
        {total === null ? (
          statsError ? (
            <span className="field__error">Could not count the runs: {statsError}</span>
          ) : (
            ' '
          )
        ) : (
          <>
            <strong>{plural(total, 'run')}</strong>
            {filtered ? (total === 1 ? ' matches' : ' match') : ''}
            {errors > 0 && <span className="logs-summary__errors"> · {plural(errors, 'error')}</span>}
            <ApproximateNote stats={stats} updating={updating} />
          </>
        )}
      </p>
      <div className="logs-summary__actions">
        {filtered && (
          <Button size="sm" variant="ghost" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
        <Button size="sm" variant="ghost" disabled={refreshing} onClick={() => void refresh()}>
          Refresh
        </Button>
        <ExportButtons disabled={total === 0} />
      </div>
    </div>
  );
}

function Charts({ showPrompt }: { showPrompt: boolean }) {
  const { stats, updating } = useLogStats();
  if (!stats || stats.total === 0) return null;
  return (
    <div className={`logs-charts-slot${updating ? ' logs-stale' : ''}`} aria-busy={updating}>
      <LogCharts stats={stats} showPrompt={showPrompt} />
    </div>
  );
}

function LogsBody({ promptName }: { promptName: string | null }) {
  const { loading, error, items } = useLogRuns();
  const count = items.length;
  const filtered = useAppStore((s) => isLogFilterActive(s.logs.filter));
  const clearFilters = useAppStore((s) => s.logs.clearFilters);
  const refresh = useAppStore((s) => s.logs.refresh);

  if (error) {
    return (
      <Banner tone="error" action={<Button size="sm" onClick={() => void refresh()}>Try again</Button>}>
        Could not load the logs: {error}
      </Banner>
    );
  }
  if (loading) {
    return <div className="skeleton-list" aria-busy="true" aria-label="Loading runs" />;
  }
  if (count === 0 && filtered) {
    return (
      <EmptyState title="No runs match" action={<Button onClick={clearFilters}>Clear filters</Button>}>
        <p>No logged run matches these filters. Widen the dates or clear the filters to see every run.</p>
      </EmptyState>
    );
  }
  if (count === 0) {
    return (
      <EmptyState
        icon={<LogsIcon />}
        title={promptName ? 'No runs of this prompt yet' : 'No runs yet'}
        action={
          <Button size="sm" onClick={() => void refresh()}>
            Check again
          </Button>
        }
      >
        <p>Every execution is logged here with its model, status, timing and tokens. Runs arrive from three places:</p>
        <ul className="logs-empty__sources">
          <li>
            <strong>Chat</strong>: running {promptName ? 'it' : 'a prompt'} from the chat launcher
          </li>
          <li>
            <strong>API</strong>: <code>POST /api/v1/prompts/{promptName ?? '{name}'}/run</code> with an API key
          </li>
          <li>
            <strong>Test panel</strong>: trying a draft in the editor
          </li>
        </ul>
      </EmptyState>
    );
  }
  return <LogTable showPrompt={promptName === null} />;
}
