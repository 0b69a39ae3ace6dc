import type { VersionSummary } from '../../../../shared/schemas/prompts';
import { CommittedMarker, StatusBadge } from '../../components/StatusBadge';
import { absoluteTime, relativeTime } from '../../lib/relative-time';
import { useVersions } from '../../state/versions-queries';
import { VersionActions } from './VersionActions';
import { UnsyncedMarker } from './UnsyncedMarker';
import { useUnsyncedVersions } from '../../state/sync-queries';

export function VersionTable({ promptName }: { promptName: string }) {
  const { items, deployment } = useVersions(promptName);
  const served = deployment?.servedVersion ?? null;
  const unsynced = useUnsyncedVersions(promptName);
  return (
    <div className="table-wrap">
      <table className="data-table versions-table">
        <caption className="visually-hidden">Versions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Author</th>
            <th scope="col">Created</th>
            <th scope="col">Commit message</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((version) => (
            <VersionRow key={version.number} promptName={promptName} version={version} served={served === version.number} unsynced={unsynced.has(version.number)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VersionRow({ promptName, version, served, unsynced }: { promptName: string; version: VersionSummary; served: boolean; unsynced: boolean }) {
  return (
    <tr className={served ? 'is-served' : undefined}>
      <th scope="row" className="data-table__version">
        <span className="version-number">v{version.number}</span>
        {served && <span className="served-marker">Served by API</span>}
        {unsynced && <UnsyncedMarker />}
      </th>
      <td>
        <div className="status-cell">
          <StatusBadge status={version.status} />
          {version.committed && <CommittedMarker />}
        </div>
      </td>
      <td className="data-table__muted">{version.author.name || version.author.email}</td>
      <td className="data-table__muted data-table__nowrap">
        <time dateTime={version.createdAt} title={absoluteTime(version.createdAt)}>
          {relativeTime(version.createdAt)}
        </time>
      </td>
      <td className="data-table__message">{version.commitMessage || <span className="muted">—</span>}</td>
      <td className="data-table__actions">
        <VersionActions promptName={promptName} number={version.number} />
      </td>
    </tr>
  );
}
