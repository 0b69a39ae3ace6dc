import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { PromptVersion } from '../../../../shared/schemas/prompts';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Link } from '../../components/Link';
import { CommittedMarker, StatusBadge } from '../../components/StatusBadge';
import { toFormError } from '../../lib/field-errors';
import { absoluteTime, relativeTime } from '../../lib/relative-time';
import { useVersions, versionQuery } from '../../state/versions-queries';
import { CodeEditor } from '../editor/CodeEditor';
import { VersionActions } from './VersionActions';

/** One version, read-only: what it says, and what can be done with it. */
export function VersionView({ promptName, number }: { promptName: string; number: number }) {
  const q = useQuery(versionQuery(promptName, number));
  const opened = q.data ?? null;
  const error = q.isError ? toFormError(q.error).message : null;

  return (
    <div className="version-view">
      <Link to={{ name: 'editor', promptName, tab: 'versions' }} className="breadcrumb">
        <span aria-hidden="true">← </span>All versions
      </Link>
      {error && (
        <Banner tone="error" action={<Button size="sm" onClick={() => void q.refetch()}>Try again</Button>}>
          Could not open v{number}: {error}
        </Banner>
      )}
      {!opened && !error && <div className="skeleton-list" aria-busy="true" aria-label={`Loading v${number}`} />}
      {opened && <VersionDetails promptName={promptName} version={opened} />}
    </div>
  );
}

function VersionDetails({ promptName, version }: { promptName: string; version: PromptVersion }) {
  const served = useVersions(promptName).deployment?.servedVersion === version.number;
  const { template, modelSettings } = version;
  return (
    <>
      <header className="version-view__header">
        <div className="version-view__title-row">
          <h2 className="version-view__title">Version {version.number}</h2>
          <StatusBadge status={version.status} />
          {version.committed && <CommittedMarker />}
          {served && <span className="served-marker">Served by API</span>}
        </div>
        <p className="version-view__meta">
          {version.author.name || version.author.email} ·{' '}
          <time dateTime={version.createdAt} title={absoluteTime(version.createdAt)}>
            {relativeTime(version.createdAt)}
          </time>
        </p>
        <VersionActions promptName={promptName} number={version.number} withOpen={false} />
      </header>
      <section className="panel" aria-labelledby="version-message-heading">
        <h3 id="version-message-heading" className="panel__title">
          Commit message
        </h3>
        <p className={version.commitMessage ? undefined : 'muted'}>{version.commitMessage || 'No commit message'}</p>
      </section>
      <div className="editor-layout">
        <section className="editor-main" aria-labelledby="version-template-heading">
          <h3 id="version-template-heading" className="panel__title">
            Template <span className="muted">(read-only)</span>
          </h3>
          {template.kind === 'text' ? (
            <CodeEditor value={template.text} label={`Template of v${version.number} (read-only)`} />
          ) : (
            <ol className="chat-template__list">
              {template.messages.map((message, index) => (
                <li key={index} className={`chat-message chat-message--${message.role}`}>
                  <span className="preview__role">{message.role}</span>
                  <CodeEditor value={message.content} label={`Message ${index + 1} of v${version.number} (read-only)`} />
                </li>
              ))}
            </ol>
          )}
        </section>
        <div className="editor-side">
          <section className="panel" aria-labelledby="version-variables-heading">
            <h3 id="version-variables-heading" className="panel__title">
              Variables
            </h3>
            {version.variables.length === 0 ? (
              <p className="panel__empty">This version has no variables.</p>
            ) : (
              <ul className="variables">
                {version.variables.map((variable) => (
                  <li key={variable.name} className="variable variable--readonly">
                    <code className="variable__name">{`{{${variable.name}}}`}</code>
                    <dl className="facts">
                      <Fact label="Description">{variable.description}</Fact>
                      <Fact label="Default">{variable.default}</Fact>
                      <Fact label="Example">{variable.example}</Fact>
                    </dl>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="panel" aria-labelledby="version-settings-heading">
            <h3 id="version-settings-heading" className="panel__title">
              Model settings
            </h3>
            <dl className="facts">
              <Fact label="Models">{modelSettings.models.length ? modelSettings.models.join(', ') : undefined}</Fact>
              <Fact label="Temperature">{modelSettings.temperature?.toString()}</Fact>
              <Fact label="Max tokens">{modelSettings.maxTokens?.toString()}</Fact>
              <Fact label="Display message">{version.displayMessage ?? undefined}</Fact>
            </dl>
          </section>
        </div>
      </div>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  const empty = children === undefined || children === null || children === '';
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd className={empty ? 'muted' : undefined}>{empty ? 'Not set' : children}</dd>
    </div>
  );
}
