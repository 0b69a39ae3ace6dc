import { useEffect, useState } from 'react';
import { Button } from '../../components/Button';
import { listDevices, revokeDevice, TeamError } from '../../lib/team';
import { useAppStore } from '../../state/store';
import { SettingsSection } from '../settings/SettingsSection';
import type { DeviceInfo } from '../../../../shared/schemas/team';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'Never');

/**
 * Settings on a team server, instead of "Acting as": who is signed in (and Sign out), and the
 * member's devices (desktops that joined with "Join a team workspace"), each revocable: its token
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
      <h3 className="team-devices__title">Your devices</h3>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {devices === null ? (
        <p className="muted">Loading…</p>
      ) : devices.length === 0 ? (
        <p className="muted">No desktop syncs as you yet. In the desktop app, choose “Join a team workspace”.</p>
      ) : (
        <div className="table-wrap">
        <table className="data-table" aria-label="Your devices">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Added</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
        </div>
      )}
    </SettingsSection>
  );
}
