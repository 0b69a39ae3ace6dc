import { test as base, expect, type Page } from '@playwright/test';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { osUser } from '../../src/main/core/workspace';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screens');

export interface Server {
  url: string;
  openUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts `promptdesk serve` on a data folder and waits for the line with the session URL. */
export function startServer(dataDir: string, port = 0): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'promptdesk.js'), 'serve', '--data-dir', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/127\.0\.0\.1:(\d+))\/#session=(\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        port: Number(match[2]),
        openUrl: `${match[1]}/#session=${match[3]}`,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

/** Runs the promptdesk CLI and returns its stdout, trimmed. */
export function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'promptdesk.js'), ...args], (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

/** Opens the app with the owner's session (the link `serve` printed), or with another `session`. */
export async function openApp(page: Page, server: Server, session?: string): Promise<void> {
  await page.goto(session ? `${server.url}/#session=${session}` : server.openUrl);
  await expect(page.locator('html[data-app-ready="true"]')).toBeAttached();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // The app scrolls inside its own panes, so a full-page capture adds only blank space.
  // Finish CSS transitions first so a theme switch is captured in its end state.
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
}

export const test = base.extend<{ dataDir: string; server: Server; apiKey: string }>({
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'promptdesk-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  server: async ({ dataDir }, use) => {
    const server = await startServer(dataDir);
    await use(server);
    await server.stop();
  },
  /** A key for the workspace owner, made with the CLI as a user would. */
  apiKey: async ({ dataDir, server }, use) => {
    void server; // the server has created the workspace and its owner
    await use(await cli(['keys', 'create', '--data-dir', dataDir, '--user', osUser().email]));
  },
});

export { expect };
