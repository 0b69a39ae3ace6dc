import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { SettingsTable } from '../../components/SettingsTable';
import { changePassword, listDevices, revokeDevice, TeamError } from '../../lib/team';
import { TextField } from '../../components/TextField';
import { messageForField, type FormError } from '../../lib/field-errors';
import { useAppStore } from '../../state/store';
import { SettingsSection } from '../settings/SettingsSection';
import type { DeviceInfo } from '../../../../shared/schemas/team';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'Never');

/**
 * Settings on a team server, instead of "Acting as": who is signed in (and Sign out), and the
 * member's devices (desktops that joined: core/team/join-team.ts), each revocable: its token
 * is refused from the next request on.
 */
export function TeamAccountSection() {
  const current = useAppStore((s) => s.session.info?.currentUser);
  const signOut = useAppStore((s) => s.session.signOut);
  const [devices, setDevices] = useState<DeviceInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    listDevices().then(
      (answer) => setDevices(answer.devices),
      (failure: unknown) => setError(failure instanceof TeamError ? failure.error.message : String(failure)),
    );
  useEffect(() => {
    void load();
  }, []);

  const revoke = async (device: DeviceInfo) => {
    setError(null);
    try {
      await revokeDevice(device.id);
    } catch (failure) {
      setError(failure instanceof TeamError ? failure.error.message : String(failure));
    }
    await load();
  };

  return (
    <SettingsSection
      title="Your account"
      description={<p>You are signed in to this team server with your own password. Desktops you allowed to sync as you are listed here.</p>}
    >
      {current && (
        <p className="acting-as__current">
          Signed in as <strong>{current.name}</strong> <span className="muted">({current.email})</span> ·{' '}
          <Button size="sm" onClick={() => void signOut()}>
            Sign out
          </Button>
        </p>
      )}
      <PasswordForm />
      <h3 className="team-devices__title">Your devices</h3>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {devices === null ? (
        <p className="muted">Loading…</p>
      ) : devices.length === 0 ? (
        <p className="muted">
          No desktop syncs as you yet. A desktop or headless host joins in its Settings → Team with this address, or with{' '}
          <code>promptdesk team join --url {location.origin}</code>.
        </p>
      ) : (
        <SettingsTable label="Your devices" columns={['Device', 'Added', 'Last seen']}>
          {devices.map((device) => (
            <tr key={device.id}>
              <td>{device.name}</td>
              <td>{when(device.createdAt)}</td>
              <td>{when(device.lastSeenAt)}</td>
              <td>
                <Button size="sm" variant="danger" aria-label={`Revoke ${device.name}`} onClick={() => void revoke(device)}>
                  Revoke
                </Button>
              </td>
            </tr>
          ))}
        </SettingsTable>
      )}
    </SettingsSection>
  );
}

/** Change password: the current one is checked, the new one follows the server's rule; the member's other sessions end. */
function PasswordForm() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [done, setDone] = useState(false);
  const errorFor = (field: string) => (error && error.field === field ? messageForField(error) : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await changePassword({ currentPassword, newPassword });
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (failure) {
      setError(failure instanceof TeamError ? { message: failure.error.message, field: failure.error.field } : { message: String(failure) });
    }
    setBusy(false);
  };

  return (
    <form className="team-invite" noValidate onSubmit={(e) => void submit(e)} aria-label="Change password">
      <h3 className="team-devices__title">Change password</h3>
      <TextField label="Current password" type="password" autoComplete="current-password" value={currentPassword} error={errorFor('currentPassword')} onChange={(e) => setCurrent(e.target.value)} />
      <TextField label="New password" type="password" autoComplete="new-password" hint="At least 12 characters." value={newPassword} error={errorFor('newPassword')} onChange={(e) => setNext(e.target.value)} />
      {error && !['currentPassword', 'newPassword'].includes(error.field ?? '') && (
        <p className="field__error" role="alert">
          {error.message}
        </p>
      )}
      <Button type="submit" disabled={busy}>
        Change password
      </Button>
      {done && <p role="status">Password changed. You stay signed in here; your other sessions have ended.</p>}
    </form>
  );
}
