/**
 * Headless start-up through each way the README could name: seconds from spawning the command
 * to the server's "Open http://…" line, median of RUNS (each run listed). `npx promptdesk` in the
 * checkout makes npm install the checkout into its npx cache and read every package in
 * node_modules before our code runs; the very first run in a checkout also creates that cache
 * entry. Needs a build (out/main/cli.js).
 *
 *   npm run bench:start
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const RUNS = 5;

/** Seconds until the line that carries the session URL; the server is stopped right after. */
function timeToOpenLine(command: string, args: string[]): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptdesk-bench-start-'));
  const started = process.hrtime.bigint();
  // Its own process group, so stopping it also stops the node that npm/npx started.
  const child = spawn(command, [...args, '--data-dir', dataDir, '--port', '0'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`no "Open" line within 60 s:\n${output}`)), 60_000);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      child.once('exit', () => {
        rmSync(dataDir, { recursive: true, force: true });
        if (error) reject(error);
        else resolve(seconds);
      });
      process.kill(-child.pid!, 'SIGTERM');
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Open http:\/\/127\.0\.0\.1:\d+\//.test(output)) finish();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const commands: [string, string, string[]][] = [
    ['node bin/promptdesk.js serve', process.execPath, [join(ROOT, 'bin', 'promptdesk.js'), 'serve']],
    ['npm run serve --', 'npm', ['run', '--silent', 'serve', '--']],
    ['npx promptdesk serve', 'npx', ['promptdesk', 'serve']],
  ];
  for (const [label, command, args] of commands) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeToOpenLine(command, args));
    console.log(`${label.padEnd(32)} median ${median(times).toFixed(2)} s  (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
  }
}

void main();
