import { useState, type FormEvent } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { TextField } from '../../components/TextField';
import { messageForField, toFormError, type FormError } from '../../lib/field-errors';
import { relativeTime, absoluteTime } from '../../lib/relative-time';
import { useAppStore } from '../../state/store';
import { useSyncStatus } from '../../state/sync-queries';
import { useJoinTeam, useLeaveTeam, useTeamLink } from '../../state/team-link-queries';
import { Detail, SettingsSection } from '../settings/SettingsSection';
import { DEVICE_REVOKED_TEXT, SYNC_LABELS } from '../../lib/sync-labels';
import { leaveTeamText } from '../../lib/leave-team-text';

/**
 * Settings → Team on a desktop or a headless host (core/team/team-link-service.ts): join a team
 * server (its address checked at the field, the sign-in in the browser), then "Joined <team> as
 * <member>" with this device's name, the sync's state, and Leave team.
 */
export function TeamJoinSection() {
  const { data: link, error } = useTeamLink();
  // What leaving did: shown after the joined view is gone.
  const [leftNotice, setLeftNotice] = useState<string | null>(null);
  // A team server joins no other (its page shows Your account and Invite members instead).
  if (link?.isTeamServer) return null;
  return (
    <SettingsSection
      title="Team"
      description={
        <p>
          Join a team workspace: this computer keeps a full copy of the team prompts you may read and works offline;
          your changes sync when the team server is reachable. Your personal prompts stay on this computer.
        </p>
      }
    >
      {error && <Banner tone="error">Could not read the team link: {error.message}</Banner>}
      {leftNotice && !link?.joined && <p role="status">{leftNotice}</p>}
      {!link ? (
        <p className="muted">Loading…</p>
      ) : link.joined ? (
        <JoinedTeam joined={link.joined} onLeft={setLeftNotice} />
      ) : (
        <JoinForm joining={link.joining} lastError={link.lastError} />
      )}
    </SettingsSection>
  );
}

type Joined = NonNullable<NonNullable<ReturnType<typeof useTeamLink>['data']>['joined']>;

function JoinForm({ joining, lastError }: { joining: { serverUrl: string; authorizeUrl: string } | null; lastError: string | null }) {
  const mode = useAppStore((s) => s.session.info?.mode);
  const join = useJoinTeam();
  const [serverUrl, setServerUrl] = useState('');
  const [deviceName, setDeviceName] = useState('');
  const [formError, setFormError] = useState<FormError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    // Headless, this page opens the sign-in itself: a tab opened now, in the click, is never
    // taken for a pop-up; it is sent to the server's page once the host answers.
    const tab = mode === 'headless' ? window.open('', '_blank') : null;
    try {
      const started = await join.mutateAsync({ serverUrl, deviceName: deviceName.trim() || undefined });
      if (started.openedByHost) tab?.close();
      else if (tab) {
        tab.opener = null;
        tab.location.href = started.authorizeUrl;
      }
    } catch (failure) {
      tab?.close();
      setFormError(toFormError(failure));
    }
  };

  const fieldError = (field: string) => (formError?.field === field ? messageForField(formError) : undefined);
  return (
    <form className="stack" onSubmit={(event) => void submit(event)} aria-label="Join a team workspace" noValidate>
      <TextField
        label="Team server URL"
        hint="https://…, or http:// on this computer only"
        placeholder="https://prompts.example.com"
        value={serverUrl}
        onChange={(event) => setServerUrl(event.target.value)}
        error={fieldError('serverUrl')}
        inputMode="url"
        autoComplete="url"
      />
      <TextField
        label="Device name"
        hint="How this computer is listed under your devices on the server (default: its name)"
        value={deviceName}
        onChange={(event) => setDeviceName(event.target.value)}
        error={fieldError('deviceName')}
      />
      {formError && !formError.field && (
        <p className="field__error" role="alert">
          {formError.message}
        </p>
      )}
      {lastError && !joining && (
        <p className="field__error" role="alert">
          Joining failed: {lastError}
        </p>
      )}
      {joining ? (
        <p role="status">
          Waiting for you to sign in to <code>{joining.serverUrl}</code> and allow this device…{' '}
          <a href={joining.authorizeUrl} target="_blank" rel="noopener noreferrer">
            Open the sign-in page again
          </a>
        </p>
      ) : null}
      <div>
        <Button type="submit" variant="primary" disabled={join.isPending}>
          {joining ? 'Start again' : 'Join a team workspace'}
        </Button>
      </div>
    </form>
  );
}

function JoinedTeam({ joined, onLeft }: { joined: Joined; onLeft: (message: string) => void }) {
  const { data: sync } = useSyncStatus();
  const leave = useLeaveTeam();
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const pending = sync?.pending ?? 0;
  const revoked = sync?.state === 'revoked';
  // Unsent work is kept as personal prompts unless the member unticks it.
  const [keepUnsent, setKeepUnsent] = useState(true);
  const text = leaveTeamText({ teamPrompts: joined.teamPrompts, keepsEveryPrompt: joined.leaveKeepsEveryPrompt, pending, revoked });

  const doLeave = async () => {
    setConfirming(false);
    try {
      const left = await leave.mutateAsync({ keepUnsent });
      const removed = `${left.removedPrompts} team ${left.removedPrompts === 1 ? 'prompt' : 'prompts'}`;
      const kept = text.keptNotice(left.keptAsPersonal);
      onLeft(
        (left.revokedOnServer
          ? `Left the team. This device’s token was revoked on the server; ${removed} removed from this computer.`
          : `Left the team here (${removed} removed), but the server could not be reached: revoke this device under Your devices on the server.`) + kept,
      );
    } catch (failure) {
      setNotice(toFormError(failure).message);
    }
  };

  return (
    <>
      <p className="team-joined" role="status">
        Joined <strong>{joined.team.name}</strong> as <strong>{joined.member.name || joined.member.email}</strong>{' '}
        <span className="muted">({joined.member.email})</span>
      </p>
      <dl className="details">
        <Detail label="Server">
          <code>{joined.serverUrl}</code>
        </Detail>
        <Detail label="This device">{joined.deviceName || <span className="muted">Unnamed</span>}</Detail>
        <Detail label="Joined">
          <time dateTime={joined.joinedAt} title={absoluteTime(joined.joinedAt)}>
            {relativeTime(joined.joinedAt)}
          </time>
        </Detail>
        <Detail label="Sync">
          {sync ? (
            <>
              <span className={`sync-dot sync-dot--${sync.state}`} aria-hidden="true" /> {revoked ? DEVICE_REVOKED_TEXT : SYNC_LABELS[sync.state]}
              {pending > 0 && ` · ${pending} ${pending === 1 ? 'change waits' : 'changes wait'}`}
              {sync.lastSyncedAt ? ` · last synced ${relativeTime(sync.lastSyncedAt)}` : ' · not synced yet'}
            </>
          ) : (
            <span className="muted">Starting…</span>
          )}
        </Detail>
      </dl>
      {notice && <p role="status">{notice}</p>}
      <div>
        <Button variant="danger" onClick={() => setConfirming(true)} disabled={leave.isPending}>
          Leave team
        </Button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Leave ${joined.team.name}?`}
          description={
            <>
              <p>{text.removal}</p>
              {text.waiting && (
                <p>
                  <strong>{text.waiting}</strong>
                </p>
              )}
              {text.keepLabel && (
                <label className="scope-option">
                  <input type="checkbox" checked={keepUnsent} onChange={(event) => setKeepUnsent(event.target.checked)} />
                  <span>{text.keepLabel}</span>
                </label>
              )}
              <p>You can join again later: the team prompts are copied back.</p>
            </>
          }
          confirmLabel="Leave team"
          cancelLabel="Cancel"
          destructive
          onConfirm={() => void doLeave()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </>
  );
}
