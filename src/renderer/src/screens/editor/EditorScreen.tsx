import { useEffect } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { Link } from '../../components/Link';
import { type PromptTab } from '../../state/route';
import { useAppStore } from '../../state/store';
import { ApiPanel, HistoryPanel, LazyPart, PromptLogsPanel, ReadinessPanel, SharingPanel, VersionsPanel } from '../../app/lazy-screens';
import { PromoteDialog } from '../versions/PromoteDialog';
import { EditorWithRefine } from '../refine/RefineWorkspace';
import { Breadcrumb, PromptHeader } from './PromptHeader';
import { PANEL_ID, PromptTabs, tabId } from './PromptTabs';
import { useUnloadGuard } from './use-editor-shortcuts';
import { useFollowPrompt } from './use-follow-prompt';
import { LostDraft } from './LostDraft';

interface EditorScreenProps {
  promptName: string;
  tab: PromptTab;
  /** On the Versions tab, the version opened read-only. */
  version?: number;
}

/** One prompt's page: header, then the Editor, Versions, History, Sharing, API and Logs tabs. */
export function EditorScreen({ promptName, tab, version }: EditorScreenProps) {
  const load = useAppStore((s) => s.editor.load);
  const resetVersions = useAppStore((s) => s.versions.reset);
  const resetHistory = useAppStore((s) => s.history.reset);
  const resetSharing = useAppStore((s) => s.sharing.reset);
  const resetApi = useAppStore((s) => s.promptApi.reset);
  const resetReadiness = useAppStore((s) => s.readiness.reset);
  // The store may still hold the previous prompt for one render: only this prompt counts.
  const status = useAppStore((s) => (s.editor.promptName === promptName ? s.editor.status : 'loading'));
  const loadError = useAppStore((s) => s.editor.loadError);
  const dirty = useAppStore((s) => s.editor.promptName === promptName && s.editor.dirty);
  // The page follows the prompt as it changes (here or elsewhere) while it is open.
  useFollowPrompt(promptName);

  useEffect(() => {
    resetVersions(promptName);
    resetHistory(promptName);
    resetSharing(promptName);
    resetApi(promptName);
    resetReadiness(promptName);
    void load(promptName);
  }, [load, resetVersions, resetHistory, resetSharing, resetApi, resetReadiness, promptName]);

  if (status === 'error' && loadError) {
    const missing = loadError.message.toLowerCase().includes('not found');
    // A prompt the member may run but not read (Chat only, a run share): trying again cannot
    // help, so point to where it can be used.
    const runOnly = !missing && loadError.message.toLowerCase().includes('permission');
    // Lost while holding unsaved edits (deleted, or hidden from this member: one message, as a
    // reload cannot tell them apart either): keep them. The page comes back when it answers again.
    if (missing && dirty) {
      return (
        <div className="screen">
          <Breadcrumb />
          <LostDraft promptName={promptName} />
        </div>
      );
    }
    return (
      <div className="screen">
        <Breadcrumb />
        <EmptyState
          title={missing ? 'Prompt not found' : 'Could not open this prompt'}
          action={
            runOnly ? (
              <Link className="button button--secondary" to={{ name: 'chat' }}>
                Go to Chat
              </Link>
            ) : (
              <Button onClick={() => void load(promptName)}>Try again</Button>
            )
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
  return <PromptPage promptName={promptName} tab={tab} version={version} />;
}

function PromptPage({ promptName, tab, version }: EditorScreenProps) {
  // Closing the window loses the draft whichever tab is showing.
  useUnloadGuard();
  return (
    <div className="screen screen--editor">
      <PromptHeader showActions={tab === 'editor'} />
      <div className="tabs-bar">
        <PromptTabs promptName={promptName} active={tab} />
        <ActionNotice tab={tab} />
      </div>
      <ActionError tab={tab} />
      <div role="tabpanel" id={PANEL_ID} aria-labelledby={tabId(tab)} className="tabpanel">
        <LazyPart placeholderClass="skeleton-list" resetKey={tab}>
          {tab === 'editor' && <EditorWithRefine />}
          {tab === 'versions' && <VersionsPanel promptName={promptName} openedVersion={version} />}
          {tab === 'history' && <HistoryPanel promptName={promptName} />}
          {tab === 'sharing' && <SharingPanel promptName={promptName} />}
          {tab === 'api' && <ApiPanel promptName={promptName} />}
          {tab === 'logs' && <PromptLogsPanel promptName={promptName} />}
          {tab === 'readiness' && <ReadinessPanel promptName={promptName} />}
        </LazyPart>
      </div>
      <PromoteDialog />
      <RestoreConfirm />
    </div>
  );
}

/** Always in the page so screen readers announce each new message. */
function ActionNotice({ tab }: { tab: PromptTab }) {
  // Sharing and API changes are announced on their own tabs; version actions on the others.
  const notice = useAppStore((s) => (tab === 'sharing' ? s.sharing.notice : tab === 'api' ? s.promptApi.notice : s.versions.notice));
  return (
    <p role="status" className="action-notice">
      {notice && (
        <span className="action-notice__text">
          <span aria-hidden="true">✓ </span>
          {notice}
        </span>
      )}
    </p>
  );
}

function ActionError({ tab }: { tab: PromptTab }) {
  const error = useAppStore((s) =>
    tab === 'sharing' ? s.sharing.actionError : tab === 'api' ? s.promptApi.actionError : s.versions.actionError,
  );
  const dismissVersions = useAppStore((s) => s.versions.dismissError);
  const dismissSharing = useAppStore((s) => s.sharing.dismissError);
  const dismissApi = useAppStore((s) => s.promptApi.dismissError);
  const dismiss = tab === 'sharing' ? dismissSharing : tab === 'api' ? dismissApi : dismissVersions;
  if (!error) return null;
  return (
    <Banner tone="error" action={<Button size="sm" onClick={dismiss}>Dismiss</Button>}>
      {error}
    </Banner>
  );
}

function RestoreConfirm() {
  const number = useAppStore((s) => s.versions.restoreConfirm);
  const confirm = useAppStore((s) => s.versions.confirmRestore);
  const cancel = useAppStore((s) => s.versions.cancelRestore);
  if (number === null) return null;
  return (
    <ConfirmDialog
      title="Discard unsaved changes?"
      description={`Restoring v${number} makes it the newest version and opens it in the editor. The edits you have not saved would be thrown away.`}
      confirmLabel={`Discard and restore v${number}`}
      cancelLabel="Keep editing"
      destructive
      onConfirm={confirm}
      onCancel={cancel}
    />
  );
}
