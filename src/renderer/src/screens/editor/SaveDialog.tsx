import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { TextField } from '../../components/TextField';
import { useAppStore } from '../../state/store';
import { useSlotError } from './use-slot-error';

export function SaveDialog() {
  const open = useAppStore((s) => s.editor.saveDialogOpen);
  return open ? <SaveDialogContent /> : null;
}

function SaveDialogContent() {
  const next = useAppStore((s) => (s.editor.prompt?.latest?.number ?? 0) + 1);
  const saving = useAppStore((s) => s.editor.saving);
  const save = useAppStore((s) => s.editor.save);
  const close = useAppStore((s) => s.editor.closeSaveDialog);
  const error = useSlotError({ kind: 'commitMessage' });
  const [message, setMessage] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(message);
  };

  return (
    <Dialog title="Save version" description={`This creates version ${next}. Earlier versions stay as they are.`} onClose={() => !saving && close()} size="sm">
      <form className="form" onSubmit={submit}>
        <TextField
          label="Commit message"
          hint="Optional. What changed and why."
          autoFocus
          autoComplete="off"
          value={message}
          error={error}
          onChange={(event) => setMessage(event.target.value)}
        />
        <div className="dialog__actions">
          <Button onClick={close} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={saving}>
            Save
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
