import { channel } from '../channel';
import { cancelRun, prepareRun, startRun, watchRun } from './run-service';
import { deleteTestCase, listTestCases, saveTestCase } from './test-cases-service';
import { PromptRefInput } from '../../../shared/schemas/prompts';
import { DeleteTestCaseInput, RunRefInput, SaveTestCaseInput, StartRunInput, WatchRunInput } from '../../../shared/schemas/runs';

/** The runs area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const RUNS_CHANNELS = {
  'runs:prepare': channel(PromptRefInput, (ctx, input) => prepareRun(ctx, input.name)),
  'runs:start': channel(StartRunInput, (ctx, input) => startRun(ctx, input)),
  'runs:watch': channel(WatchRunInput, (ctx, input) => watchRun(ctx, input)),
  'runs:cancel': channel(RunRefInput, (ctx, input) => cancelRun(ctx, input.runId)),
  'testcases:list': channel(PromptRefInput, (ctx, input) => listTestCases(ctx, input.name)),
  'testcases:save': channel(SaveTestCaseInput, (ctx, input) => saveTestCase(ctx, input)),
  'testcases:delete': channel(DeleteTestCaseInput, (ctx, input) => deleteTestCase(ctx, input.name, input.id)),
};
