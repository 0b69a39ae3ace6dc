import { Link } from '../../components/Link';
import { TagChips } from '../../components/TagChips';
import { absoluteTime, relativeTime } from '../../lib/relative-time';
import { useLibraryPage } from '../../state/prompt-queries';
import type { PromptSummary } from '../../../../shared/schemas/prompts';
import { SharingBadge } from '../../components/SharingBadge';

export function PromptTable() {
  const { items, loading } = useLibraryPage();
  return (
    <div className="table-wrap" aria-busy={loading}>
      <table className="prompt-table">
        <thead>
          <tr>
            <th scope="col">Prompt</th>
            <th scope="col">Tags</th>
            <th scope="col">Owner</th>
            <th scope="col">Version</th>
            <th scope="col">Last edit</th>
          </tr>
        </thead>
        <tbody>
          {items.map((prompt) => (
            <PromptRow key={prompt.id} prompt={prompt} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PromptRow({ prompt }: { prompt: PromptSummary }) {
  return (
    <tr>
      <td className="prompt-table__main">
        <Link to={{ name: 'editor', promptName: prompt.name }} className="prompt-table__title">
          {prompt.title}
        </Link>
        <div className="prompt-table__meta">
          <code className="prompt-table__name">{prompt.name}</code>
          {prompt.slashCommand && <span className="prompt-table__slash">/{prompt.slashCommand}</span>}
          <SharingBadge level={prompt.sharingLevel} />
          {prompt.apiAccess && (
            <span className="api-badge" title={prompt.apiKeyRequired ? 'Served over the HTTP API (key required)' : 'Served over the HTTP API (no key needed from this computer)'}>
              API
            </span>
          )}
        </div>
        {prompt.description && <p className="prompt-table__description">{prompt.description}</p>}
      </td>
      <td>
        <TagChips tags={prompt.tags} />
      </td>
      <td className="prompt-table__owner">{prompt.owner.name || prompt.owner.email}</td>
      <td>
        {prompt.latestVersion === null ? (
          <span className="muted" title="Never saved">
            —
          </span>
        ) : (
          <span className="version-cell">
            <span className="badge">v{prompt.latestVersion}</span>
            {prompt.publishedVersion !== null && (
              <span className="version-cell__live" title={`v${prompt.publishedVersion} is published (in production)`}>
                <span aria-hidden="true">· </span>
                {`live v${prompt.publishedVersion}`}
              </span>
            )}
          </span>
        )}
      </td>
      <td className="prompt-table__time">
        <time dateTime={prompt.updatedAt} title={absoluteTime(prompt.updatedAt)}>
          {relativeTime(prompt.updatedAt)}
        </time>
      </td>
    </tr>
  );
}
