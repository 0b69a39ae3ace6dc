import type { Promotion } from '../../../../shared/schemas/versions';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Label } from '../../components/ButtonLabel';
import { EmptyState } from '../../components/EmptyState';
import { SelectField } from '../../components/SelectField';
import { StatusBadge } from '../../components/StatusBadge';
import { TextField } from '../../components/TextField';
import { fieldIsUnder, messageForField } from '../../lib/field-errors';
import { absoluteTime, relativeTime } from '../../lib/relative-time';
import { useAppStore } from '../../state/store';
import { STATUS_LABELS, versionOffers } from '../../state/version-offers';
import { TEAM_MANAGED_REASON, useTeamManagedPrompt } from '../../state/team-managed';
import { useHistory, useVersions } from '../../state/versions-queries';


/** Promotion history: who put which version in production, when, and why. */
export function HistoryPanel({ promptName }: { promptName: string }) {
  // Row actions depend on each version's current status: the versions are read too.
  useVersions(promptName);

  return (
    <div className="tab-stack">
      <p className="history__explainer">
        There is no dedicated rollback button: to roll back, unarchive an earlier version, then promote it.
      </p>
      <HistoryFilters promptName={promptName} />
      <HistoryBody promptName={promptName} />
    </div>
  );
}

function HistoryFilters({ promptName }: { promptName: string }) {
  const filter = useAppStore((s) => s.history.filter);
  const { people, error } = useHistory(promptName);
  const setFilter = useAppStore((s) => s.history.setFilter);
  const options = [{ value: '', label: 'All members' }, ...people.map((p) => ({ value: p.id, label: p.name || p.email }))];
  const dateError = (field: 'from' | 'to') => (error && fieldIsUnder(error.field, field) ? messageForField(error) : null);
  return (
    <div className="filters" role="group" aria-label="Filter promotions">
      <SelectField label="Promoted by" options={options} value={filter.userId} onChange={(e) => setFilter({ userId: e.target.value })} />
      <TextField
        className="field--inline"
        label="From"
        type="date"
        value={filter.from}
        max={filter.to || undefined}
        error={dateError('from')}
        onChange={(e) => setFilter({ from: e.target.value })}
      />
      <TextField
        className="field--inline"
        label="To"
        type="date"
        value={filter.to}
        min={filter.from || undefined}
        error={dateError('to')}
        onChange={(e) => setFilter({ to: e.target.value })}
      />
    </div>
  );
}

function HistoryBody({ promptName }: { promptName: string }) {
  const { status, error, items, retry } = useHistory(promptName);
  const filtered = useAppStore((s) => s.history.filter.userId !== '' || s.history.filter.from !== '' || s.history.filter.to !== '');
  const clearFilters = useAppStore((s) => s.history.clearFilters);

  if (status === 'error' && error && !error.field) {
    return (
      <Banner tone="error" action={<Button size="sm" onClick={retry}>Try again</Button>}>
        Could not load the promotion history: {error.message}
      </Banner>
    );
  }
  if (status === 'loading') return <div className="skeleton-list" aria-busy="true" aria-label="Loading promotion history" />;
  if (items.length === 0 && filtered) {
    return (
      <EmptyState title="No promotions match" action={<Button onClick={clearFilters}>Clear filters</Button>}>
        <p>No promotion of this prompt matches these filters.</p>
      </EmptyState>
    );
  }
  if (items.length === 0) {
    return (
      <EmptyState title="Nothing promoted yet">
        <p>Promote a version from the Versions tab or the editor to put it in production. Each promotion is recorded here.</p>
      </EmptyState>
    );
  }
  // A version promoted more than once gets its actions on its newest row only.
  const firstRow = new Set<string>();
  const seen = new Set<number>();
  for (const item of items) {
    if (!seen.has(item.version)) {
      seen.add(item.version);
      firstRow.add(item.id);
    }
  }
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">Promotions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Promoted by</th>
            <th scope="col">Promoted at</th>
            <th scope="col">Previous version</th>
            <th scope="col">Notes</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <PromotionRow key={item.id} promptName={promptName} promotion={item} withActions={firstRow.has(item.id)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PromotionRow({ promptName, promotion, withActions }: { promptName: string; promotion: Promotion; withActions: boolean }) {
  const now = useVersions(promptName).items.find((v) => v.number === promotion.version)?.status;
  return (
    <tr>
      <th scope="row" className="data-table__version">
        <span className="version-number">v{promotion.version}</span>
        {/*
          The row is history: its badge is the status this promotion gave the version. A
          promotion always makes it Published (promoteVersion sets it in the same transaction as
          this record), so the record needs no status column; what it is today is said apart.
        */}
        <span title="Its status when promoted">
          <StatusBadge status="published" />
        </span>
        {now && now !== 'published' && <span className="history__now">now {STATUS_LABELS[now].toLowerCase()}</span>}
      </th>
      <td>{promotion.promotedBy.name || promotion.promotedBy.email}</td>
      <td className="data-table__muted data-table__nowrap">
        <time dateTime={promotion.promotedAt} title={relativeTime(promotion.promotedAt)}>
          {absoluteTime(promotion.promotedAt)}
        </time>
      </td>
      <td className="data-table__muted">{promotion.previousVersion === null ? '—' : `v${promotion.previousVersion}`}</td>
      <td className="data-table__message">{promotion.notes || <span className="muted">—</span>}</td>
      <td className="data-table__actions">{withActions && <RollbackActions promptName={promptName} number={promotion.version} />}</td>
    </tr>
  );
}

function RollbackActions({ promptName, number }: { promptName: string; number: number }) {
  const status = useVersions(promptName).items.find((v) => v.number === number)?.status;
  const busy = useAppStore((s) => s.versions.busy || s.versions.promoting);
  const unarchive = useAppStore((s) => s.versions.unarchive);
  const openPromote = useAppStore((s) => s.versions.openPromote);
  const teamManaged = useTeamManagedPrompt(promptName);
  if (!status) return null;
  // History offers only the rollback steps (unarchive, promote); commit state does not matter here.
  const offers = versionOffers({ number, status, committed: true }, null, null);
  return (
    <div className="row-actions">
      {offers.unarchive && (
        <Button size="sm" disabled={busy || teamManaged} title={teamManaged ? TEAM_MANAGED_REASON : undefined} onClick={() => void unarchive(number)}>
          <Label visible="Unarchive" hidden={` v${number}`} />
        </Button>
      )}
      {offers.promote && (
        <Button size="sm" variant="primary" disabled={busy} onClick={() => openPromote(number)}>
          <Label visible="Promote" hidden={` v${number}`} />
        </Button>
      )}
    </div>
  );
}
