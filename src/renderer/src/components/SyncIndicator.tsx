import { relativeTime, absoluteTime } from '../lib/relative-time';
import { useSyncNow, useSyncStatus } from '../state/sync-queries';
import { Button } from './Button';
import { DEVICE_REVOKED_TEXT, SYNC_LABELS as LABELS } from '../lib/sync-labels';

/**
 * The team sync indicator (docs/sync.md): online / offline / syncing, when it last synced, how
 * many changes wait, the newest notice, and "Sync now". Nothing when this data folder joined no team.
 */
export function SyncIndicator() {
  const { data: status } = useSyncStatus();
  const syncNow = useSyncNow();
  if (!status) return null;
  const state = syncNow.isPending ? 'syncing' : status.state;
  const notice = status.notices[0];
  return (
    <section className="sync-indicator" aria-label="Team sync">
      <p className="sync-indicator__state" role="status">
        <span className={`sync-dot sync-dot--${state}`} aria-hidden="true" />
        <span className="sync-indicator__label">{LABELS[state]}</span>
        {status.pending > 0 && (
          // The separator is clipped when the count wraps to its own line (styles.css): never a line starting with "·".
          <span className="sync-indicator__pending">
            <span className="sync-indicator__sep" aria-hidden="true">{' · '}</span>
            {`${status.pending} ${status.pending === 1 ? 'change waits' : 'changes wait'}`}
          </span>
        )}
      </p>
      <p className="sync-indicator__meta">
        {status.lastSyncedAt ? (
          <>
            Last synced{' '}
            <time dateTime={status.lastSyncedAt} title={absoluteTime(status.lastSyncedAt)}>
              {relativeTime(status.lastSyncedAt)}
            </time>
          </>
        ) : (
          'Not synced yet'
        )}
      </p>
      {state === 'revoked' ? (
        // Sync now cannot help a revoked token: say what can (Settings → Team keeps the unsent work when leaving).
        <p className="sync-indicator__notice sync-indicator__notice--revoked" role="alert">
          {DEVICE_REVOKED_TEXT}. Leave the team in Settings → Team and join again.
        </p>
      ) : (
        <>
          {state === 'behind' && status.lastError && (
            // The server restored from an older backup (409 at cursor): its words, not "Online".
            <p className="sync-indicator__notice sync-indicator__notice--revoked" role="alert">
              {status.lastError}
            </p>
          )}
          {notice && (
            <p className="sync-indicator__notice" title={notice.message}>
              {notice.message}
            </p>
          )}
          <Button size="sm" onClick={() => syncNow.mutate()} disabled={syncNow.isPending}>
            Sync now
          </Button>
        </>
      )}
    </section>
  );
}
