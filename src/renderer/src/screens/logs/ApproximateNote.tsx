import type { LogStats } from '../../../../shared/schemas/logs';

/**
 * Says that the counts and charts are estimates while the exact figures load (a text search
 * matching many runs is first answered approximately, LogStats.approximate; useLogStats swaps in
 * the exact answer when it lands, and this note goes).
 */
export function ApproximateNote({ stats }: { stats: LogStats | null }) {
  if (!stats?.approximate) return null;
  return (
    <span className="logs-approx" role="status" title="Counted exactly for the newest runs, estimated for older days">
      {' '}
      ≈, exact figure loading…
    </span>
  );
}
