import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A test script run in its own OS process, talking one line at a time over stdio. */
export interface LineWorker {
  /** Its next stdout line, trimmed; rejects (with its stderr) if it ended without one. */
  line(): Promise<string>;
  /** Writes `line` and a newline to its stdin (ignored once it has exited). */
  send(line: string): void;
  /** Settles when it exits: resolves on exit code 0, else rejects with the code and its stderr. */
  exited: Promise<void>;
}

/**
 * Starts `node --import tsx script ...args` (the race tests' workers: test/helpers/*-worker.ts).
 * `cleanups` gets a SIGKILL of the process, for the test's afterEach.
 */
export function lineWorker(script: string, args: string[], cleanups: (() => void)[]): LineWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.on('error', () => {}); // a line to a worker that already answered and exited
  const exited = new Promise<void>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}\n${stderr}`)))));
  exited.catch(() => {}); // awaited by the test if it cares; a failure before that shows as the missing line
  return {
    line: async () => {
      const next = await lines.next();
      if (next.done) throw new Error(`worker ended without a line\n${stderr}`);
      return String(next.value).trim();
    },
    send: (line) => child.stdin!.write(`${line}\n`),
    exited,
  };
}
