import { TextAreaField } from '../../components/TextAreaField';
import { TextField } from '../../components/TextField';
import { mayEditPrompt } from '../../state/editor-slice';
import { useAppStore } from '../../state/store';
import { ModelPicker } from './ModelPicker';
import { useSlotError } from './use-slot-error';

export function ModelSettingsPanel() {
  const models = useAppStore((s) => s.editor.draft.models);
  const temperature = useAppStore((s) => s.editor.draft.temperature);
  const maxTokens = useAppStore((s) => s.editor.draft.maxTokens);
  const displayMessage = useAppStore((s) => s.editor.draft.displayMessage);
  const setSetting = useAppStore((s) => s.editor.setSetting);
  const readOnly = useAppStore((s) => mayEditPrompt(s) === false);
  const modelsError = useSlotError({ kind: 'models' });
  const temperatureError = useSlotError({ kind: 'temperature' });
  const maxTokensError = useSlotError({ kind: 'maxTokens' });
  const displayError = useSlotError({ kind: 'displayMessage' });

  return (
    <section className="panel" aria-labelledby="model-settings-heading">
      <h2 id="model-settings-heading" className="panel__title">
        Model settings
      </h2>
      <ModelPicker value={models} error={modelsError} onChange={readOnly ? undefined : (value) => setSetting('models', value)} />
      <div className="field-row">
        <TextField
          label="Temperature"
          type="number"
          inputMode="decimal"
          min={0}
          max={2}
          step={0.1}
          placeholder="Default"
          value={temperature}
          readOnly={readOnly}
          error={temperatureError}
          onChange={(event) => setSetting('temperature', event.target.value)}
        />
        <TextField
          label="Max tokens"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          placeholder="Default"
          value={maxTokens}
          readOnly={readOnly}
          error={maxTokensError}
          onChange={(event) => setSetting('maxTokens', event.target.value)}
        />
      </div>
      <TextAreaField
        label="Display message"
        data-fix-target="displayMessage"
        hint="Optional. Shown in chat instead of the full rendered prompt."
        rows={2}
        value={displayMessage}
        readOnly={readOnly}
        error={displayError}
        onChange={(event) => setSetting('displayMessage', event.target.value)}
      />
    </section>
  );
}
