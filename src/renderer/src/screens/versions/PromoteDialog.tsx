import { useState, type FormEvent } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { TextAreaField } from '../../components/TextAreaField';
import { fieldIsUnder, messageForField } from '../../lib/field-errors';
import { useAppStore } from '../../state/store';
import { useSyncStatus } from '../../state/sync-queries';
import { useTeamManagedPrompt } from '../../state/team-managed';

/** One dialog for every Promote action: the Editor header, the Versions table and History. */
export function PromoteDialog() {
  const number = useAppStore((s) => s.versions.promoteTarget);
  return number === null ? null : <PromoteDialogContent number={number} />;
}

function PromoteDialogContent({ number }: { number: number }) {
  const published = useAppStore((s) => s.editor.prompt?.publishedVersion ?? null);
  const pinned = useAppStore((s) => s.editor.prompt?.pinnedVersion ?? null);
  // Offline, a team prompt's promotion is a request the server applies later, only if what is
  // published has not changed meanwhile (docs/sync.md promotion.request; attack 14c).
  const promptName = useAppStore((s) => s.editor.prompt?.name ?? '');
  const teamPrompt = useTeamManagedPrompt(promptName);
  const offline = useSyncStatus().data?.state === 'offline';
  const request = teamPrompt && offline;
  const promoting = useAppStore((s) => s.versions.promoting);
  const error = useAppStore((s) => s.versions.promoteError);
  const promote = useAppStore((s) => s.versions.promote);
  const close = useAppStore((s) => s.versions.closePromote);
  const [notes, setNotes] = useState('');

  const notesError = error && fieldIsUnder(error.field, 'notes') ? messageForField(error) : null;
  const otherError = error && !notesError ? error.message : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void promote(notes);
  };

  const description = (
    <>
      <p>
        v{number} becomes the published version
        {published !== null && published !== number ? `, and v${published} is archived` : ''}.
      </p>
      {request && (
        <p>
          <strong>This is a request:</strong> sent to the team when online; applied only if{' '}
          {published !== null ? `v${published} is still published` : 'no other version was published'} by then.
        </p>
      )}
      {pinned !== null && <p>The API stays pinned to v{pinned} until you follow the published version again.</p>}
    </>
  );

  return (
    <Dialog title={`Promote v${number}`} description={description} onClose={() => !promoting && close()} size="sm">
      <form className="form" onSubmit={submit}>
        {otherError && <Banner tone="error">{otherError}</Banner>}
        <TextAreaField
          label="Promotion notes"
          hint="Optional. Why this version goes to production; shown in History."
          autoFocus
          rows={3}
          value={notes}
          error={notesError}
          onChange={(event) => setNotes(event.target.value)}
        />
        <div className="dialog__actions">
          <Button onClick={close} disabled={promoting}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={promoting}>
            Promote
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
