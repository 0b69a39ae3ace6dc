import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Link } from '../../components/Link';
import { useVersions } from '../../state/versions-queries';
import { ComparePanel } from './ComparePanel';
import { DeploymentSummary } from './DeploymentSummary';
import { VersionTable } from './VersionTable';
import { VersionView } from './VersionView';

export function VersionsPanel({ promptName, openedVersion }: { promptName: string; openedVersion?: number }) {
  const { status, error, items, retry } = useVersions(promptName);
  const count = items.length;

  if (status === 'error' && error) {
    return (
      <Banner tone="error" action={<Button size="sm" onClick={retry}>Try again</Button>}>
        Could not load versions: {error}
      </Banner>
    );
  }
  if (status !== 'ready') return <div className="skeleton-list" aria-busy="true" aria-label="Loading versions" />;
  if (openedVersion !== undefined) {
    return (
      <div className="tab-stack">
        <VersionView promptName={promptName} number={openedVersion} />
      </div>
    );
  }
  if (count === 0) {
    return (
      <EmptyState
        title="No versions yet"
        action={
          <Link to={{ name: 'editor', promptName }} className="button button--secondary">
            Go to the editor
          </Link>
        }
      >
        <p>Each save in the editor creates a version. Versions can then be promoted to production and served by the API.</p>
      </EmptyState>
    );
  }
  return (
    <div className="tab-stack">
      <DeploymentSummary promptName={promptName} />
      <VersionTable promptName={promptName} />
      <ComparePanel promptName={promptName} />
    </div>
  );
}
