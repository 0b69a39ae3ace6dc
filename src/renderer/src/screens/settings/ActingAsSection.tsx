import { useMemo, useState, type FormEvent } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { messageForField } from '../../lib/field-errors';
import { ROLE_LABELS } from '../../state/members-slice';
import { useAppStore } from '../../state/store';
import { useMembers } from '../../state/workspace-queries';
import { SettingsSection } from './SettingsSection';

/**
 * Who this window acts as. Switching needs an admin, or the consent of the member switched to
 * (their API key): a shared desktop must not let a member become someone else on their own say.
 */
export function ActingAsSection() {
  const current = useAppStore((s) => s.session.info?.currentUser);
  const isBrowser = useAppStore((s) => s.session.info?.mode === 'headless');
  const signOut = useAppStore((s) => s.session.signOut);
  return (
    <SettingsSection
      title="Acting as"
      description={
        <p>
          Choose the member Promptdesk acts as: the library, chat and every change follow that member's access. An admin may act as anyone;
          anyone else needs the API key of the member they switch to.
        </p>
      }
    >
      {!current ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="acting-as__current">
            Acting as <strong>{current.name}</strong> <span className="muted">({current.email})</span>
            <span className="badge badge--muted">{ROLE_LABELS[current.role]}</span>
          </p>
          {/* Keyed so the picker starts from the acting member again after each switch. */}
          <SwitchForm key={current.id} currentId={current.id} isAdmin={current.role === 'admin'} />
          {isBrowser && (
            <div>
              <Button type="button" onClick={() => void signOut()}>
                Sign out
              </Button>
            </div>
          )}
        </>
      )}
    </SettingsSection>
  );
}

function SwitchForm({ currentId, isAdmin }: { currentId: string; isAdmin: boolean }) {
  const users = useMembers().items;
  const active = useMemo(() => users.filter((u) => u.isActive), [users]);
  const switching = useAppStore((s) => s.session.switching);
  const error = useAppStore((s) => s.session.switchError);
  const switchMember = useAppStore((s) => s.session.switchMember);
  const [selected, setSelected] = useState(currentId);
  const [key, setKey] = useState('');
  const keyError = error?.field === 'key' ? messageForField(error) : null;
  const options = active.map((u) => ({ value: u.id, label: u.name || u.email }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (selected !== currentId) void switchMember(selected, isAdmin ? undefined : key);
  };

  return (
    // A member types the key of whoever they switch to: its hint sits under the field, Switch under both.
    <form className={isAdmin ? 'switch-form' : 'switch-form switch-form--stacked'} onSubmit={submit}>
      <SelectField label="Switch member" options={options} value={selected} onChange={(event) => setSelected(event.target.value)} />
      {!isAdmin && (
        <TextField
          label="Their API key"
          type="password"
          autoComplete="off"
          hint="The member you switch to consents by giving you one of their API keys."
          value={key}
          error={keyError}
          onChange={(event) => setKey(event.target.value)}
        />
      )}
      <Button type="submit" variant="primary" disabled={switching || selected === currentId}>
        {switching ? 'Switching…' : 'Switch'}
      </Button>
      {error && !keyError && <Banner tone="error">Could not switch: {error.message}</Banner>}
    </form>
  );
}
