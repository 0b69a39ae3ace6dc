import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/SelectField';
import { ROLE_LABELS } from '../../state/members-slice';
import { useAppStore } from '../../state/store';
import { SettingsSection } from './SettingsSection';

/** The desktop is shared: anyone at it may choose which member Promptdesk acts as. */
export function ActingAsSection() {
  const current = useAppStore((s) => s.session.info?.currentUser);
  return (
    <SettingsSection
      title="Acting as"
      description={
        <p>This desktop is shared. Choose the member Promptdesk acts as: the library, chat and every change follow that member's access.</p>
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
          <SwitchForm key={current.id} currentId={current.id} />
        </>
      )}
    </SettingsSection>
  );
}

function SwitchForm({ currentId }: { currentId: string }) {
  const active = useAppStore(useShallow((s) => s.members.users.filter((u) => u.isActive)));
  const switching = useAppStore((s) => s.session.switching);
  const error = useAppStore((s) => s.session.switchError);
  const switchMember = useAppStore((s) => s.session.switchMember);
  const [selected, setSelected] = useState(currentId);
  const options = active.map((u) => ({ value: u.id, label: u.name || u.email }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (selected !== currentId) void switchMember(selected);
  };

  return (
    <form className="switch-form" onSubmit={submit}>
      <SelectField label="Switch member" options={options} value={selected} onChange={(event) => setSelected(event.target.value)} />
      <Button type="submit" variant="primary" disabled={switching || selected === currentId}>
        {switching ? 'Switching…' : 'Switch'}
      </Button>
      {error && <Banner tone="error">Could not switch: {error}</Banner>}
    </form>
  );
}
