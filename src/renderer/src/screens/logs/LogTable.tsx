import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogEntry } from '../../../../shared/schemas/logs';
import { Button } from '../../components/Button';
import { absoluteTime, relativeTime } from '../../lib/relative-time';
import { MAX_LOG_ROWS, SOURCE_LABELS } from '../../state/logs-slice';
import { useLogRuns, useLogStats } from '../../state/logs-queries';
import { useAppStore } from '../../state/store';
import { fitColumns } from './fit-columns';
import { formatMs, formatTokens, runnerLabel } from './log-format';
import { RatingMark, RunStatusBadge } from './RunBadges';

const ROW_HEIGHT = 40;
/** Start fetching the next page this many rows before the end, so scrolling rarely waits. */
const LOAD_AHEAD = 30;

interface Column {
  key: string;
  label: string;
  /** Visible header text when the label is too long for the column. */
  short?: string;
  /** Pixels; the output column takes what is left (at least this). */
  width: number;
  className?: string;
  cell(entry: LogEntry): ReactNode;
}

const COLUMNS: Column[] = [
  {
    key: 'time',
    label: 'Time',
    width: 96,
    className: 'logs-table__time',
    cell: (e) => (
      <time dateTime={e.startedAt} title={absoluteTime(e.startedAt)}>
        {relativeTime(e.startedAt)}
      </time>
    ),
  },
  { key: 'prompt', label: 'Prompt', width: 112, cell: (e) => <span title={e.prompt}>{e.prompt}</span> },
  { key: 'version', label: 'Version', short: 'Ver.', width: 44, cell: (e) => (e.version === null ? <span className="muted">draft</span> : `v${e.version}`) },
  {
    key: 'source',
    label: 'Source',
    width: 64,
    // "Test panel" does not fit; the full name is on hover and in the drawer.
    cell: (e) => <span title={SOURCE_LABELS[e.source]}>{e.source === 'test' ? 'Test' : SOURCE_LABELS[e.source]}</span>,
  },
  {
    key: 'member',
    label: 'Member / key',
    width: 120,
    cell: (e) => {
      const text = runnerLabel(e);
      return <span title={text}>{text}</span>;
    },
  },
  { key: 'model', label: 'Model', width: 112, cell: (e) => <span title={e.model}>{e.model}</span> },
  { key: 'status', label: 'Status', width: 88, cell: (e) => <RunStatusBadge status={e.status} /> },
  { key: 'latency', label: 'Latency', width: 72, className: 'logs-table__number', cell: (e) => formatMs(e.latencyMs) },
  { key: 'ttft', label: 'Time to first token', short: 'TTFT', width: 68, className: 'logs-table__number', cell: (e) => formatMs(e.ttftMs) },
  { key: 'tokens', label: 'Tokens in / out', short: 'Tokens', width: 76, className: 'logs-table__number', cell: (e) => formatTokens(e) },
  { key: 'rating', label: 'Rating', width: 56, className: 'logs-table__center', cell: (e) => <RatingMark rating={e.rating} /> },
  { key: 'output', label: 'Output', width: 160, className: 'logs-table__output', cell: outputCell },
];

/**
 * Left out first to last when the table is narrower than all its columns (a 1000 px window, the
 * prompt's Logs tab), so it never scrolls sideways; every one of them is in the run's drawer.
 */
const DROP_ORDER = ['ttft', 'tokens', 'source', 'latency', 'version', 'member', 'rating'];

/** The width of `ref`'s element in CSS pixels, kept current as the window or the layout changes. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    // Measured before the first paint, so a narrow window never flashes the wide table.
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

function outputCell(entry: LogEntry): ReactNode {
  if (entry.status === 'error' && entry.error) {
    return (
      <span className="logs-table__error" title={entry.error}>
        {entry.error}
      </span>
    );
  }
  if (entry.outputPreview !== null) return <span title={entry.outputPreview}>{entry.outputPreview}</span>;
  return <span className="muted">{entry.dataLogging === 'full' ? '—' : 'Not logged'}</span>;
}

/**
 * The matching runs, newest first. Only the rows in view are in the DOM; nearing the end loads
 * the next page. Up/Down (and Page Up/Down, Home, End) move between rows; Enter opens one.
 */
export function LogTable({ showPrompt }: { showPrompt: boolean }) {
  const { items, hasMore, loadingMore, moreError, refreshing: busy, loadMore } = useLogRuns();
  // Another filter's count (while this one's loads) is no total for these rows.
  const { stats, updating } = useLogStats();
  const total = updating ? null : (stats?.total ?? null);
  // After a failed page the footer offers "Try again" instead of retrying on every scroll.
  const moreFailed = moreError !== null;
  const openDetail = useAppStore((s) => s.logs.openDetail);
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const columns = fitColumns(showPrompt ? COLUMNS : COLUMNS.filter((c) => c.key !== 'prompt'), width, DROP_ORDER);
  // The active row belongs to one result set (keyed by its newest run); a new set starts at its top.
  const listKey = items[0]?.id ?? '';
  const [activeState, setActiveState] = useState({ listKey, index: 0 });
  const active = activeState.listKey === listKey ? activeState.index : 0;
  const setActive = (index: number) => setActiveState({ listKey, index });
  const pendingFocus = useRef<number | null>(null);
  // The virtualizer is read fresh on every render and never memoised, which is all the warning asks.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // React 19 warns about flushSync during render; a frame of lag while scrolling is invisible.
    useFlushSync: false,
  });
  const rows = virtualizer.getVirtualItems();
  const lastIndex = rows[rows.length - 1]?.index ?? -1;
  const capped = items.length >= MAX_LOG_ROWS;

  useEffect(() => {
    if (hasMore && !capped && !loadingMore && !moreFailed && lastIndex >= items.length - LOAD_AHEAD) loadMore();
  }, [hasMore, capped, loadingMore, moreFailed, lastIndex, items.length, loadMore]);

  // Focus follows the keyboard once the target row has been rendered.
  useEffect(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${index}"]`);
    if (row) {
      pendingFocus.current = null;
      // The table fits the window: bring all of it into view (header included), then the row within it.
      scrollRef.current?.scrollIntoView({ block: 'nearest' });
      row.focus({ preventScroll: true });
    }
  });

  const activeIndex = Math.min(active, Math.max(items.length - 1, 0));
  const rendered = rows.some((r) => r.index === activeIndex);
  // Keep one row reachable with Tab even when the active one has scrolled out of the DOM.
  const tabStop = rendered ? activeIndex : (rows[0]?.index ?? 0);

  const moveTo = (index: number) => {
    const target = Math.max(0, Math.min(items.length - 1, index));
    setActive(target);
    pendingFocus.current = target;
    virtualizer.scrollToIndex(target, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, index: number, entry: LogEntry) => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 2);
    const next =
      event.key === 'ArrowDown' ? index + 1
      : event.key === 'ArrowUp' ? index - 1
      : event.key === 'PageDown' ? index + pageRows
      : event.key === 'PageUp' ? index - pageRows
      : event.key === 'Home' ? 0
      : event.key === 'End' ? items.length - 1
      : null;
    if (next !== null) {
      event.preventDefault();
      moveTo(next);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      void openDetail(entry.id);
    }
  };

  const first = rows[0];
  const last = rows[rows.length - 1];
  const paddingTop = first ? first.start : 0;
  const paddingBottom = last ? virtualizer.getTotalSize() - last.end : 0;
  const minWidth = columns.reduce((sum, c) => sum + c.width, 0);

  return (
    <div className="logs-table-wrap" aria-busy={busy || loadingMore}>
      <div ref={scrollRef} className="logs-table__scroll" data-testid="logs-scroll">
        <table className="logs-table" style={{ minWidth }} aria-rowcount={(total ?? items.length) + 1}>
          <caption className="visually-hidden">Runs, newest first. Use the arrow keys to move between runs and Enter to open one.</caption>
          <colgroup>
            {columns.map((c) => (
              <col key={c.key} style={c.key === 'output' ? undefined : { width: c.width }} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              {columns.map((c) => (
                <th key={c.key} scope="col" className={c.className}>
                  {c.short ? (
                    <abbr title={c.label} aria-label={c.label}>
                      {c.short}
                    </abbr>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {paddingTop > 0 && (
              <tr aria-hidden="true" className="logs-table__spacer">
                <td colSpan={columns.length} style={{ height: paddingTop }} />
              </tr>
            )}
            {rows.map((row) => {
              const entry = items[row.index];
              if (!entry) return null;
              return (
                <tr
                  key={entry.id}
                  data-index={row.index}
                  aria-rowindex={row.index + 2}
                  tabIndex={row.index === tabStop ? 0 : -1}
                  className={`logs-table__row${entry.status === 'error' ? ' is-error' : ''}`}
                  onClick={() => {
                    setActive(row.index);
                    void openDetail(entry.id);
                  }}
                  onFocus={() => setActive(row.index)}
                  onKeyDown={(event) => onKeyDown(event, row.index, entry)}
                >
                  {columns.map((c) => (
                    <td key={c.key} className={c.className}>
                      {c.cell(entry)}
                    </td>
                  ))}
                </tr>
              );
            })}
            {paddingBottom > 0 && (
              <tr aria-hidden="true" className="logs-table__spacer">
                <td colSpan={columns.length} style={{ height: paddingBottom }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <TableFooter shown={items.length} total={total} hasMore={hasMore} capped={capped} />
    </div>
  );
}

function TableFooter({ shown, total, hasMore, capped }: { shown: number; total: number | null; hasMore: boolean; capped: boolean }) {
  const { loadingMore, moreError: error, loadMore } = useLogRuns();
  return (
    <div className="logs-table__footer">
      <p role="status" className="logs-table__loaded">
        {loadingMore
          ? 'Loading more runs…'
          : total !== null && total > shown
            ? `Showing the newest ${shown.toLocaleString()} of ${total.toLocaleString()} runs`
            : hasMore
              ? `${shown.toLocaleString()} runs loaded`
              : shown === 1
              ? '1 run shown'
              : `All ${shown.toLocaleString()} runs shown`}
        {capped && ' · narrow the filters or export to see older runs'}
      </p>
      {error && (
        <p className="logs-table__more-error" role="alert">
          Could not load more runs: {error}{' '}
          <Button size="sm" onClick={loadMore}>
            Try again
          </Button>
        </p>
      )}
    </div>
  );
}
