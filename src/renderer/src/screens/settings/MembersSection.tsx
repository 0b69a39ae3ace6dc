import { Banner } from '../../components/Banner';
import { useAppStore } from '../../state/store';
import { SettingsSection } from './SettingsSection';

export function MembersSection() {
  const users = useAppStore((s) => s.session.users);
  const status = useAppStore((s) => s.session.usersStatus);
  const error = useAppStore((s) => s.session.usersError);
  const currentId = useAppStore((s) => s.session.info?.currentUser.id);

  return (
    <SettingsSection title="Members" description={<p>People who can sign in to this workspace and own prompts.</p>}>
      {error && <Banner tone="error">Could not load members: {error}</Banner>}
      {status === 'loading' && users.length === 0 && <p className="muted">Loading…</p>}
      {users.length > 0 && (
        <table className="members-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id} className={user.isActive ? undefined : 'is-inactive'}>
                <td>
                  {user.name}
                  {user.id === currentId && <span className="badge badge--muted">You</span>}
                  {!user.isActive && <span className="badge badge--muted">Deactivated</span>}
                </td>
                <td>{user.email}</td>
                <td className="capitalize">{user.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </SettingsSection>
  );
}
