import { trialKey, TRIAL_SIDES } from '../../state/refine-conversation';
import { isFinished } from '../../state/run-batch';
import { useAppStore } from '../../state/store';
import { GridCell } from '../editor/test-panel/TestResults';

/** "Try it" results: one row per test case, the refined version and the proposal side by side. */
export function TrialResults() {
  const trial = useAppStore((s) => s.refine.trial);
  if (!trial) return null;
  const byKey = new Map(trial.runs.map((r) => [r.key, r]));
  const done = trial.runs.filter(isFinished).length;
  const headings = { current: `v${trial.version} (current)`, proposal: 'Proposal (unsaved)' };
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
