import { Banner } from '../../components/Banner';
import { TextField } from '../../components/TextField';
import { EMPTY_VARIABLE, type VariableDraft } from '../../state/editor-draft';
import { mayEditPrompt } from '../../state/editor-slice';
import { useAppStore } from '../../state/store';
import { useShallow } from 'zustand/react/shallow';

export function VariablesPanel() {
  const names = useAppStore(useShallow((s) => s.editor.variableNames));
  return (
    <section className="panel" aria-labelledby="variables-heading">
      <h2 id="variables-heading" className="panel__title">
        Variables
      </h2>
      <TemplateProblem />
      {names.length === 0 ? (
        <p className="panel__empty">
          No variables yet. Write <code>{'{{name}}'}</code> in the template to add one.
        </p>
      ) : (
        <ul className="variables">
          {names.map((name) => (
            <VariableItem key={name} name={name} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TemplateProblem() {
  const problem = useAppStore((s) => (s.editor.analysis.ok ? null : s.editor.analysis.problem));
  if (!problem) return null;
  const where = `${problem.messageIndex === undefined ? '' : `Message ${problem.messageIndex + 1}, `}Line ${problem.line}, column ${problem.column}`;
  return (
    <Banner tone="warning">
      <strong>{where}:</strong> {problem.message}
    </Banner>
  );
}

const FIELDS: { key: keyof VariableDraft; label: string }[] = [
  { key: 'description', label: 'Description' },
  { key: 'default', label: 'Default' },
  { key: 'example', label: 'Example' },
];

function VariableItem({ name }: { name: string }) {
  const meta = useAppStore((s) => s.editor.draft.variables[name] ?? EMPTY_VARIABLE);
  const setField = useAppStore((s) => s.editor.setVariableField);
  const readOnly = useAppStore((s) => mayEditPrompt(s) === false);
  return (
    <li className="variable">
      <code className="variable__name">{`{{${name}}}`}</code>
      {FIELDS.map(({ key, label }) => (
        <TextField
          key={key}
          className={`field--compact variable__${key}`}
          label={
            <>
              {label}
              <span className="visually-hidden"> for {name}</span>
            </>
          }
          value={meta[key]}
          onChange={(event) => setField(name, key, event.target.value)}
          autoComplete="off"
          readOnly={readOnly}
        />
      ))}
    </li>
  );
}
