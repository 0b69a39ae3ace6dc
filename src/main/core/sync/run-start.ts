import { AppError } from '../errors';

/** No run pushed to a team server started before this (2020-01-01T00:00:00Z, ms): an earlier time is a broken clock or made up. */
export const RUN_START_FLOOR_MS = Date.UTC(2020, 0, 1);
/** How far ahead of the server's clock a desktop's clock may run (ms) before a run's start is taken as "now". */
export const RUN_START_SKEW_MS = 5 * 60 * 1000;

/**
 * The start time (ms since the epoch) a team server logs for a run pushed by a desktop (`run.log`,
 * docs/sync.md "Push"): a start more than {@link RUN_START_SKEW_MS} ahead of the server's `now` is
 * a desktop clock running fast, and is logged at `now` (the run happened; its day and order in the
 * Logs stay sane); a start before {@link RUN_START_FLOOR_MS} is refused. The floor is fixed, not
 * the prompt's creation: a prompt moved to the team is created on the server after its runs.
 *
 * @throws AppError `invalid_input` at field `startedAt` for a start before the floor
 */
export function boundedRunStart(startedAt: number, now: number): number {
  if (startedAt < RUN_START_FLOOR_MS) {
    throw new AppError('invalid_input', `A run's start time must be after ${new Date(RUN_START_FLOOR_MS).toISOString()}: check this device's clock`, 'startedAt');
  }
  return startedAt > now + RUN_START_SKEW_MS ? now : startedAt;
}
