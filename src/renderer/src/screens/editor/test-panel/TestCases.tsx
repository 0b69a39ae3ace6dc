import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { TestCase } from '../../../../../shared/schemas/runs';
import { Button } from '../../../components/Button';
import { Label } from '../../../components/ButtonLabel';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { TextField } from '../../../components/TextField';
import { messageForField, toFormError } from '../../../lib/field-errors';
import { mayEditPrompt } from '../../../state/editor-slice';
import { testCasesQuery } from '../../../state/run-queries';
import { useAppStore } from '../../../state/store';

const NO_CASES: TestCase[] = [];

/** Named sets of variable values: save the inputs as one, load one back, run them all. */
export function TestCases() {
  const promptName = useAppStore((s) => s.testPanel.promptName ?? '');
  const canEdit = useAppStore(mayEditPrompt);
  // Test cases belong to the prompt's editors: nobody else asks for them.
  const q = useQuery({ ...testCasesQuery(promptName), enabled: canEdit === true && promptName !== '' });
  const cases = q.data ?? NO_CASES;
  const deleteError = useAppStore((s) => s.testPanel.casesError);
  const error = deleteError ?? (q.isError ? toFormError(q.error).message : null);
  const notice = useAppStore((s) => s.testPanel.caseNotice);
  const runAllCases = useAppStore((s) => s.testPanel.runAllCases);
  const canRun = useAppStore((s) => s.testPanel.selectedModels.length > 0);
  const [deleting, setDeleting] = useState<TestCase | null>(null);
  const deleteCase = useAppStore((s) => s.testPanel.deleteCase);

  if (canEdit === false) {
    return (
      <section className="test-cases" aria-labelledby="test-cases-title">
        <h3 id="test-cases-title" className="test-cases__title">
          Test cases
        </h3>
        <p className="panel__empty">Test cases belong to the people who may edit this prompt.</p>
      </section>
    );
  }

  return (
    <section className="test-cases" aria-labelledby="test-cases-title" data-fix-target="testCases">
      <div className="test-cases__bar">
        <h3 id="test-cases-title" className="test-cases__title">
          Test cases
        </h3>
        <Button size="sm" onClick={() => void runAllCases()} disabled={cases.length === 0 || !canRun}>
          Run all cases
        </Button>
      </div>
      <SaveCaseForm />
      <p role="status" className="test-cases__notice">
        {notice}
      </p>
      {error && <p className="field__error">{error}</p>}
      {q.data && cases.length === 0 && <p className="panel__empty">No test cases yet. Fill in the variables and save them as one.</p>}
      {cases.length > 0 && (
        <ul className="test-cases__list" aria-label="Saved test cases">
          {cases.map((testCase) => (
            <CaseRow key={testCase.id} testCase={testCase} onDelete={() => setDeleting(testCase)} />
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete test case “${deleting.name}”?`}
          description="Its saved variable values are removed for everyone who tests this prompt."
          confirmLabel="Delete"
          cancelLabel="Keep it"
          destructive
          onConfirm={() => {
            void deleteCase(deleting.id);
            setDeleting(null);
          }}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

function SaveCaseForm() {
  const caseName = useAppStore((s) => s.testPanel.caseName);
  const setCaseName = useAppStore((s) => s.testPanel.setCaseName);
  const saveCase = useAppStore((s) => s.testPanel.saveCase);
  const saving = useAppStore((s) => s.testPanel.caseSaving);
  const error = useAppStore((s) => s.testPanel.caseError);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void saveCase();
  };
  return (
    <form className="test-cases__save" onSubmit={onSubmit} noValidate>
      <TextField
        label="Case name"
        className="field--compact"
        placeholder="e.g. Short question"
        value={caseName}
        maxLength={100}
        error={error ? messageForField(error) : null}
        onChange={(event) => setCaseName(event.target.value)}
      />
      <Button type="submit" size="sm" disabled={saving}>
        {saving ? 'Saving…' : 'Save case'}
      </Button>
    </form>
  );
}

function CaseRow({ testCase, onDelete }: { testCase: TestCase; onDelete(): void }) {
  const loadCase = useAppStore((s) => s.testPanel.loadCase);
  const summary = Object.entries(testCase.variables)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(' · ');
  return (
    <li className="test-case">
      <div className="test-case__text">
        <span className="test-case__name">{testCase.name}</span>
        <span className="test-case__values" title={summary}>
          {summary || 'No variables'}
        </span>
      </div>
      <div className="test-case__actions">
        <Button size="sm" variant="ghost" onClick={() => loadCase(testCase.id)}>
          <Label visible="Load" hidden={` ${testCase.name}`} />
        </Button>
        <Button size="sm" variant="ghost" onClick={onDelete}>
          <Label visible="Delete" hidden={` ${testCase.name}`} />
        </Button>
      </div>
    </li>
  );
}
