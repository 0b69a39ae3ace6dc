import { SHARING_LEVEL_LABELS } from '../../../../shared/schemas/sharing';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Link } from '../../components/Link';
import { useAppStore } from '../../state/store';

/**
 * Asked before a level that widens access to everyone while readiness items are open: it lists
 * them. When an admin requires the checklist, the change cannot be made (the core refuses it
 * anyway); the dialog then only explains and points to the Readiness tab.
 */
export function WidenConfirm() {
  const widen = useAppStore((s) => s.sharing.widen);
  const promptName = useAppStore((s) => s.sharing.promptName);
  const confirm = useAppStore((s) => s.sharing.confirmWiden);
  const cancel = useAppStore((s) => s.sharing.cancelWiden);
  if (!widen || !promptName) return null;
  const label = SHARING_LEVEL_LABELS[widen.level];
  return (
    <Dialog
      title={widen.required ? 'Finish the readiness checklist first' : `Widen access to ${label}?`}
      description={
        widen.required
          ? `An admin requires every readiness item to pass before access is widened to everyone. ${widen.open.length === 1 ? 'This item is' : 'These items are'} still open:`
          : `Everyone in the workspace will get this prompt while ${widen.open.length === 1 ? 'this readiness item is' : `${widen.open.length} readiness items are`} still open:`
      }
      onClose={cancel}
      size="sm"
    >
      <ul className="widen-confirm__items" aria-label="Open readiness items">
        {widen.open.map((title) => (
          <li key={title}>{title}</li>
        ))}
      </ul>
      <div className="dialog__actions widen-confirm__actions">
        <Link className="button button--secondary" to={{ name: 'editor', promptName, tab: 'readiness' }} onClick={cancel}>
          Open the checklist
        </Link>
        {/* The safe choice takes focus first, so Enter never widens access by accident. */}
        <Button autoFocus variant={widen.required ? 'primary' : 'secondary'} onClick={cancel}>
          {widen.required ? 'Close' : 'Keep current access'}
        </Button>
        {!widen.required && (
          <Button variant="primary" onClick={() => void confirm()}>
            Widen to {label} anyway
          </Button>
        )}
      </div>
    </Dialog>
  );
}
