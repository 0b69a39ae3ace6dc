import { useId, type ReactNode } from 'react';
import type { LogStats } from '../../../../shared/schemas/logs';
import { formatMs, formatPercent, shortDay } from './log-format';

/** Enough bars to read a month at a glance; older days are in the table and the export. */
const MAX_DAYS = 45;
/** A short history still reads as days on a timeline, not one bar the width of the card. */
const MIN_DAYS = 14;
const DAY_MS = 86_400_000;
const MAX_VERSIONS = 5;

type Day = LogStats['days'][number];

/**
 * Days up to the last with runs, the quiet ones included so gaps show as gaps: at least
 * MIN_DAYS, at most MAX_DAYS. Keys are the server's 'YYYY-MM-DD' (UTC) days.
 */
export function continuousDays(days: Day[]): Day[] {
  if (days.length === 0) return [];
  const byDay = new Map(days.map((d) => [d.day, d]));
  const sorted = [...byDay.keys()].sort();
  const first = Date.parse(`${sorted[0]}T00:00:00Z`);
  const last = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`);
  if (Number.isNaN(first) || Number.isNaN(last)) return [...days].sort((a, b) => a.day.localeCompare(b.day));
  const out: Day[] = [];
  const start = Math.min(Math.max(first, last - (MAX_DAYS - 1) * DAY_MS), last - (MIN_DAYS - 1) * DAY_MS);
  for (let t = start; t <= last; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, runs: 0, errors: 0 });
  }
  return out;
}

/** Three small charts over the filtered runs: volume, failures and speed. */
export function LogCharts({ stats, showPrompt }: { stats: LogStats; showPrompt: boolean }) {
  const days = continuousDays(stats.days);
  return (
    <section className="log-charts" aria-label="Charts for the matching runs">
      <RunsPerDay days={days} />
      <ErrorRate days={days} total={stats.total} errors={stats.errors} />
      <LatencyByVersion rows={stats.latencyByVersion} showPrompt={showPrompt} />
    </section>
  );
}

function ChartCard({ title, figure, children }: { title: string; figure: string; children: ReactNode }) {
  const id = useId();
  return (
    <figure className="log-chart" aria-labelledby={id}>
      <figcaption id={id} className="log-chart__head">
        <span className="log-chart__title">{title}</span>
        <span className="log-chart__figure">{figure}</span>
      </figcaption>
      {children}
    </figure>
  );
}

const W = 300;
const H = 72;

function RunsPerDay({ days }: { days: Day[] }) {
  const titleId = useId();
  const max = Math.max(1, ...days.map((d) => d.runs));
  const slot = W / Math.max(days.length, 1);
  const gap = Math.min(2, slot * 0.25);
  const total = days.reduce((sum, d) => sum + d.runs, 0);
  const busiest = days.reduce<Day | null>((best, d) => (best === null || d.runs > best.runs ? d : best), null);
  const firstActive = days.findIndex((d) => d.runs > 0);
  // Averaged from the first day with runs: the padding before it is not a quiet day.
  const span = firstActive === -1 ? 0 : days.length - firstActive;
  const average = span === 0 ? null : total / span;
  const summary =
    busiest === null || total === 0
      ? 'No runs in this period.'
      : `${total.toLocaleString()} runs from ${shortDay(days[firstActive]!.day)} to ${shortDay(days[days.length - 1]!.day)}; busiest ${shortDay(busiest.day)} with ${busiest.runs}.`;
  return (
    <ChartCard title="Runs per day" figure={average === null ? '—' : `avg ${average.toFixed(average < 10 ? 1 : 0)} / day`}>
      <svg className="log-chart__svg" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-labelledby={titleId}>
        <title id={titleId}>{`Runs per day, errors stacked in red. ${summary}`}</title>
        <line className="log-chart__axis" x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} />
        {days.map((d, i) => {
          const x = i * slot + gap / 2;
          const width = Math.max(slot - gap, 1);
          const okHeight = ((d.runs - d.errors) / max) * (H - 2);
          const errorHeight = (d.errors / max) * (H - 2);
          return (
            <g key={d.day}>
              <rect className="log-chart__bar" x={x} y={H - 1 - okHeight - errorHeight} width={width} height={okHeight} />
              <rect className="log-chart__bar log-chart__bar--error" x={x} y={H - 1 - errorHeight} width={width} height={errorHeight} />
            </g>
          );
        })}
      </svg>
      <AxisEnds days={days} />
      <table className="visually-hidden">
        <caption>Runs per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Runs</th>
            <th scope="col">Errors</th>
          </tr>
        </thead>
        <tbody>
          {days
            .filter((d) => d.runs > 0)
            .map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                <td>{d.runs}</td>
                <td>{d.errors}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </ChartCard>
  );
}

function AxisEnds({ days }: { days: Day[] }) {
  if (days.length === 0) return <p className="log-chart__axis-labels" aria-hidden="true" />;
  return (
    <p className="log-chart__axis-labels" aria-hidden="true">
      <span>{shortDay(days[0]!.day)}</span>
      {days.length > 1 && <span>{shortDay(days[days.length - 1]!.day)}</span>}
    </p>
  );
}

function ErrorRate({ days, total, errors }: { days: Day[]; total: number; errors: number }) {
  const titleId = useId();
  const rated = days.map((d) => ({ day: d.day, rate: d.runs === 0 ? null : d.errors / d.runs }));
  const slot = W / Math.max(days.length, 1);
  const points = rated
    .map((d, i) => (d.rate === null ? null : { x: i * slot + slot / 2, y: H - 2 - d.rate * (H - 6), day: d.day, rate: d.rate }))
    .filter((p) => p !== null);
  const worst = rated.reduce<{ day: string; rate: number } | null>(
    (best, d) => (d.rate !== null && (best === null || d.rate > best.rate) ? { day: d.day, rate: d.rate } : best),
    null,
  );
  const summary =
    total === 0
      ? 'No runs in this period.'
      : `${errors.toLocaleString()} of ${total.toLocaleString()} runs failed (${formatPercent(errors, total)}).${worst && worst.rate > 0 ? ` Highest on ${shortDay(worst.day)}: ${Math.round(worst.rate * 100)}%.` : ''}`;
  return (
    <ChartCard title="Error rate" figure={total === 0 ? '—' : formatPercent(errors, total)}>
      <svg className="log-chart__svg" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-labelledby={titleId}>
        <title id={titleId}>{`Share of runs that failed, per day. ${summary}`}</title>
        <line className="log-chart__grid" x1="0" y1={2 + (H - 6) / 2} x2={W} y2={2 + (H - 6) / 2} />
        <line className="log-chart__axis" x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} />
        {points.length > 1 && (
          <polyline className="log-chart__line" points={points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')} vectorEffect="non-scaling-stroke" />
        )}
        {points.map((p) => (
          <line key={p.day} className="log-chart__point" x1={p.x} y1={p.y} x2={p.x + 0.01} y2={p.y} vectorEffect="non-scaling-stroke" />
        ))}
      </svg>
      <AxisEnds days={days} />
      <p className="visually-hidden">{summary}</p>
    </ChartCard>
  );
}

function LatencyByVersion({ rows, showPrompt }: { rows: LogStats['latencyByVersion']; showPrompt: boolean }) {
  const titleId = useId();
  const shown = [...rows]
    .filter((r) => r.p50 !== null || r.p95 !== null)
    .sort((a, b) => b.runs - a.runs)
    .slice(0, MAX_VERSIONS)
    .sort((a, b) => a.prompt.localeCompare(b.prompt) || (b.version ?? 0) - (a.version ?? 0));
  const max = Math.max(1, ...shown.map((r) => r.p95 ?? r.p50 ?? 0));
  const label = (r: (typeof rows)[number]) => `${showPrompt ? `${r.prompt} ` : ''}${r.version === null ? 'draft' : `v${r.version}`}`;
  const summary =
    shown.length === 0
      ? 'No finished runs to time yet.'
      : shown.map((r) => `${label(r)}: p50 ${formatMs(r.p50)}, p95 ${formatMs(r.p95)} over ${r.runs} runs`).join('; ');
  return (
    <ChartCard title="Latency by version" figure="p50 · p95">
      {shown.length === 0 ? (
        <p className="log-chart__empty">No finished runs to time yet.</p>
      ) : (
        <div className="latency-bars" role="img" aria-labelledby={titleId}>
          <span id={titleId} className="visually-hidden">{`Median (p50) and 95th percentile (p95) latency per version. ${summary}.`}</span>
          {shown.map((r) => (
            <div key={`${r.prompt}:${r.version ?? 'draft'}`} className="latency-bars__row" aria-hidden="true">
              <span className="latency-bars__label" title={label(r)}>
                {label(r)}
              </span>
              <svg className="latency-bars__track" viewBox="0 0 100 10" preserveAspectRatio="none">
                <title>{`${label(r)}: p50 ${formatMs(r.p50)}, p95 ${formatMs(r.p95)}`}</title>
                <rect className="latency-bars__p95" x="0" y="1" width={((r.p95 ?? 0) / max) * 100} height="8" rx="1" />
                <rect className="latency-bars__p50" x="0" y="1" width={((r.p50 ?? 0) / max) * 100} height="8" rx="1" />
              </svg>
              <span className="latency-bars__value">
                {formatMs(r.p50)} · {formatMs(r.p95)}
              </span>
            </div>
          ))}
        </div>
      )}
    </ChartCard>
  );
}
