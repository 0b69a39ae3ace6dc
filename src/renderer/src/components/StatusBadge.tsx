import type { VersionStatus } from '../../../shared/schemas/prompts';
import { STATUS_LABELS } from '../state/version-offers';

export function StatusBadge({ status }: { status: VersionStatus }) {
  return <span className={`status-badge status-badge--${status}`}>{STATUS_LABELS[status]}</span>;
}

/** A lock and the word, so the meaning never rests on the icon alone. */
export function CommittedMarker() {
  return (
    <span className="committed" title="Committed: read-only">
      <svg width="12" height="12" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden="true">
        <rect x="3" y="7" width="10" height="7" rx="1.5" />
        <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
      </svg>
      Committed
    </span>
  );
}
