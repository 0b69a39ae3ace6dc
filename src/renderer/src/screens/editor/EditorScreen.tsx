import { useEffect } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Link } from '../../components/Link';
import { TagChips } from '../../components/TagChips';
import { useAppStore } from '../../state/store';
import { ChatTemplate } from './ChatTemplate';
import { FormatToggle } from './FormatToggle';
import { ModelSettingsPanel } from './ModelSettingsPanel';
import { PreviewPanel } from './PreviewPanel';
import { SaveDialog } from './SaveDialog';
import { TextTemplate } from './TextTemplate';
import { useSaveShortcut, useUnloadGuard } from './use-editor-shortcuts';
import { useSlotError } from './use-slot-error';
import { VariablesPanel } from './VariablesPanel';

export function EditorScreen({ promptName }: { promptName: string }) {
  const load = useAppStore((s) => s.editor.load);
  const status = useAppStore((s) => s.editor.status);
  const loadError = useAppStore((s) => s.editor.loadError);

  useEffect(() => {
    void load(promptName);
  }, [load, promptName]);

  if (status === 'error' && loadError) {
    const missing = loadError.message.toLowerCase().includes('not found');
    return (
      <div className="screen">
        <Breadcrumb />
        <EmptyState
          title={missing ? 'Prompt not found' : 'Could not open this prompt'}
          action={
            <Button onClick={() => void load(promptName)}>Try again</Button>
          }
        >
          <p>{missing ? `There is no prompt named “${promptName}”. It may have been deleted or renamed.` : loadError.message}</p>
        </EmptyState>
      </div>
    );
  }
  if (status !== 'ready') {
    return (
      <div className="screen">
        <Breadcrumb />
        <div className="skeleton-editor" aria-busy="true" aria-label="Loading prompt" />
      </div>
    );
  }
  return <Editor />;
}

function Breadcrumb() {
  return (
    <Link to={{ name: 'library' }} className="breadcrumb">
      <span aria-hidden="true">← </span>All prompts
    </Link>
  );
}

function Editor() {
  useSaveShortcut();
  useUnloadGuard();
  const mode = useAppStore((s) => s.editor.draft.mode);
  return (
    <div className="screen screen--editor">
      <EditorHeader />
      <SaveErrorBanner />
      <div className="editor-layout">
        <div className="editor-main">
          <div className="editor-main__bar">
            <h2 className="panel__title">Template</h2>
            <FormatToggle />
          </div>
          {mode === 'text' ? <TextTemplate /> : <ChatTemplate />}
          <PreviewPanel />
        </div>
        <aside className="editor-side" aria-label="Prompt settings">
          <VariablesPanel />
          <ModelSettingsPanel />
        </aside>
      </div>
      <SaveDialog />
    </div>
  );
}

function EditorHeader() {
  const prompt = useAppStore((s) => s.editor.prompt);
  const dirty = useAppStore((s) => s.editor.dirty);
  const saving = useAppStore((s) => s.editor.saving);
  const savedMessage = useAppStore((s) => s.editor.savedMessage);
  const openSaveDialog = useAppStore((s) => s.editor.openSaveDialog);
  if (!prompt) return null;
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
        </div>
        <div className="editor-header__meta">
          <code>{prompt.name}</code>
          {prompt.slashCommand && <span className="muted">/{prompt.slashCommand}</span>}
          <TagChips tags={prompt.tags} />
        </div>
        {prompt.description && <p className="editor-header__description">{prompt.description}</p>}
      </div>
      <div className="editor-header__actions">
        <p role="status" className="save-status">
          {savedMessage ?? (dirty ? 'Unsaved changes' : '')}
        </p>
        <Button
          variant="primary"
          onClick={openSaveDialog}
          disabled={saving}
          aria-keyshortcuts="Control+S Meta+S"
          title="Save a new version (Ctrl+S / ⌘S)"
        >
          Save
        </Button>
      </div>
    </header>
  );
}

function SaveErrorBanner() {
  const bannerError = useSlotError({ kind: 'banner' });
  // Field errors sit next to their field, which may be scrolled away: say so up top too.
  const fieldError = useAppStore((s) => s.editor.saveError !== null && s.editor.saveError.field !== undefined);
  if (bannerError) return <Banner tone="error">Not saved: {bannerError}</Banner>;
  if (fieldError) return <Banner tone="error">Not saved. The field with the problem is marked in red.</Banner>;
  return null;
}
