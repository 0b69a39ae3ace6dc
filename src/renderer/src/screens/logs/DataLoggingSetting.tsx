import { useId } from 'react';
import { DATA_LOGGING_HELP } from '../../../../shared/schemas/logs';
import { DATA_LOGGING_LEVELS } from '../../../../shared/schemas/runs';
import { ActionNotice } from '../../components/ActionNotice';
import { LockIcon } from '../../components/LockIcon';
import { RadioCards } from '../../components/RadioCards';
import { DATA_LOGGING_LABELS } from '../../state/logs-slice';
import { mayEditPrompt } from '../../state/editor-slice';
import { useAppStore } from '../../state/store';

/** The prompt's "Data logging" level: how much of each run the logs keep. */
export function DataLoggingSetting() {
  const level = useAppStore((s) => s.logs.loggingPending ?? s.editor.prompt?.dataLogging ?? 'full');
  // Editors of the prompt decide what its runs log.
  const may = useAppStore(mayEditPrompt);
  const busy = useAppStore((s) => s.logs.loggingBusy);
  const setLevel = useAppStore((s) => s.logs.setDataLogging);
  const notice = useAppStore((s) => s.logs.notice);
  const error = useAppStore((s) => s.logs.actionError);
  const noteId = useId();

  return (
    <section className="panel data-logging" aria-labelledby="data-logging-title">
      <fieldset className="level-cards data-logging__levels" data-fix-target="dataLogging" disabled={may !== true || busy} aria-describedby={noteId} aria-busy={busy || undefined}>
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
          <RadioCards
            name="data-logging"
            options={DATA_LOGGING_LEVELS}
            value={level}
            labels={DATA_LOGGING_LABELS}
            hints={DATA_LOGGING_HELP}
            onChange={(value) => void setLevel(value)}
          />
        </div>
      </fieldset>
      <ActionNotice notice={notice} error={error} />
    </section>
  );
}
