/**
 * npm run bench:start — how fast `promptdesk serve` answers, on a data folder with 1,000,000
 * logged runs (start-seed.ts; built once, cached in the temp folder) and on an empty one.
 *
 * 1. Phases, in this process on the big folder: process start (`node bin/promptdesk.js --version`),
 *    the side-file check, the full checks (quick_check, integrity_check), opening the store
 *    (pragmas, migrations, checkpoint), opening the workspace, retention and error redaction.
 * 2. Cold start to the first API answer: spawn `node bin/promptdesk.js serve` as users run it and
 *    poll an authenticated GET /api/v1/prompts until it answers 200 (also: time to the "Open" line);
 *    SAMPLES starts each (p50 / max) for (a) a folder closed cleanly, (b) a folder whose last
 *    server was killed with SIGKILL (each sample is preceded by a start and a kill -9), (c) a
 *    folder with a migration pending (a copy of the folder whose newest migration record is
 *    removed and rerun; one sample, since each needs a fresh copy). Also what the start recorded as its
 *    last check (promptdesk.db-check), when there is one.
 * 3. Seconds to the first line through `node bin/promptdesk.js`, `npm run serve` and `npx
 *    promptdesk` on an empty folder (median of 5).
 *
 * Figures only (no assertions): compare side by side within one run. Needs a build (out/main/cli.js).
 * BENCH_START_ROWS changes the row count; BENCH_START_SAMPLES the samples per case.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startFolder, START_ROWS, type StartFolder } from './start-seed';
import { checkSideFiles } from '../../src/main/store/side-files';
import { openWorkspace, DB_FILE } from '../../src/main/core/workspace';
import { applyRetention } from '../../src/main/core/logs/logs-service';
import { redactLoggedErrors } from '../../src/main/core/integrations/integrations';
import { summarize, time } from './stats';
import { readLastCheck } from '../../src/main/store/full-check';
import { checkStoreFile } from '../../src/main/store/open';
import { MIGRATIONS } from '../../src/main/store/migrations';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'promptdesk.js');
const SAMPLES = Number(process.env['BENCH_START_SAMPLES'] ?? 5);
const RUNS = 5;

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Served {
  child: ChildProcess;
  /** ms from spawn to the "Open http://…" line. */
  openLine: number;
  /** ms from spawn to the first 200 of an authenticated API call. */
  firstAnswer: number;
  output: () => string;
}

/** Spawns `promptdesk serve` on `dir` and polls GET /api/v1/prompts with `key` until 200 (60 s at most). */
async function serve(dir: string, key: string, limitMs = 60_000): Promise<Served> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', dir, '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let openLine = NaN;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (Number.isNaN(openLine) && /Open http:\/\/127\.0\.0\.1:\d+\//.test(output)) openLine = performance.now() - started;
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`promptdesk serve exited before answering:\n${output}`);
    if (performance.now() - started > limitMs) throw new Error(`no 200 within ${limitMs / 1000} s:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/prompts`, { headers: { authorization: `Bearer ${key}` } });
      await response.arrayBuffer();
      if (response.status === 200) return { child, openLine, firstAnswer: performance.now() - started, output: () => output };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** What the last start (or check) recorded as the last full check (store/full-check.ts). */
function lastCheck(dir: string): string {
  const check = readLastCheck(join(dir, DB_FILE));
  return check ? `${check.reason} (${check.kind}) ${check.result} in ${s(check.ms)} at ${check.at}` : 'none recorded';
}

function report(label: string, samples: Served[], extra = ''): void {
  const first = summarize(samples.map((x) => x.firstAnswer));
  const line = summarize(samples.map((x) => x.openLine));
  console.log(
    `${label.padEnd(34)} first answer p50 ${s(first.p50)}  max ${s(first.max)}   "Open" line p50 ${s(line.p50)}   (n=${first.n}: ${samples.map((x) => (x.firstAnswer / 1000).toFixed(2)).join(', ')})${extra}`,
  );
}

function phases(folder: StartFolder): void {
  const path = join(folder.dir, DB_FILE);
  const node = summarize(Array.from({ length: RUNS }, () => time(() => spawnSync(process.execPath, [CLI, '--version']))[1]));
  console.log(`  process start (node bin/promptdesk.js --version)   p50 ${s(node.p50)}`);
  console.log(`  side-file check (plain reads)                      ${s(time(() => checkSideFiles(path))[1])}`);
  // As `promptdesk check` runs them (checkStoreFile): a connection that leaves no -wal behind, which
  // the next open would take for one a crash left.
  console.log(`  PRAGMA quick_check                                 ${s(time(() => checkStoreFile(path, 'quick'))[1])}`);
  console.log(`  PRAGMA integrity_check                             ${s(time(() => checkStoreFile(path, 'full'))[1])}`);
  const [workspace, openMs] = time(() => openWorkspace(folder.dir));
  try {
    console.log(`  openWorkspace (store open, its checks, owner, runtime)  ${s(openMs)}   last check: ${lastCheck(folder.dir)}`);
    console.log(`  retention purge (365 days, nothing to purge)       ${s(time(() => applyRetention(workspace))[1])}`);
    console.log(`  redact logged provider errors                      ${s(time(() => redactLoggedErrors(workspace))[1])}`);
  } finally {
    workspace.close();
  }
}

async function coldStarts(folder: StartFolder): Promise<void> {
  // One start first: a folder just built, or left by an earlier bench, is brought to its steady state.
  await stop((await serve(folder.dir, folder.key)).child, 'SIGTERM');
  const clean: Served[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const served = await serve(folder.dir, folder.key);
    clean.push(served);
    await stop(served.child, 'SIGTERM');
  }
  report('(a) clean folder', clean, `   last check: ${lastCheck(folder.dir)}`);

  const unclean: Served[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await stop((await serve(folder.dir, folder.key)).child, 'SIGKILL');
    const served = await serve(folder.dir, folder.key);
    unclean.push(served);
    await stop(served.child, 'SIGTERM');
  }
  report('(b) after kill -9', unclean, `   last check: ${lastCheck(folder.dir)}`);

  // (c) A copy with a migration pending again: the newest migration whose SQL can run a second
  // time (tried in a transaction that is rolled back) loses its record, so the start reruns it,
  // after the check and the VACUUM INTO backup every migration makes.
  const copy = mkdtempSync(join(tmpdir(), 'promptdesk-bench-start-migrate-'));
  try {
    for (const name of readdirSync(folder.dir)) if (name.startsWith(DB_FILE)) copyFileSync(join(folder.dir, name), join(copy, name));
    const db = new Database(join(copy, DB_FILE));
    let pending: (typeof MIGRATIONS)[number] | undefined;
    for (const migration of [...MIGRATIONS].reverse().slice(0, 8)) {
      try {
        db.transaction(() => {
          db.exec(migration.sql);
          throw new Error('rollback');
        })();
      } catch (error) {
        if ((error as Error).message === 'rollback' && !migration.up) {
          pending = migration;
          break;
        }
      }
    }
    if (pending) db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(pending.version);
    db.close();
    if (!pending) console.log('(c) migration pending: skipped (none of the newest migrations can run twice)');
    else {
      const served = await serve(copy, folder.key, 600_000);
      report(`(c) migration ${pending.version} pending`, [served], `   last check: ${lastCheck(copy)}`);
      await stop(served.child, 'SIGTERM');
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Seconds until the line that carries the session URL on an empty folder; the server is stopped right after. */
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
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('Build first: npm run build');
  const [folder, buildMs] = time(() => startFolder());
  console.log(`Data folder: ${folder.dir}`);
  console.log(`  ${START_ROWS.toLocaleString('en')} logged runs (built in ${folder.seededSeconds.toFixed(1)} s; ${buildMs > 1000 ? 'built now' : 'cached'})`);
  console.log('\nPhases (this process):');
  phases(folder);
  console.log(`\nHeadless cold start to the first authenticated API answer (node bin/promptdesk.js serve, ${SAMPLES} samples):`);
  await coldStarts(folder);

  if (process.env['BENCH_START_EMPTY'] !== '0') {
    console.log('\nSeconds to the first line on an empty folder:');
    const commands: [string, string, string[]][] = [
      ['node bin/promptdesk.js serve', process.execPath, [CLI, 'serve']],
      ['npm run serve --', 'npm', ['run', '--silent', 'serve', '--']],
      ['npx promptdesk serve', 'npx', ['promptdesk', 'serve']],
    ];
    for (const [label, command, args] of commands) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await timeToOpenLine(command, args));
      console.log(`${label.padEnd(32)} median ${median(times).toFixed(2)} s  (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
    }
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
