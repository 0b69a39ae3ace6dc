import { trialKey, TRIAL_SIDES } from '../../state/refine-conversation';
import { isFinished } from '../../state/run-batch';
import { useAppStore } from '../../state/store';
import { GridCell } from '../editor/test-panel/TestResults';

/** "Try it" results: one row per test case, the refined version and the proposal side by side. */
export function TrialResults() {
  const trial = useAppStore((s) => s.refine.trial);
  const newest = useAppStore((s) => s.refine.prep?.version ?? null);
  const savedAs = useAppStore((s) => {
    const turn = s.refine.turns.find((t) => t.kind === 'answer' && t.runId === s.refine.trial?.answerRunId);
    return turn?.kind === 'answer' ? (turn.savedAs ?? null) : null;
  });
  if (!trial) return null;
  const byKey = new Map(trial.runs.map((r) => [r.key, r]));
  const done = trial.runs.filter(isFinished).length;
  // Named for what they are now: the refined version may no longer be the newest, the proposal may be saved.
  const headings = {
    current: `v${trial.version} (${newest === null || newest === trial.version ? 'current' : 'refined'})`,
    proposal: savedAs === null ? 'Proposal (unsaved)' : `Proposal (saved as v${savedAs})`,
  };
  return (
    <div className="refine-trial">
      <p className="refine-trial__summary" role="status">
        {`On ${trial.model} · ${done === trial.runs.length ? `${done} finished` : `${done} of ${trial.runs.length} finished`}`}
      </p>
      <div className="case-grid__scroll">
        <table className="case-grid refine-trial__grid" aria-label="Try it results">
          <thead>
            <tr>
              <th scope="col">Case</th>
              {TRIAL_SIDES.map((side) => (
                <th key={side} scope="col">
                  {headings[side]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {trial.cases.map((testCase) => (
              <tr key={testCase.id}>
                <th scope="row">{testCase.name}</th>
                {TRIAL_SIDES.map((side) => {
                  const run = byKey.get(trialKey(testCase.id, side));
                  return <td key={side}>{run && <GridCell run={run} label={`${headings[side]} on ${testCase.name}`} />}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
