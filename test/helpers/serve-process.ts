import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cliEntry } from './cli-entry';

const ROOT = join(__dirname, '../..');

/** A `promptdesk serve` running in its own process: its child, the port it listens on and the owner's bridge session. */
export interface ServeProcess {
  child: ChildProcess;
  port: number;
  session: string;
}

/**
 * Starts `promptdesk serve --data-dir <dataDir> --port 0` in its own process (see cliEntry: the
 * built CLI or the source, never a wrapper, so a SIGKILL reaches the server itself) and resolves once it
 * printed its last start line, after which its signal handlers are installed. Rejects with what it
 * printed if it exits first.
 */
export function serveProcess(dataDir: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...cliEntry(), 'serve', '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Open http:\/\/127\.0\.0\.1:(\d+)\/#session=(\S+)/.exec(out);
      if (match && /Other members sign in/.test(out)) resolve({ child, port: Number(match[1]), session: match[2]! });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}
