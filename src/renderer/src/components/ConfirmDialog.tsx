import type { ReactNode } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';

interface ConfirmDialogProps {
  title: string;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  destructive?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Dialog title={props.title} description={props.description} onClose={props.onCancel} size="sm">
      <div className="dialog__actions">
        {/* The safe choice takes focus first so Enter never destroys work by accident. */}
        <Button autoFocus onClick={props.onCancel}>
          {props.cancelLabel}
        </Button>
        <Button variant={props.destructive ? 'danger' : 'primary'} onClick={props.onConfirm}>
          {props.confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
