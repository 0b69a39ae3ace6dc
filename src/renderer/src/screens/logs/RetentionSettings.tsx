import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { TextField } from '../../components/TextField';
import { ActionNotice } from '../../components/ActionNotice';
import { messageForField, toFormError } from '../../lib/field-errors';
import { absoluteTime } from '../../lib/relative-time';
import { plural } from '../../state/logs-slice';
import { logSettingsQuery } from '../../state/logs-queries';
import { useAppStore } from '../../state/store';

type Mode = 'days' | 'forever';

/** Admins only: how long logs are kept, and removing older ones now. */
export function RetentionSettings() {
  const q = useQuery(logSettingsQuery);
  const settings = q.data ?? null;
  const settingsError = q.isError ? toFormError(q.error).message : null;
  const notice = useAppStore((s) => s.logs.notice);
  const actionError = useAppStore((s) => s.logs.actionError);

  return (
    <section className="panel logs-retention" aria-labelledby="logs-retention-title">
      <div className="logs-retention__intro">
        <h2 id="logs-retention-title" className="panel__title">
          Retention
        </h2>
        <p className="panel__hint logs-retention__hint">Older runs are removed automatically. Only admins see this.</p>
      </div>
      {settingsError && !settings && <p className="field__error">Could not read the retention setting: {settingsError}</p>}
      {settings && <RetentionForm key={String(settings.retentionDays)} days={settings.retentionDays} />}
      <ActionNotice notice={notice} error={actionError} />
    </section>
  );
}

function RetentionForm({ days }: { days: number | null }) {
  const setRetention = useAppStore((s) => s.logs.setRetention);
  const busy = useAppStore((s) => s.logs.settingsBusy);
  const error = useAppStore((s) => s.logs.retentionError);
  const lastPurge = useQuery(logSettingsQuery).data?.lastPurge ?? null;
  const purge = useAppStore((s) => s.logs.purge);
  const [mode, setMode] = useState<Mode>(days === null ? 'forever' : 'days');
  const [text, setText] = useState(days === null ? '90' : String(days));
  const [localError, setLocalError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const name = useId();

  const wanted = mode === 'forever' ? null : Number(text);
  const changed = wanted !== days;
  const daysError = localError ?? (error ? messageForField(error) : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mode === 'days' && !/^\d{1,5}$/.test(text.trim())) {
      setLocalError('Enter a whole number of days, such as 90');
      return;
    }
    if (wanted !== null && (wanted < 1 || wanted > 36_500)) {
      setLocalError('Keep logs for 1 to 36,500 days');
      return;
    }
    setLocalError(null);
    await setRetention(wanted);
  };

  return (
    <>
      <form className="logs-retention__form" onSubmit={submit} noValidate>
        <fieldset className="logs-retention__choices" disabled={busy}>
          <legend className="visually-hidden">Keep logs</legend>
          <label className="logs-retention__choice">
            <input type="radio" name={name} checked={mode === 'days'} onChange={() => setMode('days')} />
            <span>Keep logs for</span>
          </label>
          <TextField
            className="field--compact logs-retention__days"
            label="Days to keep logs"
            hideLabel
            inputMode="numeric"
            value={text}
            disabled={mode !== 'days'}
            error={mode === 'days' ? daysError : null}
            onChange={(event) => {
              setText(event.target.value);
              setLocalError(null);
            }}
          />
          <span className="logs-retention__unit" aria-hidden="true">
            days
          </span>
          <label className="logs-retention__choice">
            <input type="radio" name={name} checked={mode === 'forever'} onChange={() => setMode('forever')} />
            <span>Forever</span>
          </label>
        </fieldset>
        <Button type="submit" size="sm" variant="primary" disabled={busy || !changed}>
          Save retention
        </Button>
      </form>
      <div className="logs-retention__purge">
        <p className="logs-retention__last">
          {lastPurge
            ? `Last purge ${absoluteTime(lastPurge.at)}: ${plural(lastPurge.removed, 'run')} removed.`
            : 'Never purged.'}
          {days === null && ' Logs are kept forever, so there is nothing to purge.'}
        </p>
        <Button size="sm" variant="danger" disabled={busy || days === null} onClick={() => setConfirming(true)}>
          Purge now
        </Button>
      </div>
      {confirming && days !== null && (
        <ConfirmDialog
          title="Purge old logs now?"
          description={`Runs older than ${plural(days, 'day')} are removed for good, for every prompt. This cannot be undone.`}
          confirmLabel="Purge"
          cancelLabel="Cancel"
          destructive
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void purge();
          }}
        />
      )}
    </>
  );
}
