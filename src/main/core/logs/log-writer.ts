import type { LogRecord } from '../../store/repos/logs-repo';
import type { Store } from '../../store/store';

/**
 * Group commit for run logs. Each run's record is queued; all records queued by the time the
 * event loop turns are written in one transaction (one fsync with synchronous=FULL), and each
 * caller's promise settles only after that commit. A run is answered only after its log is
 * durable, yet a burst of runs pays for one fsync, not one each.
 */
export interface LogWriter {
  append(record: LogRecord): Promise<void>;
  /** Resolves when everything queued so far is committed. */
  drain(): Promise<void>;
}

interface Pending {
  /** null marks a drain() waiter. */
  record: LogRecord | null;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createLogWriter(store: Store, maxBatch = 500): LogWriter {
  const queue: Pending[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        store.logs.insertMany(batch.flatMap((p) => (p.record ? [p.record] : [])));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    append(record) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ record, resolve, reject });
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
