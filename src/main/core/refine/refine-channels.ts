import { channel } from '../channel';
import { cancelRefine, prepareRefine, saveRefined, startRefine, watchRefine } from './refine-service';
import { PrepareRefineInput, SaveRefinedInput, StartRefineInput } from '../../../shared/schemas/refine';
import { RunRefInput, WatchRunInput } from '../../../shared/schemas/runs';

/** The refine area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const REFINE_CHANNELS = {
  /** Models, test-case count and whether saving is allowed, before the first refine turn. */
  'refine:prepare': channel(PrepareRefineInput, (ctx, input) => prepareRefine(ctx, input)),
  /** Starts one refine turn (a run with source `refine`); follow it with refine:watch. */
  'refine:start': channel(StartRefineInput, (ctx, input) => startRefine(ctx, input)),
  /** Long poll like runs:watch; `result` is set once the turn succeeded (proposal parsed, diff computed). */
  'refine:watch': channel(WatchRunInput, (ctx, input) => watchRefine(ctx, input)),
  /** Stops the turn (Stop); answers its final progress. */
  'refine:cancel': channel(RunRefInput, (ctx, input) => cancelRefine(ctx, input.runId)),
  /** Saves a proposal as a new version (edit permission; commit message says it came from Refine). */
  'refine:save': channel(SaveRefinedInput, (ctx, input) => saveRefined(ctx, input)),
};
