import type { z } from 'zod';
import type { Ctx } from '../context';
import { AppError } from '../errors';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { WatchRunInput } from '../../../shared/schemas/runs';
import type {
  PrepareRefineInput,
  RefinePreparation,
  RefineProgress,
  RefineStarted,
  SaveRefinedInput,
  StartRefineInput,
} from '../../../shared/schemas/refine';

const notYet = () => new AppError('internal', 'Refine with AI is not implemented yet');

/** What the refine panel needs before the first turn. */
export function prepareRefine(_ctx: Ctx, _input: z.output<typeof PrepareRefineInput>): RefinePreparation {
  throw notYet();
}

/** Starts one refine turn; follow it with watchRefine. */
export function startRefine(_ctx: Ctx, _input: z.output<typeof StartRefineInput>): RefineStarted {
  throw notYet();
}

/** Long poll on a refine turn; `result` once it succeeded. */
export function watchRefine(_ctx: Ctx, _input: z.output<typeof WatchRunInput>): Promise<RefineProgress> {
  return Promise.reject(notYet());
}

/** Stops a refine turn. */
export function cancelRefine(_ctx: Ctx, _runId: string): Promise<RefineProgress> {
  return Promise.reject(notYet());
}

/** Saves a proposal as a new version. */
export function saveRefined(_ctx: Ctx, _input: z.output<typeof SaveRefinedInput>): PromptVersion {
  throw notYet();
}
