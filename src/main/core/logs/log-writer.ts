import type { LogRecord } from '../../store/repos/logs-repo';
import type { Store } from '../../store/store';
import type { RunSpanExtras } from '../telemetry/run-span';

/**
 * Group commit for run logs. Each run's record is queued; all records queued by the time the
 * event loop turns are written in one transaction (one fsync with synchronous=FULL), and each
 * caller's promise settles only after that commit. A run is answered only after its log is
 * durable, yet a burst of runs pays for one fsync, not one each.
 */
export interface LogWriter {
  /** `extras`: what the run knew beyond its row (sampling, provider, finish reason), for its span only; never stored. */
  append(record: LogRecord, extras?: RunSpanExtras): Promise<void>;
  /** Resolves when everything queued so far is committed. */
  drain(): Promise<void>;
}

interface Pending {
  /** null marks a drain() waiter. */
  record: LogRecord | null;
  extras?: RunSpanExtras;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * @param onCommitted told of each record once its transaction committed, on the turn after its
 *   caller's promise settled (the OpenTelemetry export, core/telemetry/run-telemetry.ts); it must not wait.
 */
export function createLogWriter(store: Store, maxBatch = 500, onCommitted?: (record: LogRecord, extras: RunSpanExtras | undefined) => void): LogWriter {
  const queue: Pending[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        store.logs.insertMany(batch.flatMap((p) => (p.record ? [p.record] : [])));
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      }
      for (const p of batch) p.resolve();
      // After the callers are answered, not before: making and serialising spans is the export's
      // cost, never a run's (the answers go out on this turn, the spans on the next).
      if (onCommitted) setImmediate(() => tell(batch));
    }
  };

  const tell = (batch: Pending[]) => {
    for (const p of batch) {
      if (!p.record) continue;
      try {
        onCommitted!(p.record, p.extras);
      } catch {
        // An export problem never fails a run whose log is safely written.
      }
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    append(record, extras) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ record, extras, resolve, reject });
        schedule();
      });
    },
    drain() {
      if (queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        queue.push({ record: null, resolve, reject: () => resolve() });
        schedule();
      });
    },
  };
}
