import { useMemo, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { VariableMeta } from '../../../../../shared/template/template';
import { Button } from '../../../components/Button';
import { FieldFrame } from '../../../components/FieldFrame';
import { SelectField } from '../../../components/SelectField';
import { mayEditPrompt, mayRunPrompt } from '../../../state/editor-slice';
import { useAppStore } from '../../../state/store';
import { isBusy, panelVariables, shownValue } from '../../../state/test-panel-slice';
import { useVersions } from '../../../state/versions-queries';
import { NoModelNotice, onSendShortcut } from '../../chat/run-bits';

const DRAFT = 'draft';

export function TestInputs() {
  const run = useAppStore((s) => s.testPanel.run);
  const stopAll = useAppStore((s) => s.testPanel.stopAll);
  const problem = useAppStore((s) => s.testPanel.runProblem);
  const noModels = useAppStore((s) => s.testPanel.models.length === 0);
  const noneSelected = useAppStore((s) => s.testPanel.selectedModels.length === 0);
  const busy = useAppStore((s) => s.testPanel.batch?.runs.some(isBusy) ?? false);
  // The core's `allowed` decides; a member who may only read gets no Run that would be refused.
  const mayRun = useAppStore((s) => mayRunPrompt(s) !== false);

  const send = () => {
    if (!noModels && mayRun) void run();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  return (
    <form className="test-inputs" aria-label="Test inputs" onSubmit={onSubmit} onKeyDown={onSendShortcut(send)} noValidate>
      <VersionSelect />
      <VariableInputs />
      <ModelChoice />
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {mayRun ? (
        <div className="test-inputs__actions">
          <Button type="submit" variant="primary" disabled={noModels || noneSelected} aria-keyshortcuts="Control+Enter Meta+Enter">
            Run
          </Button>
          <Button onClick={() => void stopAll()} disabled={!busy}>
            <span className="stop-square" aria-hidden="true" />
            Stop all
          </Button>
        </div>
      ) : (
        <p className="panel__empty">You may read this prompt but not run it, so it cannot be tested here.</p>
      )}
    </form>
  );
}

function VersionSelect() {
  const versions = useVersions(useAppStore((s) => s.testPanel.promptName ?? '')).items;
  const version = useAppStore((s) => s.testPanel.version);
  const setVersion = useAppStore((s) => s.testPanel.setVersion);
  const canEdit = useAppStore((s) => mayEditPrompt(s) !== false);
  const options = useMemo(
    () => [
      // Running unsaved text needs edit rights; members who only run the prompt test saved versions.
      ...(canEdit ? [{ value: DRAFT, label: 'Current draft (unsaved)' }] : []),
      ...versions.map((v) => ({
        value: String(v.number),
        label: `v${v.number}${v.status === 'draft' ? '' : ` (${v.status})`}${v.commitMessage ? ` · ${v.commitMessage}` : ''}`,
      })),
    ],
    [versions, canEdit],
  );
  return (
    <SelectField
      label="Version"
      className="test-inputs__version"
      options={options}
      value={version === null ? DRAFT : String(version)}
      onChange={(event) => void setVersion(event.target.value === DRAFT ? null : Number(event.target.value))}
    />
  );
}

function VariableInputs() {
  const variables = usePanelVariables();
  const loadingVersion = useAppStore((s) => s.testPanel.version !== null && s.testPanel.versionVariables === null);
  if (loadingVersion) return <p className="panel__empty">Reading the version's variables…</p>;
  if (variables.length === 0) return <p className="panel__empty">This template has no variables.</p>;
  return (
    <fieldset className="test-inputs__variables">
      <legend className="field__label">Variables</legend>
      {variables.map((meta) => (
        <VariableInput key={meta.name} meta={meta} />
      ))}
    </fieldset>
  );
}

/** The draft's variables (or the chosen version's), recomputed only when those change. */
export function usePanelVariables(): VariableMeta[] {
  const draft = useAppStore((s) => s.editor.draft);
  const variableNames = useAppStore((s) => s.editor.variableNames);
  const version = useAppStore((s) => s.testPanel.version);
  const versionVariables = useAppStore((s) => s.testPanel.versionVariables);
  return useMemo(
    () => panelVariables({ editor: { draft, variableNames }, testPanel: { version, versionVariables } }),
    [draft, variableNames, version, versionVariables],
  );
}

function VariableInput({ meta }: { meta: VariableMeta }) {
  const value = useAppStore((s) => shownValue(s.testPanel.values, meta));
  const setValue = useAppStore((s) => s.testPanel.setValue);
  // A run refused for this variable (e.g. it has no value) says so next to it.
  const error = useAppStore(
    (s) => s.testPanel.batch?.runs.find((r) => r.caseId === null && r.error?.field === `variables.${meta.name}`)?.error?.message ?? null,
  );
  return (
    <FieldFrame chrome={{ label: <code>{meta.name}</code>, hint: meta.description, error, className: 'field--compact' }}>
      {(ids) => (
        <textarea
          className="input input--multiline input--grow"
          rows={1}
          value={value}
          placeholder={meta.example}
          onChange={(event) => setValue(meta.name, event.target.value)}
          {...ids}
        />
      )}
    </FieldFrame>
  );
}

function ModelChoice() {
  const models = useAppStore(useShallow((s) => s.testPanel.models));
  const selected = useAppStore(useShallow((s) => s.testPanel.selectedModels));
  const toggle = useAppStore((s) => s.testPanel.toggleModel);
  if (models.length === 0) {
    return (
      <div className="test-inputs__models">
        <span className="field__label">Models</span>
        <NoModelNotice />
      </div>
    );
  }
  return (
    <fieldset className="test-inputs__models">
      <legend className="field__label">Models</legend>
      <ul className="model-checks">
        {models.map((model) => (
          <li key={model}>
            <label className="model-check">
              <input type="checkbox" checked={selected.includes(model)} onChange={(event) => toggle(model, event.target.checked)} />
              <code>{model}</code>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
