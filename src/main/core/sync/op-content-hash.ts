import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { SyncOp } from '../../../shared/schemas/sync';

/**
 * A `run.log`'s logged text depends on the data-logging level the desktop applies when it builds
 * the op, and that level may only get stricter between a lost answer and its retry (the stricter
 * of the run's and the prompt's level, core/logs/logging-level.ts): a retry carrying less of the
 * run's text is the same op, so those fields are not part of its content.
 */
const LEVEL_CUT_FIELDS = new Set(['dataLogging', 'variableNames', 'variables', 'messages', 'output', 'outputChars', 'error']);

/**
 * The hash of what an op says (docs/sync.md "Each op is applied at most once"): SHA-256 hex of
 * its parsed fields as canonical JSON (keys sorted at every depth, so key order on the wire does
 * not matter), without the id and, for `run.log`, without the text its logging level cuts. The
 * push stores it with the op's result; the same id arriving with another hash is not the same op.
 */
export function opContentHash(op: SyncOp): string {
  const content = Object.fromEntries(
    Object.entries(op).filter(([field]) => field !== 'id' && !(op.kind === 'run.log' && LEVEL_CUT_FIELDS.has(field))),
  );
  return createHash('sha256').update(stableStringify(content)).digest('hex');
}
