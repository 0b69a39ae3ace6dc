import { useAppStore } from '../../../state/store';
import { type TestBatch, type TestRun, type TestRunStatus } from '../../../state/test-panel-slice';
import { RunMetrics, StreamCaret } from '../../chat/run-bits';

const STATUS_LABELS: Record<TestRunStatus, string> = {
  queued: 'Queued',
  starting: 'Starting…',
  running: 'Running…',
  success: 'Done',
  error: 'Error',
  cancelled: 'Stopped',
};

export function TestResults() {
  const batch = useAppStore((s) => s.testPanel.batch);
  return (
    <section className="test-results" aria-labelledby="test-results-title" aria-busy={batch?.runs.some((r) => r.status === 'running' || r.status === 'starting') ?? false}>
      <div className="test-results__bar">
        <h3 id="test-results-title" className="test-results__title">
          Results
        </h3>
        {batch && <BatchSummary batch={batch} />}
      </div>
      {!batch && (
        <p className="test-results__empty">
          Choose models and press Run: each model's answer appears here, side by side, with its tokens and timing.
        </p>
      )}
      {batch?.kind === 'inputs' && (
        <div className="test-columns">
          {batch.runs.map((run) => (
            <ResultColumn key={run.key} run={run} />
          ))}
        </div>
      )}
      {batch?.kind === 'cases' && <CaseGrid batch={batch} />}
    </section>
  );
}

function BatchSummary({ batch }: { batch: TestBatch }) {
  const done = batch.runs.filter((r) => r.status === 'success' || r.status === 'error' || r.status === 'cancelled').length;
  return (
    <p className="test-results__summary" role="status">
      {batch.label} · {done === batch.runs.length ? `${done} finished` : `${done} of ${batch.runs.length} finished`}
    </p>
  );
}

function StatusPill({ status }: { status: TestRunStatus }) {
  return <span className={`run-status run-status--${status}`}>{STATUS_LABELS[status]}</span>;
}

function Output({ run, compact, label }: { run: TestRun; compact?: boolean; label?: string }) {
  const live = run.status === 'running' || run.status === 'starting';
  return (
    <div className={`test-output${compact ? ' test-output--compact' : ''}`} role="group" tabIndex={0} aria-label={label ?? `Output of ${run.model}`}>
      {run.text}
      {live && <StreamCaret />}
      {!live && run.text === '' && run.status !== 'error' && <span className="muted">{run.status === 'queued' ? 'Waiting for a free slot…' : 'No output'}</span>}
    </div>
  );
}

function ResultColumn({ run }: { run: TestRun }) {
  const finished = run.status === 'success' || run.status === 'cancelled' || run.status === 'error';
  return (
    <article className="test-column" aria-label={`Result from ${run.model}`}>
      <header className="test-column__header">
        <code className="test-column__model">{run.model}</code>
        <StatusPill status={run.stopping && run.status === 'running' ? 'running' : run.status} />
      </header>
      <Output run={run} />
      {run.error && (
        <p className="test-column__error" role="alert">
          {run.error.message}
        </p>
      )}
      {finished && <RunMetrics usage={run.usage} latencyMs={run.latencyMs} ttftMs={run.ttftMs} className="run-metrics--grid" />}
    </article>
  );
}

/** One row per test case, one column per model. */
function CaseGrid({ batch }: { batch: TestBatch }) {
  const byKey = new Map(batch.runs.map((r) => [r.key, r]));
  return (
    <div className="case-grid__scroll">
      <table className="case-grid" aria-label="Test case results">
        <thead>
          <tr>
            <th scope="col">Case</th>
            {batch.models.map((model) => (
              <th key={model} scope="col">
                <code>{model}</code>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {batch.cases.map((testCase) => (
            <tr key={testCase.id}>
              <th scope="row">{testCase.name}</th>
              {batch.models.map((model) => {
                const run = byKey.get(`${testCase.id}|${model}`);
                return <td key={model}>{run && <GridCell run={run} />}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One run in a grid cell: status, output, error and metrics; `label` names its output (default: the model's). */
export function GridCell({ run, label }: { run: TestRun; label?: string }) {
  const finished = run.status === 'success' || run.status === 'cancelled' || run.status === 'error';
  return (
    <div className="case-grid__cell">
      <StatusPill status={run.status} />
      <Output run={run} compact label={label} />
      {run.error && <p className="test-column__error">{run.error.message}</p>}
      {finished && <RunMetrics usage={run.usage} latencyMs={run.latencyMs} ttftMs={run.ttftMs} className="run-metrics--compact" />}
    </div>
  );
}
