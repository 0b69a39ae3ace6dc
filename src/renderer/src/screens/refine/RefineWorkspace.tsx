import { useEffect } from 'react';
import { Button } from '../../components/Button';
import { useAppStore } from '../../state/store';
import { EditorPanel } from '../editor/EditorPanel';
import { RefinePanel } from './RefinePanel';

/** The Editor tab, with the Refine panel beside it while it is open. */
export function EditorWithRefine() {
  const open = useAppStore((s) => s.refine.open && s.refine.promptName === s.editor.promptName);
  const promptName = useAppStore((s) => s.editor.promptName);
  const memberId = useAppStore((s) => s.session.info?.currentUser.id ?? null);
  const panelMember = useAppStore((s) => s.refine.memberId);
  const openPanel = useAppStore((s) => s.refine.openPanel);
  const prepare = useAppStore((s) => s.refine.prepare);
  const latestVersion = useAppStore((s) => s.editor.prompt?.latestVersion ?? null);

  // Acting as another member: the conversation was theirs, and so were the models and the permission.
  useEffect(() => {
    if (open && promptName && panelMember !== memberId) void openPanel(promptName, memberId);
  }, [open, promptName, panelMember, memberId, openPanel]);

  // A version saved in the editor is what the next turn refines; the panel says so.
  useEffect(() => {
    if (open && latestVersion !== null && useAppStore.getState().refine.prep?.version !== latestVersion) void prepare();
  }, [open, latestVersion, prepare]);

  return (
    <div className={`refine-layout${open ? ' refine-layout--open' : ''}`}>
      <div className="refine-layout__editor">
        <EditorPanel />
      </div>
      {open && <RefinePanel />}
    </div>
  );
}

/**
 * "Refine with AI" in the prompt's header: opens (or closes) the panel beside the editor, on
 * the Editor tab. Only a saved prompt has a version to refine.
 */
export function RefineButton() {
  const promptName = useAppStore((s) => s.editor.promptName);
  const saved = useAppStore((s) => (s.editor.prompt?.latest ?? null) !== null);
  const onEditor = useAppStore((s) => s.route.current.name === 'editor' && (s.route.current.tab ?? 'editor') === 'editor');
  const open = useAppStore((s) => s.refine.open && s.refine.promptName === s.editor.promptName && onEditor);
  const memberId = useAppStore((s) => s.session.info?.currentUser.id ?? null);
  const openPanel = useAppStore((s) => s.refine.openPanel);
  const close = useAppStore((s) => s.refine.close);
  const navigate = useAppStore((s) => s.route.navigate);
  if (!promptName || !saved) return null;
  const onClick = () => {
    if (open) {
      close();
      return;
    }
    if (!onEditor) navigate({ name: 'editor', promptName, tab: 'editor' });
    void openPanel(promptName, memberId);
  };
  return (
    <Button onClick={onClick} aria-expanded={open} title="Describe what to change; a model proposes a revision of the template">
      <span aria-hidden="true">✦ </span>
      Refine with AI
    </Button>
  );
}
