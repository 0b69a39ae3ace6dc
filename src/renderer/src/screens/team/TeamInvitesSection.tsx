import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { SettingsTable } from '../../components/SettingsTable';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { messageForField, type FormError } from '../../lib/field-errors';
import { createInvite, listInvites, revokeInvite, TeamError } from '../../lib/team';
import { useAppStore } from '../../state/store';
import { SettingsSection } from '../settings/SettingsSection';
import type { InviteInfo } from '../../../../shared/schemas/team';

const ROLES = [
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
] as const;

const formError = (failure: unknown): FormError =>
  failure instanceof TeamError ? { message: failure.error.message, field: failure.error.field } : { message: String(failure) };

/**
 * Admins on a team server: invite someone by email (the one-time link is shown once, to send
 * them), and see or revoke the invites not yet accepted. The same service as `promptdesk users invite`.
 */
export function TeamInvitesSection() {
  const isAdmin = useAppStore((s) => s.session.info?.currentUser.role === 'admin');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [invites, setInvites] = useState<InviteInfo[]>([]);

  const load = () => listInvites().then((answer) => setInvites(answer.invites), (failure: unknown) => setError(formError(failure)));
  useEffect(() => {
    if (isAdmin) void load();
  }, [isAdmin]);
  if (!isAdmin) return null;

  const errorFor = (field: string) => (error && error.field === field ? messageForField(error) : null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setLink(null);
    try {
      const made = await createInvite({ email, name: name || undefined, role });
      setLink(made.link);
      setEmail('');
      setName('');
    } catch (failure) {
      setError(formError(failure));
    }
    setBusy(false);
    await load();
  };

  return (
    <SettingsSection title="Invite members" description={<p>Invite someone by email: they open the link, choose a password and are signed in. A link works once, for 7 days.</p>}>
      <form className="team-invite" noValidate onSubmit={(e) => void submit(e)} aria-label="Invite a member">
        <TextField label="Email" type="email" value={email} error={errorFor('email')} onChange={(e) => setEmail(e.target.value)} />
        <TextField label="Name" hint="Optional: they can change it when they accept." value={name} error={errorFor('name')} onChange={(e) => setName(e.target.value)} />
        <SelectField label="Role" options={ROLES} value={role} onChange={(e) => setRole(e.target.value as 'member' | 'admin')} />
        {error && !['email', 'name'].includes(error.field ?? '') && (
          <p className="field__error" role="alert">
            {error.message}
          </p>
        )}
        <Button type="submit" variant="primary" disabled={busy}>
          Create invite link
        </Button>
      </form>
      {link && (
        <p className="team-invite__link" role="status">
          Send this link (shown once): <code>{link}</code>
        </p>
      )}
      {invites.length > 0 && (
        <SettingsTable label="Pending invites" columns={['Email', 'Role', 'Expires']}>
          {invites.map((invite) => (
            <tr key={invite.id}>
              <td>{invite.email}</td>
              <td>{invite.role === 'admin' ? 'Admin' : 'Member'}</td>
              <td>{new Date(invite.expiresAt).toLocaleDateString()}</td>
              <td>
                <Button size="sm" aria-label={`Revoke the invite for ${invite.email}`} onClick={() => void revokeInvite(invite.id).then(load, (f: unknown) => setError(formError(f)))}>
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
