import type { DataLoggingLevel } from '../../../shared/schemas/runs';

/**
 * What a prompt's data-logging level keeps of a run (README "Logs"): the one rule, used when a
 * run is logged (core/runs/run-service.ts) and when a logged run leaves a desktop for its team
 * server (core/sync). `text`: variables' values, rendered messages, output (Full only).
 * `shape`: variable names, output length, the error's text (Full and Metadata); without it only
 * the error's code stays.
 *
 * @example levelKeeps('metadata') // { text: false, shape: true }
 */
export function levelKeeps(level: DataLoggingLevel): { text: boolean; shape: boolean } {
  return { text: level === 'full', shape: level !== 'none' };
}

const STRICTNESS: Record<DataLoggingLevel, number> = { full: 0, metadata: 1, none: 2 };

/** The stricter of two levels: a run logged under one and sent under another keeps only what both allow. */
export const stricterLevel = (a: DataLoggingLevel, b: DataLoggingLevel): DataLoggingLevel => (STRICTNESS[a] >= STRICTNESS[b] ? a : b);

/** The fields of a logged run that a level governs, as stored (JSON text, numbers). */
export interface LoggedText {
  dataLogging: DataLoggingLevel;
  variableNames: string | null;
  variables: string | null;
  messages: string | null;
  output: string | null;
  outputChars: number | null;
  error: string | null;
}

/**
 * A logged run cut to `level` (and never less strict than the level it was logged under), by
 * {@link levelKeeps}. An error text logged under Full or Metadata has no code beside it, so
 * under None it is dropped rather than sent.
 *
 * @example limitToLevel({ dataLogging: 'full', output: 'hi', ... }, 'none').output // null
 */
export function limitToLevel<T extends LoggedText>(run: T, level: DataLoggingLevel): T {
  const effective = stricterLevel(run.dataLogging, level);
  const keeps = levelKeeps(effective);
  return {
    ...run,
    dataLogging: effective,
    variableNames: keeps.shape ? run.variableNames : null,
    variables: keeps.text ? run.variables : null,
    messages: keeps.text ? run.messages : null,
    output: keeps.text ? run.output : null,
    outputChars: keeps.shape ? run.outputChars : null,
    error: keeps.shape || run.dataLogging === 'none' ? run.error : null,
  };
}
