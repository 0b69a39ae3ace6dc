import { useQuery } from '@tanstack/react-query';
import { Switch } from '../../components/Switch';
import { toFormError } from '../../lib/field-errors';
import { readinessSettingsQuery } from '../../state/readiness-slice';
import { useAppStore } from '../../state/store';
import { SettingsSection } from './SettingsSection';

/** Settings → Deployment readiness: an admin makes the checklist required before access is widened to everyone. */
export function ReadinessSection() {
  const q = useQuery(readinessSettingsQuery);
  const settings = q.data ?? null;
  const changeError = useAppStore((s) => s.readiness.settingsError);
  const error = changeError ?? (q.isError ? toFormError(q.error).message : null);
  const setRequired = useAppStore((s) => s.readiness.setRequired);
  const isAdmin = useAppStore((s) => s.session.info?.currentUser.role === 'admin');
  return (
    <SettingsSection
      title="Deployment readiness"
      description="Each prompt's Readiness tab checks it before org-wide deployment: tested, edge cases, clear naming, display message, data logging, access levels, and two members finding it useful."
    >
      <Switch
        label="Require the readiness checklist before widening access"
        hint={
          isAdmin
            ? 'On: a prompt with open items cannot be moved to Chat only, Library View or Library Edit (on every door: the app, the API and the compat APIs). Off: the Sharing tab asks for confirmation and lists the open items.'
            : 'Only an admin can change this.'
        }
        checked={settings?.requiredForWidening ?? false}
        disabled={!isAdmin || settings === null}
        onChange={(required) => void setRequired(required)}
      />
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </SettingsSection>
  );
}
