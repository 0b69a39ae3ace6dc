import { Button } from '../../components/Button';
import { useAppStore } from '../../state/store';
import { deploymentSummary } from '../../state/version-offers';
import { useVersions } from '../../state/versions-queries';
import { TEAM_MANAGED_REASON, useTeamManagedPrompt } from '../../state/team-managed';

export function DeploymentSummary({ promptName }: { promptName: string }) {
  const { deployment, items } = useVersions(promptName);
  const summary = deploymentSummary(deployment, items.length);
  const pinned = deployment?.mode === 'pinned';
  const busy = useAppStore((s) => s.versions.busy);
  const pin = useAppStore((s) => s.versions.pin);
  const teamManaged = useTeamManagedPrompt(promptName);
  if (!summary) return null;
  return (
    <section className="deployment" aria-label="API deployment">
      <span className={`deployment__dot${pinned ? ' deployment__dot--pinned' : ''}`} aria-hidden="true" />
      <div className="deployment__text">
        <p className="deployment__summary">{summary}</p>
        <p className="deployment__hint">
          {pinned
            ? 'Promotions do not change what the API serves while it is pinned. Chat and the test panel use the published version (else the newest).'
            : 'Promoting a version changes what the API serves. Pin a version to hold it in place.'}
        </p>
        {teamManaged && <p className="deployment__hint">Team prompt: commit, unarchive and the API pin: {TEAM_MANAGED_REASON.toLowerCase()}.</p>}
      </div>
      {pinned && (
        <Button size="sm" disabled={busy || teamManaged} title={teamManaged ? TEAM_MANAGED_REASON : undefined} onClick={() => void pin(null)}>
          Follow published version
        </Button>
      )}
    </section>
  );
}
