import { Button } from '../../components/Button';
import { Label } from '../../components/ButtonLabel';
import { useAppStore } from '../../state/store';
import { versionOffers } from '../../state/version-offers';
import { useVersions } from '../../state/versions-queries';
import { TEAM_MANAGED_REASON, useTeamManagedPrompt } from '../../state/team-managed';

interface VersionActionsProps {
  promptName: string;
  number: number;
  /** Open is left out where the version is already open. */
  withOpen?: boolean;
}

/**
 * The actions a version offers, by status. Visible labels stay short ("Promote"); the version
 * number is in each accessible name ("Promote v3") so every row's buttons are distinct.
 */
export function VersionActions({ promptName, number, withOpen = true }: VersionActionsProps) {
  const { items, deployment } = useVersions(promptName);
  const version = items.find((v) => v.number === number);
  const status = version?.status;
  const committed = version?.committed ?? false;
  const newest = items[0]?.number ?? null;
  const busy = useAppStore((s) => s.versions.busy || s.versions.promoting);
  const navigate = useAppStore((s) => s.route.navigate);
  const openPromote = useAppStore((s) => s.versions.openPromote);
  const unarchive = useAppStore((s) => s.versions.unarchive);
  const commit = useAppStore((s) => s.versions.commit);
  const requestRestore = useAppStore((s) => s.versions.requestRestore);
  const pin = useAppStore((s) => s.versions.pin);
  // Commit, Unarchive and Pin of a team version are the team server's (core: refuseUnsentTeamChange).
  const teamManaged = useTeamManagedPrompt(promptName);
  if (!status) return null;
  const offers = versionOffers({ number, status, committed }, newest, deployment);

  return (
    <div className="row-actions">
      {withOpen && (
        <Button size="sm" onClick={() => navigate({ name: 'editor', promptName, tab: 'versions', version: number })}>
          <Label visible="Open" hidden={` v${number}`} />
        </Button>
      )}
      {offers.promote && (
        <Button size="sm" variant="primary" disabled={busy} onClick={() => openPromote(number)}>
          <Label visible="Promote" hidden={` v${number}`} />
        </Button>
      )}
      {offers.commit && (
        <Button size="sm" variant="ghost" disabled={busy || teamManaged} onClick={() => void commit(number)} title={teamManaged ? TEAM_MANAGED_REASON : 'Make this version read-only: edits then make a new version'}>
          <Label visible="Commit" hidden={` v${number}`} />
        </Button>
      )}
      {offers.unarchive && (
        <Button size="sm" disabled={busy || teamManaged} onClick={() => void unarchive(number)} title={teamManaged ? TEAM_MANAGED_REASON : 'Make it a draft again so it can be promoted'}>
          <Label visible="Unarchive" hidden={` v${number}`} />
        </Button>
      )}
      {offers.restore && (
        <Button size="sm" disabled={busy} onClick={() => requestRestore(number)} title="Copy this version's content into a new version">
          <Label visible="Restore" hidden={` v${number} as new version`} />
        </Button>
      )}
      {offers.pin && (
        <Button size="sm" variant="ghost" disabled={busy || teamManaged} onClick={() => void pin(number)} title={teamManaged ? TEAM_MANAGED_REASON : 'Serve this version from the API whatever is published'}>
          <Label visible="Pin" hidden={` v${number}`} after=" to API" />
        </Button>
      )}
    </div>
  );
}
