import { Banner } from '../../components/Banner';
import { LockIcon } from '../../components/LockIcon';
import { mayEditPrompt, mayRunPrompt } from '../../state/editor-slice';
import { useAppStore } from '../../state/store';
import { ChatTemplate } from './ChatTemplate';
import { FormatToggle } from './FormatToggle';
import { ModelSettingsPanel } from './ModelSettingsPanel';
import { PreviewPanel } from './PreviewPanel';
import { SaveDialog } from './SaveDialog';
import { TestPanel } from './test-panel/TestPanel';
import { TextTemplate } from './TextTemplate';
import { useSaveShortcut } from './use-editor-shortcuts';
import { useSlotError } from './use-slot-error';
import { VariablesPanel } from './VariablesPanel';

/** The Editor tab: the draft of the next version. The draft itself lives in the store. */
export function EditorPanel() {
  useSaveShortcut();
  const mode = useAppStore((s) => s.editor.draft.mode);
  const viewOnly = useAppStore((s) => mayEditPrompt(s) === false);
  return (
    <>
      {viewOnly && <ViewOnlyNote />}
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
      <TestPanel />
      <SaveDialog />
    </>
  );
}

/**
 * Why nothing here can be changed, in the words the Sharing and API tabs use. The server says
 * what the member may do (`allowed` with the prompt); this only reads it.
 */
function ViewOnlyNote() {
  // Testing runs the model: only promised when the core lets this member run the prompt.
  const canRun = useAppStore((s) => mayRunPrompt(s) === true);
  return (
    <p className="sharing__readonly editor-readonly" role="note">
      <LockIcon />
      {canRun
        ? 'View only: you can read and test this prompt, not change it. Ask the owner or an admin for edit access.'
        : 'Read only: you can read this prompt, not run or change it. Ask the owner or an admin for access.'}
    </p>
  );
}

function SaveErrorBanner() {
  const bannerError = useSlotError({ kind: 'banner' });
  // Field errors sit next to their field, which may be scrolled away: say so up top too.
  const fieldError = useAppStore((s) => s.editor.saveError !== null && s.editor.saveError.field !== undefined);
  const forbidden = useAppStore((s) => s.editor.saveForbidden);
  if (bannerError) {
    return (
      <Banner tone="error">
        Not saved: {bannerError}
        {forbidden && ' Ask the owner or an admin for edit access.'}
      </Banner>
    );
  }
  if (fieldError) return <Banner tone="error">Not saved. The field with the problem is marked in red.</Banner>;
  return null;
}
