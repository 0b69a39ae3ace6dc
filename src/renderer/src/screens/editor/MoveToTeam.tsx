import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { SHARING_LEVEL_LABELS } from '../../../../shared/schemas/sharing';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { api, unwrap } from '../../lib/api';
import { toFormError } from '../../lib/field-errors';
import { SHARING_LEVEL_HINTS } from '../../state/sharing-slice';
import { useSharing } from '../../state/sharing-queries';
import { useSyncStatus } from '../../state/sync-queries';

/**
 * "Move to team…" on a personal prompt of a desktop that joined a team (docs/sync.md "Moving a
 * prompt to the team"): shown to whoever may decide its sharing (owner or admin). The confirm
 * says who will see it; the core moves it and syncs (sync:move-to-team), and a name the team
 * already uses comes back at the field, shown under the name.
 */
export function MoveToTeamButton({ promptName }: { promptName: string }) {
  const joined = useSyncStatus().data != null;
  const { info } = useSharing(promptName);
  const [open, setOpen] = useState(false);
  // Said once the move succeeded (the button itself goes: the prompt is a team prompt now).
  const [moved, setMoved] = useState(false);
  if (moved && info?.decidedOnTeamServer) {
    return (
      <p className="muted" role="status" title="It is a team prompt now: its sharing is changed on the team server">
        Moved “{promptName}” to the team.
      </p>
    );
  }
  if (!joined || !info || info.decidedOnTeamServer || !info.allowed.includes('share')) return null;
  return (
    <>
      <Button onClick={() => setOpen(true)}>Move to team…</Button>
      {open && (
        <MoveToTeamDialog
          promptName={promptName}
          level={info.level}
          onClose={() => setOpen(false)}
          onMoved={() => {
            setMoved(true);
            setOpen(false);
          }}
        />
      )}
    </>
  );
}

function MoveToTeamDialog({ promptName, level, onClose, onMoved }: { promptName: string; level: keyof typeof SHARING_LEVEL_LABELS; onClose(): void; onMoved(): void }) {
  const client = useQueryClient();
  const move = useMutation({
    mutationFn: () => unwrap(api.sync.moveToTeam({ name: promptName })),
    onSuccess: () => {
      // The prompt is now a team prompt: its sharing, owner and sync marks read again.
      void client.invalidateQueries();
      onMoved();
    },
  });
  const error = move.error ? toFormError(move.error) : null;
  return (
    <Dialog
      title={`Move "${promptName}" to the team?`}
      description={
        <>
          The team will see it as its sharing level says: <strong>{SHARING_LEVEL_LABELS[level]}</strong> ({SHARING_LEVEL_HINTS[level]}). Its versions keep
          their numbers, and its test cases and runs go with it. After the move, its sharing is changed on the team server.
        </>
      }
      onClose={onClose}
      size="sm"
    >
      <div className="field">
        <span className="field__label">Name on the team</span>
        <code aria-describedby={error ? 'move-to-team-error' : undefined}>{promptName}</code>
        {error && (
          <p id="move-to-team-error" className="field__error" role="alert">
            {error.message}
          </p>
        )}
      </div>
      <div className="dialog__actions">
        <Button autoFocus onClick={onClose}>
          Cancel
        </Button>
        <Button variant="primary" onClick={() => move.mutate()} disabled={move.isPending}>
          {move.isPending ? 'Moving…' : 'Move to team'}
        </Button>
      </div>
    </Dialog>
  );
}
