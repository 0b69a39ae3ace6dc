/**
 * The data folder's full check (src/main/store/full-check.ts): when it ran, how thoroughly, why
 * and what it found. `quick` is SQLite's quick_check (every page and record; run at open after an
 * unclean shutdown or before a migration; at open after a damaged result, the kind that found it), `full` its integrity_check (also every index against
 * its table; on demand).
 */
export type DataCheckKind = 'quick' | 'full';
/** Why a check ran: at open after a crash, after a recorded check that found damage, or before a migration; or asked for. */
export type DataCheckReason = 'unclean-shutdown' | 'last-check-damaged' | 'migration' | 'on-demand';

export interface DataCheck {
  /** ISO 8601 instant the check finished. */
  at: string;
  kind: DataCheckKind;
  reason: DataCheckReason;
  result: 'ok' | 'damaged';
  /** How long SQLite took, in milliseconds. */
  ms: number;
  /** For a damaged database: the sentence saying which file and what to do. */
  message: string | null;
}

/** What Settings → Data check shows: the last check (null before any) and whether one is running now. */
export interface DataCheckStatus {
  lastCheck: DataCheck | null;
  running: boolean;
}
