import type { VersionStatus } from '../../../shared/schemas/prompts';
import { STATUS_LABELS } from '../state/version-offers';
import { LockIcon } from './LockIcon';

export function StatusBadge({ status }: { status: VersionStatus }) {
  return <span className={`status-badge status-badge--${status}`}>{STATUS_LABELS[status]}</span>;
}

/** A lock and the word, so the meaning never rests on the icon alone. */
export function CommittedMarker() {
  return (
    <span className="committed" title="Committed: read-only">
      <LockIcon size={12} />
      Committed
    </span>
  );
}
