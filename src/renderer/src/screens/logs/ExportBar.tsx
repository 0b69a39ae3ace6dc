import { Button } from '../../components/Button';
import { type LogExportJob } from '../../state/logs-slice';
import { useAppStore } from '../../state/store';

const FORMAT_LABELS = { csv: 'CSV', jsonl: 'JSONL' } as const;

/** "Export CSV" / "Export JSONL" of exactly what the filters match. */
export function ExportButtons({ disabled }: { disabled: boolean }) {
  const job = useAppStore((s) => s.logs.exportJob);
  const startExport = useAppStore((s) => s.logs.startExport);
  const running = job !== null && isRunning(job);
  return (
    <div className="logs-export__buttons">
      <Button size="sm" disabled={disabled || running} onClick={() => void startExport('csv')}>
        Export CSV
      </Button>
      <Button size="sm" disabled={disabled || running} onClick={() => void startExport('jsonl')}>
        Export JSONL
      </Button>
    </div>
  );
}

function isRunning(job: LogExportJob): boolean {
  return job.error === null && (job.status === null || job.status.state === 'running' || job.downloading);
}

/** The export in progress (rows written of the total), then where the file went. */
export function ExportStatus() {
  const job = useAppStore((s) => s.logs.exportJob);
  const dismiss = useAppStore((s) => s.logs.dismissExport);
  if (!job) return null;
  const format = FORMAT_LABELS[job.format];
  const status = job.status;
  const running = isRunning(job);
  const total = status?.total ?? 0;
  const rows = status?.rows ?? 0;

  let text: string;
  if (job.error) text = `Export failed: ${job.error}`;
  else if (!status) text = `Starting the ${format} export…`;
  else if (status.state === 'running') text = `Exporting ${format}: ${rows.toLocaleString()} of ${total.toLocaleString()} rows`;
  else if (job.downloading) text = `Downloading ${status.fileName}…`;
  else text = `Exported ${status.rows.toLocaleString()} ${status.rows === 1 ? 'row' : 'rows'} as ${format}`;

  return (
    <div className={`logs-export${job.error ? ' logs-export--error' : ''}`}>
      <div className="logs-export__main">
        <p role={job.error ? 'alert' : 'status'} className="logs-export__text">
          {!running && !job.error && <span aria-hidden="true">✓ </span>}
          {text}
        </p>
        {running && (
          <progress
            className="logs-export__progress"
            aria-label={`${format} export progress`}
            max={Math.max(total, 1)}
            value={status && status.state !== 'running' ? Math.max(total, 1) : rows}
          />
        )}
        {!running && !job.error && status && (
          <p className="logs-export__where">
            {status.path && (
              <>
                Saved to <code className="break-all">{status.path}</code>
              </>
            )}
            {status.path && job.downloaded && <br />}
            {job.downloaded && (
              <>
                Downloaded as <code>{job.downloaded}</code>
              </>
            )}
          </p>
        )}
      </div>
      {!running && (
        <Button size="sm" variant="ghost" onClick={dismiss}>
          Dismiss
        </Button>
      )}
    </div>
  );
}
