import { SHARING_LEVEL_LABELS, type SharingLevel } from '../../../shared/schemas/sharing';

/** Who can see a prompt, as a small chip: "Private", "Chat only", "Library View", "Library Edit". */
export function SharingBadge({ level }: { level: SharingLevel }) {
  return (
    <span className={`sharing-badge sharing-badge--${level}`} title={`Sharing level: ${SHARING_LEVEL_LABELS[level]}`}>
      {SHARING_LEVEL_LABELS[level]}
    </span>
  );
}
