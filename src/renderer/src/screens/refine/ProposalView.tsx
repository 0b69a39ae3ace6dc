import { useMemo, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RefineDiff, RefineProposal } from '../../../../shared/schemas/refine';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { useCopy } from '../../lib/clipboard';
import { messageForField } from '../../lib/field-errors';
import { latestProposalTurn, proposalText, trialInputs, type RefineAnswerTurn } from '../../state/refine-conversation';
import { trialBusy } from '../../state/refine-slice';
import { useAppStore } from '../../state/store';
import { NameList, TemplateDiff } from '../versions/ComparePanel';
import { TrialResults } from './TrialResults';

interface ProposalViewProps {
  turn: RefineAnswerTurn;
  proposal: RefineProposal;
  diff: RefineDiff;
  /** An earlier proposal: shown and copied, while the actions belong to the newest. */
  readOnly?: boolean;
}

/** A proposed revision: the diff against the refined version, variables added or removed, and what can be done with it. */
export function ProposalView({ turn, proposal, diff, readOnly }: ProposalViewProps) {
  const { added, removed } = diff.variables;
  return (
    <section className="refine-proposal" aria-label={readOnly ? 'Earlier proposed revision' : 'Proposed revision'}>
      <TemplateDiff
        layout="unified"
        parts={diff.template}
        granularity={diff.granularity}
        from={<span className="version-number">v{turn.version}</span>}
        to={<span>Proposal</span>}
      />
      <div className="refine-proposal__variables">
        {added.length === 0 && removed.length === 0 ? (
          <p className="muted">Variables unchanged.</p>
        ) : (
          <>
            {added.length > 0 && <NameList label="Variables added" names={added} tone="added" />}
            {removed.length > 0 && <NameList label="Variables removed" names={removed} tone="removed" />}
          </>
        )}
      </div>
      {readOnly ? <CopyButton text={proposalText(proposal, diff)} /> : <ProposalActions proposal={proposal} diff={diff} turn={turn} />}
    </section>
  );
}

function CopyButton({ text }: { text: string }) {
  const [state, copy] = useCopy();
  return (
    <Button size="sm" onClick={() => void copy(text)}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text' : 'Copy proposal'}
    </Button>
  );
}

function ProposalActions({ proposal, diff, turn }: { proposal: RefineProposal; diff: RefineDiff; turn: RefineAnswerTurn }) {
  const canSave = useAppStore((s) => s.refine.prep?.canSave ?? false);
  const applyToDraft = useAppStore((s) => s.refine.applyToDraft);
  const openSave = useAppStore((s) => s.refine.openSave);
  const notice = useAppStore((s) => s.refine.notice);
  return (
    <>
      <div className="refine-proposal__actions">
        {canSave && (
          <>
            {turn.savedAs === undefined ? (
              <Button size="sm" variant="primary" onClick={openSave}>
                Save as version…
              </Button>
            ) : (
              <span className="badge" title={`This proposal of v${turn.version} is saved; the next request refines v${turn.savedAs}`}>
                Saved as v{turn.savedAs}
              </span>
            )}
            <Button size="sm" onClick={() => applyToDraft()}>
              Apply to draft
            </Button>
          </>
        )}
        <CopyButton text={proposalText(proposal, diff)} />
      </div>
      {!canSave && (
        <p className="refine-proposal__why">
          View only: you may refine and copy this proposal, but saving it or applying it to the draft needs edit access to this prompt. Ask its owner or an admin.
        </p>
      )}
      <p role="status" className="refine-proposal__notice">
        {notice}
      </p>
      {canSave && <TryIt turn={turn} />}
      <ApplyConfirm />
      <SaveProposalDialog />
    </>
  );
}

/** "Try it": the proposal beside the refined version on every saved test case, before deciding. */
function TryIt({ turn }: { turn: RefineAnswerTurn }) {
  const cases = useAppStore((s) => s.refine.cases);
  const casesError = useAppStore((s) => s.refine.casesError);
  const models = useAppStore(useShallow((s) => s.refine.prep?.models ?? []));
  const trialModel = useAppStore((s) => s.refine.trialModel);
  const setTrialModel = useAppStore((s) => s.refine.setTrialModel);
  const tryIt = useAppStore((s) => s.refine.tryIt);
  const stopTrial = useAppStore((s) => s.refine.stopTrial);
  const problem = useAppStore((s) => s.refine.trialProblem);
  const busy = useAppStore((s) => trialBusy(s.refine.trial));
  const mine = useAppStore((s) => s.refine.trial?.answerRunId === turn.runId);
  const typed = useAppStore((s) => s.refine.trialValues);
  const setTrialValue = useAppStore((s) => s.refine.setTrialValue);
  const inputs = useMemo(
    () => (turn.result?.proposal && turn.result.diff ? trialInputs(turn.result.proposal, turn.result.diff, cases ?? [], typed) : null),
    [turn.result, cases, typed],
  );
  const count = cases?.length ?? 0;
  return (
    <section className="refine-try" aria-label="Try it">
      <h3 className="refine-try__title">Try it on test cases</h3>
      <p className="refine-try__hint">
        {cases === null
          ? 'Reading the test cases…'
          : count === 0
            ? 'This prompt has no saved test cases yet: save some in the Test panel under the editor, then try the proposal on them.'
            : `Runs the proposal (${turn.savedAs === undefined ? 'unsaved' : `saved as v${turn.savedAs}`}) and v${turn.version} side by side on the ${count === 1 ? 'saved test case' : `${count} saved test cases`}.`}
      </p>
      {casesError && <p className="field__error">Could not read the test cases: {casesError}</p>}
      {count > 0 && inputs && inputs.names.length > 0 && (
        <fieldset className="refine-try__inputs">
          <legend className="field__label">Values for variables the proposal adds</legend>
          {inputs.names.map((name) => (
            <TextField
              key={name}
              label={name}
              className="field--compact"
              value={inputs.values[name] ?? ''}
              onChange={(event) => setTrialValue(name, event.target.value)}
              hint="New in the proposal, without a default: used for the test cases that do not have it."
            />
          ))}
        </fieldset>
      )}
      {count > 0 && (
        <div className="refine-try__controls">
          {models.length > 0 && (
            <SelectField label="Run on" className="field--compact" options={models.map((m) => ({ value: m, label: m }))} value={trialModel} onChange={(event) => setTrialModel(event.target.value)} />
          )}
          <Button size="sm" onClick={() => void tryIt()} disabled={busy || (inputs !== null && inputs.missing.length > 0)}>
            Try it
          </Button>
          <Button size="sm" onClick={() => void stopTrial()} disabled={!busy || !mine}>
            <span className="stop-square" aria-hidden="true" />
            Stop
          </Button>
        </div>
      )}
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {mine && <TrialResults />}
    </section>
  );
}

function ApplyConfirm() {
  const open = useAppStore((s) => s.refine.applyConfirm);
  const applyToDraft = useAppStore((s) => s.refine.applyToDraft);
  const cancel = useAppStore((s) => s.refine.cancelApply);
  if (!open) return null;
  return (
    <ConfirmDialog
      title="Replace your unsaved edits?"
      description="The editor holds edits you have not saved. Applying the proposal replaces the template with it (variable notes you wrote stay)."
      confirmLabel="Replace the draft"
      cancelLabel="Keep my edits"
      destructive
      onConfirm={() => applyToDraft(true)}
      onCancel={cancel}
    />
  );
}

function SaveProposalDialog() {
  const open = useAppStore((s) => s.refine.saveOpen);
  return open ? <SaveProposalContent /> : null;
}

function SaveProposalContent() {
  // The proposal's own base (the version its turn refined), not whatever the panel would refine next.
  const version = useAppStore((s) => latestProposalTurn(s.refine.turns)?.version ?? s.refine.prep?.version ?? 0);
  const newest = useAppStore((s) => s.refine.prep?.version ?? version);
  const latest = Math.max(newest, version);
  const note = useAppStore((s) => s.refine.saveNote);
  const setNote = useAppStore((s) => s.refine.setSaveNote);
  const save = useAppStore((s) => s.refine.save);
  const close = useAppStore((s) => s.refine.closeSave);
  const saving = useAppStore((s) => s.refine.saving);
  const error = useAppStore((s) => s.refine.saveError);
  const [prefix] = useState(() => `Refine with AI (from version ${version}):`);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save();
  };
  const fieldError = error && (error.field === 'note' || error.field === undefined) ? messageForField(error) : null;
  return (
    <Dialog
      title="Save the proposal as a new version"
      description={`This creates version ${latest + 1} from the proposal, with v${version}'s model settings and display message. The editor's draft is not changed.`}
      onClose={() => !saving && close()}
      size="sm"
    >
      <form className="form" onSubmit={submit}>
        <p className="refine-save__prefix">
          The commit message says it came from Refine: <code>{prefix}</code> then your note.
        </p>
        <TextField label="Commit message note" hint="Optional. What changed and why." autoFocus autoComplete="off" maxLength={900} value={note} error={fieldError} onChange={(event) => setNote(event.target.value)} />
        {error && error.field !== undefined && error.field !== 'note' && <p className="field__error">{messageForField(error)}</p>}
        <div className="dialog__actions">
          <Button onClick={close} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save version'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
