import type { LogEntry } from '../../../../shared/schemas/logs';

/** "840 ms", "1.2 s", "—" when the run never got that far. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

export function formatCount(value: number | null): string {
  return value === null ? '—' : value.toLocaleString();
}

/** "120 / 48": tokens in, then out. */
export function formatTokens(entry: Pick<LogEntry, 'inputTokens' | 'outputTokens'>): string {
  if (entry.inputTokens === null && entry.outputTokens === null) return '—';
  return `${formatCount(entry.inputTokens)} / ${formatCount(entry.outputTokens)}`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const percent = (part / whole) * 100;
  return `${percent < 10 && percent > 0 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** Who ran it: the member, and the API key's label when it came through one. */
export function runnerLabel(entry: Pick<LogEntry, 'user' | 'keyLabel'>): string {
  const name = entry.user?.name ?? '';
  if (entry.keyLabel) return name ? `${name} · key ${entry.keyLabel}` : `Key ${entry.keyLabel}`;
  return name || '—';
}

/** "12 Nov" for chart axes, from 'YYYY-MM-DD'. */
export function shortDay(day: string): string {
  const date = new Date(`${day}T00:00:00`);
  return Number.isNaN(date.getTime()) ? day : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}
