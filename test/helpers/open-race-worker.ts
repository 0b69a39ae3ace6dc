/**
 * Run as its own OS process by the open race test (attack 14c L5). One line each over stdio:
 * prints `ready` once loaded; on `go <epoch ms>` waits until that instant (so the workers open the
 * data folder at the same moment another process holds it), opens the folder, makes one write
 * (as `promptdesk users invite` does), closes it, and prints `ok` or the error's message.
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { openWorkspace } from '../../src/main/core/workspace';

const [dataDir, label] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function main(): Promise<void> {
  process.stdout.write('ready\n');
  const line = await lines.next();
  const startAt = line.done ? NaN : Number(String(line.value).replace(/^go /, ''));
  if (!Number.isFinite(startAt)) return;
  // Sleep to just before the instant, then spin: timers are too coarse to line processes up.
  await sleep(Math.max(0, startAt - Date.now() - 30));
  while (Date.now() < startAt) {
    /* wait */
  }
  try {
    const workspace = openWorkspace(dataDir!);
    try {
      workspace.store.settings.set(`open-race.${label}`, { at: Date.now() });
    } finally {
      workspace.close();
    }
    process.stdout.write('ok\n');
  } catch (error) {
    process.stdout.write(`${(error as Error).message.split('\n')[0]}\n`);
  }
  process.stdin.destroy();
}

void main();
