/**
 * Run as its own OS process by the join race test (attack 14b N6). Talks over stdio, one line each:
 * prints `ready` once loaded; on `go <epoch ms>` waits until that instant (so the workers open a
 * new data folder at the same moment), opens the folder and takes its join lease as
 * `promptdesk team join` does; prints `lease` or the refusal's message. A worker holding the lease
 * keeps it until it reads `release` (or stdin ends), so the other worker meets it; then it releases
 * the lease and closes the folder.
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { openWorkspace } from '../../src/main/core/workspace';
import { releaseJoinLease, takeJoinLease } from '../../src/main/core/team/join-team';

const [dataDir] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async (): Promise<string> => {
  const line = await lines.next();
  return line.done ? '' : String(line.value);
};

async function main(): Promise<void> {
  process.stdout.write('ready\n');
  const startAt = Number((await next()).replace(/^go /, ''));
  if (!Number.isFinite(startAt)) return; // stdin ended: the test is gone
  // Sleep to just before the instant, then spin: timers are too coarse to line two processes up.
  await sleep(Math.max(0, startAt - Date.now() - 30));
  while (Date.now() < startAt) {
    /* wait */
  }
  try {
    const workspace = openWorkspace(dataDir!);
    try {
      const token = takeJoinLease(workspace.store, 60_000);
      process.stdout.write('lease\n');
      // Held until told (an empty answer is the end of stdin: the test is gone).
      for (let line = await next(); line !== 'release' && line !== ''; line = await next()) {
        /* not for us */
      }
      releaseJoinLease(workspace.store, token);
    } finally {
      workspace.close();
    }
  } catch (error) {
    process.stdout.write(`${(error as Error).message}\n`);
  }
}

// Exits itself: the open stdin would keep the process alive.
void main().then(() => process.exit(0));
