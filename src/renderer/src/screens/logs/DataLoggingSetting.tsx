import { useEffect, useId } from 'react';
import { DATA_LOGGING_HELP } from '../../../../shared/schemas/logs';
import { DATA_LOGGING_LEVELS } from '../../../../shared/schemas/runs';
import { ActionNotice } from '../../components/ActionNotice';
import { LockIcon } from '../../components/LockIcon';
import { DATA_LOGGING_LABELS } from '../../state/logs-slice';
import { sharingAllows } from '../../state/sharing-slice';
import { useAppStore, type AppState } from '../../state/store';

/**
 * Whether the acting member may change what this prompt's runs log: editors of the prompt.
 * While sharing is unknown the choice waits; if it cannot be read, the server's refusal shows.
 */
function mayChangeLogging(s: AppState): boolean | 'unknown' {
  if (s.sharing.status === 'error') return true;
  if (!s.sharing.info) return 'unknown';
  return sharingAllows(s.sharing.info, 'edit');
}

/** The prompt's "Data logging" level: how much of each run the logs keep. */
export function DataLoggingSetting() {
  const loadSharing = useAppStore((s) => s.sharing.load);
  const level = useAppStore((s) => s.logs.loggingPending ?? s.editor.prompt?.dataLogging ?? 'full');
  const may = useAppStore(mayChangeLogging);
  const busy = useAppStore((s) => s.logs.loggingBusy);
  const setLevel = useAppStore((s) => s.logs.setDataLogging);
  const notice = useAppStore((s) => s.logs.notice);
  const error = useAppStore((s) => s.logs.actionError);
  const hintId = useId();
  const noteId = useId();

  useEffect(() => {
    void loadSharing();
  }, [loadSharing]);

  return (
    <section className="panel data-logging" aria-labelledby="data-logging-title">
      <fieldset className="level-cards data-logging__levels" disabled={may !== true || busy} aria-describedby={noteId} aria-busy={busy || undefined}>
        <legend id="data-logging-title" className="panel__title">
          Data logging
        </legend>
        <p id={noteId} className="panel__hint data-logging__note">
          Logged variables and outputs can hold personal or secret data, and anyone who can read this prompt's logs sees them. A change
          applies to runs from now on; earlier runs keep what they logged.
        </p>
        {may === false && (
          <p className="sharing__readonly data-logging__readonly">
            <LockIcon />
            Only people who can edit this prompt can change its data logging
          </p>
        )}
        <div className="data-logging__grid">
          {DATA_LOGGING_LEVELS.map((value) => (
            <label key={value} className="radio-card level-card">
              <input
                type="radio"
                name="data-logging"
                value={value}
                checked={level === value}
                aria-describedby={`${hintId}-${value}`}
                onChange={() => void setLevel(value)}
              />
              <span className="radio-card__label">{DATA_LOGGING_LABELS[value]}</span>
              <span id={`${hintId}-${value}`} className="radio-card__hint">
                {DATA_LOGGING_HELP[value]}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <ActionNotice notice={notice} error={error} />
    </section>
  );
}
