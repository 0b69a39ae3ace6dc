import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspace, type Workspace } from '../../src/main/core/workspace';
import { createInvite } from '../../src/main/core/team/invites';
import type { SyncStatus } from '../../src/main/core/sync/sync-engine';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { http } from './http';
import { tempDir } from './workspace';

const ROOT = join(__dirname, '../..');
/** How long a child process may take to say it is listening (tsx compiles on first start). */
const START_MS = 30_000;
/** How long one `sync` command may take (the desktop's client times out a request after 3 s). */
const SYNC_MS = 30_000;

/** A free TCP port on 127.0.0.1 (bound, then released), for a server whose public URL names its port before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A child process running a TypeScript entry under `node --import tsx` (not the tsx binary, which forks: SIGKILL would miss the real process). */
function node(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
}

/** Resolves with the first stdout line matching `pattern`; rejects when the process exits first or after {@link START_MS}. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => done(new Error(`${what}: not ready after ${START_MS} ms\n${out}\n${err}`)), START_MS);
    const onOut = (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) done(null, match);
    };
    const onErr = (chunk: Buffer) => (err += chunk.toString());
    const onExit = (code: number | null) => done(new Error(`${what} exited with ${code}\n${out}\n${err}`));
    function done(error: Error | null, match?: RegExpExecArray) {
      clearTimeout(timer);
      child.stdout!.off('data', onOut);
      child.stderr!.off('data', onErr);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match!);
    }
    child.stdout!.on('data', onOut);
    child.stderr!.on('data', onErr);
    child.once('exit', onExit);
  });
}

/** Sends SIGKILL (no cleanup, no flush: what a crash or power cut leaves) and waits for the exit. */
async function kill9(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** SIGTERM (the host closes its store cleanly), SIGKILL if it has not exited after 5 s. */
async function terminate(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface TeamServer {
  /** The public URL (`--public-url`): `http://127.0.0.1:PORT`, the port it listens on. */
  url: string;
  port: number;
  dataDir: string;
  /**
   * The server's data folder opened in this process (SQLite in WAL mode takes a second process):
   * for seeding and reading what the server holds. Its owner is the folder's first admin.
   */
  workspace: Workspace;
  /** The child process (null while stopped). */
  readonly child: ChildProcess | null;
  kill9(): Promise<void>;
  /** Starts the server again on the same folder and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `promptdesk serve --team --data-dir DIR --public-url http://127.0.0.1:PORT --port PORT` as a child process, on loopback. */
export async function startTeamServer(): Promise<TeamServer> {
  const dir = tempDir();
  const dataDir = join(dir.dir, 'server');
  mkdirSync(dataDir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    child = node(['src/main/headless/cli.ts', 'serve', '--team', '--data-dir', dataDir, '--public-url', url, '--port', String(port)]);
    await waitForLine(child, /Listening on http:\/\/127\.0\.0\.1:(\d+)/, 'team server');
  };
  await start();
  // Opened after the first start, which records the folder as a team's (invites need it).
  const workspace = openWorkspace(dataDir, { changesPollMs: 50 });
  return {
    url,
    port,
    dataDir,
    workspace,
    get child() {
      return child;
    },
    kill9: async () => {
      await kill9(child);
      child = null;
    },
    restart: start,
    stop: async () => {
      await terminate(child);
      child = null;
      workspace.close();
      dir.cleanup();
    },
  };
}

/** A password the team server accepts (long enough for its rule). */
export const TEST_PASSWORD = 'correct horse battery staple 42';

/**
 * The real join path of a desktop, over HTTP on loopback, with this test as the member's browser:
 * the admin invites `email` (core createInvite, as `promptdesk users invite` does);
 * `promptdesk team join --data-dir DIR --url URL` (a child process, core/team/join-team.ts)
 * listens on a loopback port and prints the server's /team/authorize address (S256 challenge,
 * state); the member accepts the invite with a password (a cookie session) and allows the device
 * at `POST /team/authorize` (CSRF token echoed); the browser follows the answer's redirect to the
 * desktop's loopback callback, and the desktop exchanges the code with its verifier and keeps the
 * device token sealed in its data folder.
 *
 * @returns the member's id on the server
 */
export async function joinDesktop(server: TeamServer, dataDir: string, email: string, deviceName: string, role: 'admin' | 'member' = 'member'): Promise<{ memberId: string }> {
  const owner = server.workspace.as(server.workspace.owner.id);
  const { code } = createInvite(owner, { email, role });
  const joining = node(['src/main/headless/cli.ts', 'team', 'join', '--data-dir', dataDir, '--url', server.url, '--device-name', deviceName]);
  const exited = new Promise<number | null>((resolve) => joining.once('exit', resolve));
  const address = new URL((await waitForLine(joining, /(http:\/\/127\.0\.0\.1:\d+\/team\/authorize\?\S+)\n/, 'team join'))[1]!);
  const json = (body: unknown, browser?: { cookie: string; csrf: string }) => ({
    headers: { origin: server.url, 'content-type': 'application/json', ...(browser ? { cookie: browser.cookie, 'x-csrf-token': browser.csrf } : {}) },
    body: JSON.stringify(body),
  });
  const accepted = await http(server.port, 'POST', '/team/accept-invite', json({ code, password: TEST_PASSWORD }));
  if (accepted.status !== 200) throw new Error(`accept-invite: ${accepted.status} ${accepted.text}`);
  const pairs = ([] as string[]).concat(accepted.headers['set-cookie'] ?? []).map((line) => line.split(';', 1)[0]!);
  const browser = { cookie: pairs.join('; '), csrf: pairs.find((p) => p.startsWith('__Host-promptdesk_csrf='))?.split('=')[1] ?? '' };
  const allowed = await http(server.port, 'POST', '/team/authorize', json(Object.fromEntries(address.searchParams), browser));
  if (allowed.status !== 200) throw new Error(`authorize: ${allowed.status} ${allowed.text}`);
  const callback = new URL(allowed.json().redirect as string);
  await http(Number(callback.port), 'GET', `${callback.pathname}${callback.search}`);
  const exitCode = await exited;
  if (exitCode !== 0) throw new Error(`team join exited with ${exitCode}`);
  return { memberId: accepted.json().member.id as string };
}

export interface TeamDesktop {
  name: string;
  dataDir: string;
  memberId: string;
  /** The fault proxy between this desktop and the server (its own). */
  proxy: FaultProxy;
  /** The desktop's data folder opened in this process: the member's hands (saves, promotions, runs as `as()`), and what the replica holds. */
  workspace: Workspace;
  /** The desktop's API port (its headless host). */
  readonly port: number;
  readonly child: ChildProcess | null;
  /** The joined member's context in this desktop's folder (after the first sync brought the member). */
  as(): ReturnType<Workspace['as']>;
  /** "Sync now" in the desktop process: push, then pull; the status after. */
  sync(): Promise<SyncStatus>;
  /** Sends "sync now" without waiting (to kill the process while it runs); desktops started without `background` only. */
  syncInFlight(): void;
  kill9(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A desktop host as its own process, with its own data folder, joined to `server` as `email`
 * through the real join path ({@link joinDesktop}), its traffic to the server going through its
 * own fault proxy. With `background`, the process is `promptdesk serve --data-dir DIR` itself
 * (PROMPTDESK_TEAM_SYNC_URL = the proxy): it syncs on local changes and the server's signal, and
 * `sync()` is the `sync:now` channel over its bridge with the session it prints. Without, it is
 * test/helpers/desktop-host.ts (the same host, its engine syncing only on `sync()`), so a test
 * knows which connection each queued fault hits.
 */
export async function startDesktop(server: TeamServer, name: string, email: string, options: { background?: boolean } = {}): Promise<TeamDesktop> {
  const dir = tempDir();
  const dataDir = join(dir.dir, name);
  mkdirSync(dataDir);
  const { memberId } = await joinDesktop(server, dataDir, email, name);
  const proxy = await startFaultProxy(server.port);
  let child: ChildProcess | null = null;
  let port = 0;
  let next = 0;
  const waiting = new Map<string, (status: SyncStatus) => void>();
  let session = '';
  const start = async () => {
    if (options.background) {
      const proc = node(['src/main/headless/cli.ts', 'serve', '--data-dir', dataDir, '--port', '0'], { PROMPTDESK_TEAM_SYNC_URL: proxy.url });
      child = proc;
      const ready = await waitForLine(proc, /Open http:\/\/127\.0\.0\.1:(\d+)\/#session=(\S+)\n/, `desktop ${name}`);
      port = Number(ready[1]);
      session = ready[2]!;
      proc.stdout!.resume();
      proc.stderr!.resume();
      return;
    }
    const proc = node(['test/helpers/desktop-host.ts', dataDir, String(proxy.port)]);
    child = proc;
    const ready = await waitForLine(proc, /READY (\{.*\})\n/, `desktop ${name}`);
    port = (JSON.parse(ready[1]!) as { port: number }).port;
    let buffer = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let end: number;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        const match = /^RESULT (\S+) (.*)$/.exec(line);
        if (match) {
          waiting.get(match[1]!)?.(JSON.parse(match[2]!) as SyncStatus);
          waiting.delete(match[1]!);
        }
      }
    });
    proc.stderr!.resume();
  };
  await start();
  const workspace = openWorkspace(dataDir, { changesPollMs: 50 });
  const send = (command: string) => {
    const id = String(++next);
    child?.stdin!.write(`${command} ${id}\n`);
    return id;
  };
  return {
    name,
    dataDir,
    memberId,
    proxy,
    workspace,
    get port() {
      return port;
    },
    get child() {
      return child;
    },
    as: () => workspace.as(memberId),
    sync: async () => {
      if (options.background) {
        const res = await http(port, 'POST', '/bridge/sync:now', { headers: { 'content-type': 'application/json', 'x-promptdesk-session': session }, body: '{}' });
        if (res.status !== 200) throw new Error(`desktop ${name}: sync:now answered ${res.status} ${res.text}`);
        // The bridge answers a channel's result as { ok, value } (or { ok: false, error }).
        const answer = res.json() as { ok: boolean; value?: SyncStatus; error?: unknown };
        if (!answer.ok || !answer.value) throw new Error(`desktop ${name}: sync:now refused: ${res.text}`);
        return answer.value;
      }
      return new Promise<SyncStatus>((resolve, reject) => {
        const proc = child;
        if (!proc) return reject(new Error(`desktop ${name} is not running`));
        const id = send('sync');
        const timer = setTimeout(() => reject(new Error(`desktop ${name}: sync took over ${SYNC_MS} ms`)), SYNC_MS);
        const exited = () => reject(new Error(`desktop ${name} exited during sync`));
        proc.once('exit', exited);
        waiting.set(id, (status) => {
          clearTimeout(timer);
          proc.off('exit', exited);
          resolve(status);
        });
      });
    },
    syncInFlight: () => void send('sync'),
    kill9: async () => {
      await kill9(child);
      child = null;
      waiting.clear();
    },
    restart: start,
    stop: async () => {
      await terminate(child);
      child = null;
      workspace.close();
      await proxy.close();
      dir.cleanup();
    },
  };
}
