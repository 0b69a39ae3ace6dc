import type { LogStats } from '../../../../shared/schemas/logs';

/**
 * Says that the counts and charts are not the exact answer to the current filter: "updating…"
 * while the previous filter's figures stand in (useLogStats `updating`, the summary dims them),
 * or that they are estimates while the exact figures load (a text search matching many runs is
 * first answered approximately, LogStats.approximate; useLogStats swaps in the exact answer when
 * it lands, and this note goes).
 */
export function ApproximateNote({ stats, updating = false }: { stats: LogStats | null; updating?: boolean }) {
  if (updating) {
    return (
      <span className="logs-approx" role="status" title="These are the previous filter’s figures; the counts for this one are on their way">
        {' '}
        updating…
      </span>
    );
  }
  if (!stats?.approximate) return null;
  return (
    <span className="logs-approx" role="status" title="Counted exactly for the newest runs, estimated for older days">
      {' '}
      ≈, exact figure loading…
    </span>
  );
}
