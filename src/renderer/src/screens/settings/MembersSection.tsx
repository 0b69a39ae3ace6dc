import { useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { User } from '../../../../shared/schemas/users';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { SettingsTable } from '../../components/SettingsTable';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { messageForField, toFormError } from '../../lib/field-errors';
import { ACCESS_VIA_LABELS, ROLE_LABELS } from '../../state/members-slice';
import { useAppStore } from '../../state/store';
import { memberAccessQuery, useMembers } from '../../state/workspace-queries';
import { SettingsSection } from './SettingsSection';
import { ActionNotice } from '../../components/ActionNotice';
import { useIsTeamServer } from '../team/team-status';
import { TEAM_MANAGED_REASON } from '../../state/team-managed';

const ROLE_OPTIONS = [
  { value: 'member', label: ROLE_LABELS.member },
  { value: 'admin', label: ROLE_LABELS.admin },
];

const COLUMNS = 5;

const displayName = (user: { name: string; email: string }) => user.name || user.email;

export function MembersSection() {
  const { items: users, status, error } = useMembers();
  const isAdmin = useAppStore((s) => s.session.info?.currentUser.role === 'admin');
  // On a team server every member signs in with their own password: they join by invite, never added without one.
  const isTeam = useIsTeamServer();

  return (
    <SettingsSection
      title="Members"
      description={
        <p>
          People who work in this workspace and own prompts.{' '}
          {isTeam ? 'Admins invite members (Invite members, above) and can deactivate them' : 'Admins add members and can deactivate them'}; a
          deactivated member keeps their prompts but can no longer act.
        </p>
      }
    >
      <MembersNotice />
      {error && <Banner tone="error">Could not load members: {error}</Banner>}
      {isAdmin && !isTeam && <AddMemberForm />}
      {isAdmin && isTeam && <p className="muted">To add someone, invite them under Invite members: they set their own password.</p>}
      {status === 'loading' && users.length === 0 && <p className="muted">Loading…</p>}
      {users.length > 0 && (
        <SettingsTable columns={['Name', 'Email', 'Role', 'Status']} className="members-table" wrapClassName={null}>
          {users.map((user) => (
            <MemberRows key={user.id} user={user} isAdmin={isAdmin} />
          ))}
        </SettingsTable>
      )}
      {isAdmin && users.some((user) => user.managedByTeam) && (
        <p className="muted">Members who came with the team (their Deactivate is disabled): {TEAM_MANAGED_REASON.toLowerCase()}.</p>
      )}
    </SettingsSection>
  );
}

function MembersNotice() {
  const notice = useAppStore((s) => s.members.notice);
  const actionError = useAppStore((s) => s.members.actionError);
  return <ActionNotice notice={notice} error={actionError} />;
}

type AddField = 'name' | 'email' | 'role';

function AddMemberForm() {
  const headingId = useId();
  const add = useAppStore((s) => s.members.add);
  const adding = useAppStore((s) => s.members.adding);
  const addError = useAppStore((s) => s.members.addError);
  const clearAddError = useAppStore((s) => s.members.clearAddError);
  const [values, setValues] = useState({ name: '', email: '', role: 'member' as User['role'] });

  const errorFor = (field: AddField) => (addError?.field === field ? messageForField(addError) : null);
  const formError = addError && !['name', 'email', 'role'].includes(addError.field ?? '') ? addError.message : null;

  const set = (field: AddField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    clearAddError(field);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await add(values)) setValues({ name: '', email: '', role: 'member' });
  };

  return (
    <form className="member-form" aria-labelledby={headingId} onSubmit={(event) => void submit(event)} noValidate>
      <h3 id={headingId} className="member-form__title">
        New member
      </h3>
      {formError && <Banner tone="error">{formError}</Banner>}
      <div className="member-form__fields">
        <TextField label="Name" autoComplete="off" value={values.name} error={errorFor('name')} onChange={(e) => set('name', e.target.value)} />
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          spellCheck={false}
          value={values.email}
          error={errorFor('email')}
          onChange={(e) => set('email', e.target.value)}
        />
        <SelectField label="Role" options={ROLE_OPTIONS} value={values.role} onChange={(e) => set('role', e.target.value)} />
        <Button type="submit" variant="primary" disabled={adding} className="member-form__submit">
          Add member
        </Button>
      </div>
    </form>
  );
}

function MemberRows({ user, isAdmin }: { user: User; isAdmin: boolean }) {
  const currentId = useAppStore((s) => s.session.info?.currentUser.id);
  const busy = useAppStore((s) => s.members.busyId !== null);
  const accessOpen = useAppStore((s) => s.members.openAccess.includes(user.id));
  const setActive = useAppStore((s) => s.members.setActive);
  const toggleAccess = useAppStore((s) => s.members.toggleAccess);
  const accessId = useId();
  const name = displayName(user);
  const isSelf = user.id === currentId;
  // Admins see everyone's access; a member may look at their own.
  const canSeeAccess = isAdmin || isSelf;

  return (
    <>
      <tr className={user.isActive ? undefined : 'is-inactive'}>
        <td>
          <span className="members-table__name">{user.name}</span>
          {isSelf && <span className="badge badge--muted">You</span>}
        </td>
        <td>
          <EmailText email={user.email} />
        </td>
        <td>{ROLE_LABELS[user.role]}</td>
        <td>
          <span className={`member-status member-status--${user.isActive ? 'active' : 'inactive'}`}>
            {user.isActive ? 'Active' : 'Deactivated'}
          </span>
        </td>
        <td className="members-table__actions">
          <div className="row-actions">
            {canSeeAccess && (
              <Button
                size="sm"
                aria-label={`Show access for ${name}`}
                aria-expanded={accessOpen}
                aria-controls={accessOpen ? accessId : undefined}
                onClick={() => toggleAccess(user.id)}
              >
                Access
              </Button>
            )}
            {isAdmin && !isSelf && (
              <Button
                size="sm"
                variant={user.isActive ? 'secondary' : 'primary'}
                // A member the team replicated is changed on the team server (core: isTeamManagedMember).
                disabled={busy || user.managedByTeam === true}
                title={user.managedByTeam ? TEAM_MANAGED_REASON : undefined}
                aria-label={`${user.isActive ? 'Deactivate' : 'Reactivate'} ${name}`}
                onClick={() => void setActive(user.id, !user.isActive)}
              >
                {user.isActive ? 'Deactivate' : 'Reactivate'}
              </Button>
            )}
          </div>
        </td>
      </tr>
      {accessOpen && (
        <tr className="members-table__access-row">
          <td colSpan={COLUMNS} id={accessId}>
            <AccessList userId={user.id} name={name} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The email with a line-break opportunity before "@", for narrow columns. */
function EmailText({ email }: { email: string }) {
  const at = email.indexOf('@');
  if (at <= 0) return <>{email}</>;
  return (
    <>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </>
  );
}

function AccessList({ userId, name }: { userId: string; name: string }) {
  const access = useQuery(memberAccessQuery(userId));
  if (access.isError) return <Banner tone="error">Could not load access: {toFormError(access.error).message}</Banner>;
  if (!access.data) return <p className="muted">Loading access…</p>;
  if (access.data.length === 0) return <p className="muted">{name} has no access to any prompt.</p>;
  return (
    <table className="access-table" aria-label={`Access for ${name}`}>
      <thead>
        <tr>
          <th scope="col">Prompt</th>
          <th scope="col">Can</th>
          <th scope="col">Via</th>
        </tr>
      </thead>
      <tbody>
        {access.data.map((entry) => (
          <tr key={entry.prompt.name}>
            <td>
              <span className="access-table__title">{entry.prompt.title}</span> <code className="muted">{entry.prompt.name}</code>
            </td>
            <td>
              <ul className="tags" aria-label="Actions">
                {entry.actions.map((action) => (
                  <li key={action} className="tag">
                    {action}
                  </li>
                ))}
              </ul>
            </td>
            <td>{ACCESS_VIA_LABELS[entry.via]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
