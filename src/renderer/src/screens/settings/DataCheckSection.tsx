import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '../../components/Button';
import { toFormError } from '../../lib/field-errors';
import { dataCheckQuery, runDataCheck } from '../../state/data-check-queries';
import { useAppStore } from '../../state/store';
import { Detail, SettingsSection } from './SettingsSection';
import type { DataCheck } from '../../../../shared/schemas/data-check';

const REASONS: Record<DataCheck['reason'], string> = {
  'unclean-shutdown': 'after Promptdesk was not closed cleanly (a crash, kill -9 or power loss)',
  'last-check-damaged': 'at start, because the check before it found damage',
  migration: 'before an upgrade of the data',
  'on-demand': 'on demand',
};
const KINDS: Record<DataCheck['kind'], string> = {
  quick: 'Quick check (every page and record)',
  full: 'Full check (every page, record and index)',
};

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * Settings → Data check (admins): when the data folder was last checked, how, why and what was
 * found, and "Check now". The quick check runs by itself only when it matters (after an unclean
 * shutdown, after a check that found damage, before an upgrade of the data); "Check now" runs the
 * full one (integrity_check) without stopping the app.
 */
export function DataCheckSection() {
  const isAdmin = useAppStore((s) => s.session.info?.currentUser.role === 'admin');
  if (!isAdmin) return null;
  return (
    <SettingsSection
      title="Data check"
      description="At start, Promptdesk runs a quick check (every page and record) after it was not closed cleanly and before an upgrade, and checks again while the last check found damage; a clean start skips it, so large histories open fast. Check now runs the full check (every page, record and index); the app keeps working meanwhile."
    >
      <DataCheckBody />
    </SettingsSection>
  );
}

function DataCheckBody() {
  const client = useQueryClient();
  const q = useQuery(dataCheckQuery);
  const check = useMutation({
    mutationFn: runDataCheck,
    onSuccess: (status) => client.setQueryData(dataCheckQuery.queryKey, status),
  });
  if (q.isError) {
    return (
      <p className="field__error" role="alert">
        {toFormError(q.error).message}
      </p>
    );
  }
  if (!q.data) return <p className="muted">Loading…</p>;
  const last = q.data.lastCheck;
  const running = check.isPending || q.data.running;
  return (
    <div>
      {last ? (
        <dl className="details" aria-label="Last check">
          <Detail label="Last check">{`${new Date(last.at).toLocaleString()} (took ${duration(last.ms)})`}</Detail>
          <Detail label="Kind">{KINDS[last.kind]}</Detail>
          <Detail label="Reason">{REASONS[last.reason]}</Detail>
          <Detail label="Result">{last.result === 'ok' ? 'Healthy' : 'Damaged'}</Detail>
        </dl>
      ) : (
        <p className="muted">Not checked yet: this folder has only ever been closed cleanly.</p>
      )}
      {last?.message && (
        <p className="field__error" role="alert">
          {last.message}
        </p>
      )}
      <div className="row-actions" style={{ marginTop: 'var(--space-2)' }}>
        <Button variant="primary" disabled={running} onClick={() => check.mutate()}>
          {running ? 'Checking…' : 'Check now'}
        </Button>
        {running && (
          <span className="muted" role="status">
            Checking every page and index; this can take a while with a large history.
          </span>
        )}
        {check.isError && (
          <span className="field__error" role="alert">
            {toFormError(check.error).message}
          </span>
        )}
      </div>
    </div>
  );
}
