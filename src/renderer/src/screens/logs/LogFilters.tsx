import { useEffect, useState, type InputHTMLAttributes } from 'react';
import { RUN_SOURCES, type RunStatus } from '../../../../shared/schemas/runs';
import { SearchField } from '../../components/SearchField';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { fieldIsUnder, messageForField } from '../../lib/field-errors';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { RUN_STATUS_LABELS, SOURCE_LABELS, type LogsFilterForm } from '../../state/logs-slice';
import { useLogMembers, useLogRuns } from '../../state/logs-queries';
import { useAppStore } from '../../state/store';

const TYPING_DEBOUNCE_MS = 250;

const SOURCE_OPTIONS = [{ value: '', label: 'Any source' }, ...RUN_SOURCES.map((s) => ({ value: s, label: SOURCE_LABELS[s] }))];
// Most looked-for first: what worked, what failed.
const STATUS_ORDER = ['success', 'error', 'cancelled', 'running'] as const satisfies readonly RunStatus[];
const STATUS_OPTIONS = [{ value: '', label: 'Any status' }, ...STATUS_ORDER.map((s) => ({ value: s, label: RUN_STATUS_LABELS[s] }))];

/** The Logs filters; each applies as soon as it changes (typed ones after a short pause). */
export function LogFilters({ showPrompt }: { showPrompt: boolean }) {
  const q = useAppStore((s) => s.logs.filter.q);
  const setFilter = useAppStore((s) => s.logs.setFilter);
  const onSearch = useDebouncedSetter('q');
  return (
    <div className="logs-filters" role="search" aria-label="Filter runs">
      <div className="logs-filters__top">
        <SearchField
          className="logs-filters__search"
          label="Search inputs and outputs"
          placeholder="Search logged inputs and outputs…"
          query={q}
          onSearch={onSearch}
        />
        <DateFilter field="from" label="From" />
        <DateFilter field="to" label="To" />
      </div>
      <div className="logs-filters__fields">
        {showPrompt && <TypedFilter field="prompt" label="Prompt" placeholder="Any prompt" spellCheck={false} />}
        <ChoiceFilter field="source" label="Source" options={SOURCE_OPTIONS} onChange={(value) => setFilter({ source: value as LogsFilterForm['source'] })} />
        <ChoiceFilter field="status" label="Status" options={STATUS_OPTIONS} onChange={(value) => setFilter({ status: value as LogsFilterForm['status'] })} />
        <TypedFilter field="version" label="Version" placeholder="Any" inputMode="numeric" />
        <MemberFilter />
        <TypedFilter field="model" label="Model" placeholder="Any model" spellCheck={false} />
      </div>
    </div>
  );
}

/** A stable setter for one filter field, so SearchField's effect does not re-run each render. */
function useDebouncedSetter(field: keyof LogsFilterForm) {
  const setFilter = useAppStore((s) => s.logs.setFilter);
  const [setter] = useState(() => (value: string) => setFilter({ [field]: value }));
  return setter;
}

function useFilterError(field: keyof LogsFilterForm): string | null {
  const formError = useAppStore((s) => s.logs.filterError);
  const serverError = useLogRuns().fieldError;
  // The form's own refusal first, else a field the server refused.
  const error = formError ?? serverError;
  return error && fieldIsUnder(error.field, field) ? messageForField(error) : null;
}

interface TypedFilterProps extends Pick<InputHTMLAttributes<HTMLInputElement>, 'placeholder' | 'inputMode' | 'spellCheck'> {
  field: 'prompt' | 'version' | 'model';
  label: string;
  className?: string;
}

/** A text filter that applies after a short pause in typing and follows "Clear filters". */
function TypedFilter({ field, label, className, ...rest }: TypedFilterProps) {
  const value = useAppStore((s) => s.logs.filter[field]);
  const error = useFilterError(field);
  const commit = useDebouncedSetter(field);
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  const debounced = useDebouncedValue(text, TYPING_DEBOUNCE_MS);

  // Adjusted during render, as React recommends for state derived from a changed prop.
  if (value !== seen) {
    setSeen(value);
    if (value !== text) setText(value);
  }

  useEffect(() => {
    commit(debounced);
  }, [debounced, commit]);

  return (
    <TextField
      className={['field--compact', className ?? ''].filter(Boolean).join(' ')}
      label={label}
      value={text}
      error={error}
      autoComplete="off"
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit(text);
      }}
      {...rest}
    />
  );
}

function ChoiceFilter({
  field,
  label,
  options,
  onChange,
}: {
  field: 'source' | 'status';
  label: string;
  options: { value: string; label: string }[];
  onChange(value: string): void;
}) {
  const value = useAppStore((s) => s.logs.filter[field]);
  return (
    <SelectField className="field--compact" label={label} options={options} value={value} onChange={(event) => onChange(event.target.value)} />
  );
}

function MemberFilter() {
  const members = useLogMembers();
  const userId = useAppStore((s) => s.logs.filter.userId);
  const setFilter = useAppStore((s) => s.logs.setFilter);
  if (!members) return null;
  const options = [{ value: '', label: 'Anyone' }, ...members.map((m) => ({ value: m.id, label: m.name || m.email }))];
  if (userId && !members.some((m) => m.id === userId)) options.push({ value: userId, label: 'Selected member' });
  return (
    <SelectField className="field--compact" label="Member" options={options} value={userId} onChange={(event) => setFilter({ userId: event.target.value })} />
  );
}

function DateFilter({ field, label }: { field: 'from' | 'to'; label: string }) {
  const value = useAppStore((s) => s.logs.filter[field]);
  const other = useAppStore((s) => s.logs.filter[field === 'from' ? 'to' : 'from']);
  const error = useFilterError(field);
  const setFilter = useAppStore((s) => s.logs.setFilter);
  return (
    <TextField
      className="field--compact logs-filters__date"
      label={label}
      type="date"
      value={value}
      min={field === 'to' ? other || undefined : undefined}
      max={field === 'from' ? other || undefined : undefined}
      error={error}
      onChange={(event) => setFilter({ [field]: event.target.value })}
    />
  );
}
