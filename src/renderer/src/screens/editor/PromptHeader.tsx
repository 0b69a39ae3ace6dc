import { Button } from '../../components/Button';
import { Link } from '../../components/Link';
import { StatusBadge } from '../../components/StatusBadge';
import { TagChips } from '../../components/TagChips';
import { mayEditPrompt } from '../../state/editor-slice';
import { useAppStore } from '../../state/store';
import { editorPromotion } from '../../state/version-offers';
import { RefineButton } from '../refine/RefineWorkspace';
import { MoveToTeamButton } from './MoveToTeam';

export function Breadcrumb() {
  return (
    <Link to={{ name: 'library' }} className="breadcrumb">
      <span aria-hidden="true">← </span>All prompts
    </Link>
  );
}

/** Title, lifecycle badges and (on the Editor tab) Save and Promote. */
export function PromptHeader({ showActions }: { showActions: boolean }) {
  const prompt = useAppStore((s) => s.editor.prompt);
  const mayEdit = useAppStore((s) => mayEditPrompt(s) !== false);
  if (!prompt) return null;
  const mayPromote = prompt.allowed.includes('promote');
  const version = prompt.latest?.number;
  return (
    <header className="editor-header">
      <div className="editor-header__text">
        <Breadcrumb />
        <div className="editor-header__title-row">
          <h1 className="screen__title">{prompt.title}</h1>
          {version === undefined ? (
            <span className="badge badge--muted">Not saved yet</span>
          ) : (
            <span className="badge" title={`Latest version: ${version}`}>
              v{version}
            </span>
          )}
          {prompt.latest && <StatusBadge status={prompt.latest.status} />}
          {version !== undefined && prompt.latestVersion !== null && prompt.latestVersion > version && (
            // Saved elsewhere (Refine's Save as version, another window) while this draft holds edits based on v{version}.
            <span className="lifecycle-chip" title={`The draft holds unsaved edits based on v${version}; saving it creates a newer version still`}>
              {`A newer version was saved (v${prompt.latestVersion})`}
            </span>
          )}
          {/* The latest version's badge already says Published when it is the one in production. */}
          {prompt.publishedVersion !== null && prompt.publishedVersion !== version && (
            <span className="lifecycle-chip lifecycle-chip--published" title="The version in production">
              {`Published: v${prompt.publishedVersion}`}
            </span>
          )}
          {prompt.pinnedVersion !== null && (
            <span className="lifecycle-chip" title="The API serves this version whatever is published">
              {`API pinned: v${prompt.pinnedVersion}`}
            </span>
          )}
        </div>
        <div className="editor-header__meta">
          <code>{prompt.name}</code>
          {prompt.slashCommand && <span className="muted">/{prompt.slashCommand}</span>}
          <TagChips tags={prompt.tags} />
        </div>
        {prompt.description && <p className="editor-header__description">{prompt.description}</p>}
      </div>
      <div className="editor-header__actions">
        <SaveStatus />
        <MoveToTeamButton promptName={prompt.name} />
        <RefineButton />
        {showActions && (
          <>
            {mayPromote && <PromoteLatestButton />}
            {mayEdit && <SaveButton />}
          </>
        )}
      </div>
    </header>
  );
}

function SaveStatus() {
  const dirty = useAppStore((s) => s.editor.dirty);
  const savedMessage = useAppStore((s) => s.editor.savedMessage);
  return (
    <p role="status" className="save-status">
      {savedMessage ?? (dirty ? 'Unsaved changes' : '')}
    </p>
  );
}

function SaveButton() {
  const saving = useAppStore((s) => s.editor.saving);
  const openSaveDialog = useAppStore((s) => s.editor.openSaveDialog);
  return (
    <Button
      variant="primary"
      onClick={openSaveDialog}
      disabled={saving}
      aria-keyshortcuts="Control+S Meta+S"
      title="Save a new version (Ctrl+S / ⌘S)"
    >
      Save
    </Button>
  );
}

function PromoteLatestButton() {
  const number = useAppStore((s) => editorPromotion(s.editor.prompt, s.editor.dirty).number);
  const disabled = useAppStore((s) => editorPromotion(s.editor.prompt, s.editor.dirty).disabled || s.versions.promoting);
  const reason = useAppStore((s) => editorPromotion(s.editor.prompt, s.editor.dirty).reason);
  const openPromote = useAppStore((s) => s.versions.openPromote);
  return (
    <Button
      onClick={() => number !== null && openPromote(number)}
      disabled={disabled}
      title={reason ?? `Make v${number} the version in production`}
    >
      {number === null ? 'Promote' : `Promote v${number}`}
    </Button>
  );
}
