import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { DiffPart, FieldChange, VersionComparison } from '../../../../shared/schemas/versions';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/SelectField';
import { StatusBadge } from '../../components/StatusBadge';
import { toFormError } from '../../lib/field-errors';
import { useAppStore } from '../../state/store';
import { comparePair, comparisonQuery, useVersions } from '../../state/versions-queries';

export function ComparePanel({ promptName }: { promptName: string }) {
  const { items } = useVersions(promptName);
  const from = useAppStore((s) => s.versions.compareFrom);
  const to = useAppStore((s) => s.versions.compareTo);
  const picked = comparePair(items, from, to);
  return picked && <Comparison promptName={promptName} numbers={items.map((v) => v.number)} from={picked.from} to={picked.to} />;
}

function Comparison({ promptName, numbers, from, to }: { promptName: string; numbers: number[]; from: number; to: number }) {
  const setCompare = useAppStore((s) => s.versions.setCompare);
  const q = useQuery(comparisonQuery(promptName, from, to));
  const comparing = q.isFetching;
  // An answer for another pair (kept while this one loads) is not an error of this pair.
  const error = q.isError ? toFormError(q.error).message : null;
  const comparison = q.isError ? null : (q.data ?? null);
  const options = numbers.map((n) => ({ value: String(n), label: `v${n}` }));

  return (
    <section className="panel compare" aria-labelledby="compare-heading">
      <div className="compare__bar">
        <h2 id="compare-heading" className="panel__title">
          Compare versions
        </h2>
        <div className="compare__controls">
          <SelectField label="Compare from" options={options} value={String(from)} onChange={(e) => setCompare(Number(e.target.value), to)} />
          <span className="compare__arrow" aria-hidden="true">
            →
          </span>
          <SelectField label="Compare to" options={options} value={String(to)} onChange={(e) => setCompare(from, Number(e.target.value))} />
          <Button size="sm" onClick={() => void q.refetch()} disabled={comparing}>
            Compare
          </Button>
        </div>
      </div>
      {error && <Banner tone="error">Could not compare: {error}</Banner>}
      {comparison && <ComparisonView comparison={comparison} busy={comparing} />}
    </section>
  );
}

function ComparisonView({ comparison, busy }: { comparison: VersionComparison; busy: boolean }) {
  const { template, modelSettings, variables, displayMessage } = comparison;
  return (
    <div className="comparison" aria-busy={busy}>
      <TemplateDiff parts={template} granularity={comparison.granularity} from={<VersionHeading version={comparison.from} />} to={<VersionHeading version={comparison.to} />} />
      <div className="changes">
        <ChangeGroup title="Model settings">
          {modelSettings.length > 0 && <FieldChanges changes={modelSettings} />}
        </ChangeGroup>
        <ChangeGroup title="Variables">
          {variables.added.length > 0 && <NameList label="Added" names={variables.added} tone="added" />}
          {variables.removed.length > 0 && <NameList label="Removed" names={variables.removed} tone="removed" />}
          {variables.changed.length > 0 && (
            <div className="change-list__group">
              <span className="change-list__label">Changed</span>
              <FieldChanges changes={variables.changed} />
            </div>
          )}
        </ChangeGroup>
        <ChangeGroup title="Display message">{displayMessage && <FieldChanges changes={[displayMessage]} />}</ChangeGroup>
      </div>
    </div>
  );
}

function VersionHeading({ version }: { version: VersionComparison['from'] }) {
  return (
    <>
      <span className="version-number">v{version.number}</span>
      <StatusBadge status={version.status} />
    </>
  );
}

interface TemplateDiffProps {
  parts: DiffPart[];
  granularity: 'words' | 'lines';
  /** Headings of the two sides, e.g. a version's number and status, or "Proposal". */
  from: ReactNode;
  to: ReactNode;
  /**
   * 'split' (default): the old text on the left with removals struck through, the new on the
   * right with additions highlighted. 'unified': one column holding both, for a narrow panel.
   */
  layout?: 'split' | 'unified';
}

/** The compare view's template diff, for two versions or a version and a Refine proposal. */
export function TemplateDiff({ parts, granularity, from, to, layout = 'split' }: TemplateDiffProps) {
  const same = parts.every((p) => !p.added && !p.removed);
  const note = same
    ? 'The templates are identical.'
    : granularity === 'lines'
      ? 'Changes are shown line by line (the texts are long).'
      : layout === 'unified'
        ? 'Removed words are struck through; added words are highlighted.'
        : 'Removed words are struck through on the left; added words are highlighted on the right.';
  return (
    <>
      {layout === 'unified' ? (
        <div className="diff diff--unified">
          <DiffColumn side="both" heading={<>{from}<span aria-hidden="true">→</span><span className="visually-hidden"> to </span>{to}</>} parts={parts} />
        </div>
      ) : (
        <div className="diff">
          <DiffColumn side="from" heading={from} parts={parts} />
          <DiffColumn side="to" heading={to} parts={parts} />
        </div>
      )}
      <p className="diff__note">{note}</p>
    </>
  );
}

function DiffColumn({ side, heading, parts }: { side: 'from' | 'to' | 'both'; heading: ReactNode; parts: DiffPart[] }) {
  return (
    <div className={`diff__column diff__column--${side}`}>
      <h3 className="diff__heading">
        {side !== 'both' && <span className="visually-hidden">{side === 'from' ? 'From ' : 'To '}</span>}
        {heading}
      </h3>
      <pre className="diff__text">
        {parts.map((part, index) => {
          if (part.added) return side === 'from' ? null : <ins key={index}>{part.value}</ins>;
          if (part.removed) return side === 'to' ? null : <del key={index}>{part.value}</del>;
          return <span key={index}>{part.value}</span>;
        })}
      </pre>
    </div>
  );
}

function ChangeGroup({ title, children }: { title: string; children: ReactNode }) {
  const items = (Array.isArray(children) ? children : [children]).filter(Boolean);
  return (
    <section className="change-group">
      <h3 className="change-group__title">{title}</h3>
      {items.length === 0 ? <p className="change-group__none">No changes</p> : children}
    </section>
  );
}

const shown = (value: string) => (value === '' ? <span className="muted">(none)</span> : <code>{value}</code>);

function FieldChanges({ changes }: { changes: FieldChange[] }) {
  return (
    <ul className="change-list">
      {changes.map((change) => (
        <li key={change.field} className="change-list__item">
          <span className="change-list__field">{change.field}</span> {shown(change.from)}
          <span aria-hidden="true"> → </span>
          <span className="visually-hidden"> changed to </span>
          {shown(change.to)}
        </li>
      ))}
    </ul>
  );
}

/** Variable names under a label ("Added", "Removed"), each as `{{name}}`. */
export function NameList({ label, names, tone }: { label: string; names: string[]; tone: 'added' | 'removed' }) {
  return (
    <div className="change-list__group">
      <span className="change-list__label">{label}</span>
      <ul className="change-names">
        {names.map((name) => (
          <li key={name} className={`change-name change-name--${tone}`}>
            <code>{`{{${name}}}`}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
