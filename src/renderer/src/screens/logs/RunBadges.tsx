import type { LogEntry } from '../../../../shared/schemas/logs';
import type { RunStatus } from '../../../../shared/schemas/runs';
import { RUN_STATUS_LABELS } from '../../state/logs-slice';

/** A run's outcome as a word in a tinted chip; the word carries the meaning, the colour helps. */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  return <span className={`run-status run-status--${status}`}>{RUN_STATUS_LABELS[status]}</span>;
}

const RATING_LABELS = { useful: 'Useful', not_useful: 'Not useful' } as const;

/** ▲ / ▼ with the rating in words for screen readers and on hover. */
export function RatingMark({ rating }: { rating: LogEntry['rating'] }) {
  if (rating === null) {
    return (
      <span className="muted">
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">Not rated</span>
      </span>
    );
  }
  return (
    <span className={`rating-mark rating-mark--${rating}`} title={RATING_LABELS[rating]}>
      <span aria-hidden="true">{rating === 'useful' ? '▲' : '▼'}</span>
      <span className="visually-hidden">{RATING_LABELS[rating]}</span>
    </span>
  );
}

export function ratingLabel(rating: LogEntry['rating']): string {
  return rating === null ? 'Not rated' : RATING_LABELS[rating];
}
