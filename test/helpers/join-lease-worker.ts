/**
 * Run as its own OS process by the join race test (attack 14b N6): waits until `startAt` (epoch
 * ms, so two workers open a new data folder at the same instant), opens the folder and takes its
 * join lease as `promptdesk team join` does. Prints `lease` or the refusal's message, holds the
 * lease for `holdMs` so the other worker meets it, then releases it and closes the folder.
 */
import { openWorkspace } from '../../src/main/core/workspace';
import { releaseJoinLease, takeJoinLease } from '../../src/main/core/team/join-team';

const [dataDir, startAtArg, holdArg] = process.argv.slice(2);
const startAt = Number(startAtArg);
// Spin rather than sleep for the last stretch: timers are too coarse to line two processes up.
while (Date.now() < startAt) {
  /* wait */
}
try {
  const workspace = openWorkspace(dataDir!);
  try {
    const token = takeJoinLease(workspace.store, 60_000);
    process.stdout.write('lease\n');
    const until = Date.now() + Number(holdArg);
    while (Date.now() < until) {
      /* hold */
    }
    releaseJoinLease(workspace.store, token);
  } finally {
    workspace.close();
  }
} catch (error) {
  process.stdout.write(`${(error as Error).message}\n`);
}
