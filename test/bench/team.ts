/**
 * npm run bench:team — one team server under a team's sync load (issue 14, "Scale, on paper and
 * measured"; docs/scale.md records the figures).
 *
 * What runs where:
 * - The team server is `promptdesk serve --team` in its own process (its RSS is its own), on
 *   127.0.0.1, its data folder seeded beforehand in this process with core functions: MEMBERS
 *   members, PROMPTS prompts (each one version, visible to the whole organisation, as "anyone in
 *   the organization can view"), and a device token per desktop (core issueDeviceToken, the
 *   server's own function: the PKCE join is proven by test/unit/main/team/convergence.test.ts and
 *   would spend two scrypt hashes per member here).
 * - Desktops A and B are real desktops in this process: each a data folder (SQLite) with the sync
 *   engine as the app runs it (defaults: 300 ms debounce, background sync on local changes and on
 *   the server's change signal). Latency = a save on A until the version is in B's replica
 *   (checked every 5 ms), SAMPLES times in a row, while the load below runs.
 * - The other DESKTOPS - 2 desktops are light, in-process sync clients (core/sync/sync-client.ts,
 *   the engine's own HTTP client): they start with a current replica (the cursor B reached) and
 *   loop like the engine: push a page of 100 `run.log` ops (the engine's page size), then pull
 *   until nothing is left (limit 500), discarding what they pull instead of writing a replica.
 *   Together they push RUNS runs.
 * - "A day's worth of load": the RUNS runs a team logs in a day are pushed as fast as the server
 *   takes them; the report says how many times faster than real time that was (86,400 s / elapsed
 *   for 1,000,000 runs).
 *
 * Flags (defaults are the issue's size): --members 200 --desktops 50 --prompts 20000
 * --runs 1000000 --samples 100 [--light-pull no] (light desktops push only) [--keep] (keep the data
 * folders). The figures are a report: the
 * script exits 0 unless something was lost or refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { openWorkspace, DB_FILE, type Workspace } from '../../src/main/core/workspace';
import { admitMember } from '../../src/main/core/users/users-service';
import { createPrompt } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { setSharingLevel } from '../../src/main/core/sharing/sharing-service';
import { issueDeviceToken } from '../../src/main/core/team/devices';
import { createSyncClient, type SyncClient } from '../../src/main/core/sync/sync-client';
import { createSyncEngine, type SyncEngine } from '../../src/main/core/sync/sync-engine';
import { REPLICA_SETTINGS } from '../../src/main/core/sync/replica-apply';
import { PUSH_PAGE_OPS } from '../../src/main/core/sync/outbox';
import { AddUserInput } from '../../src/shared/schemas/users';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import type { SyncOp } from '../../src/shared/schemas/sync';
import { freePort } from '../helpers/team';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '200' },
    desktops: { type: 'string', default: '50' },
    prompts: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '1000000' },
    samples: { type: 'string', default: '100' },
    'light-pull': { type: 'string', default: 'yes' },
    keep: { type: 'boolean', default: false },
  },
});
const MEMBERS = Number(values.members);
const DESKTOPS = Number(values.desktops);
const PROMPTS = Number(values.prompts);
const RUNS = Number(values.runs);
const SAMPLES = Number(values.samples);
/** `--light-pull no`: light desktops only push (the server's write side alone, without every desktop pulling every run back). */
const LIGHT_PULL = values['light-pull'] !== 'no';
if (DESKTOPS < 3 || MEMBERS < DESKTOPS) throw new Error('--desktops must be at least 3 and at most --members');

const ROOT = join(__dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'promptdesk-bench-team-'));
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const log = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** The server's data folder: members, prompts, tokens. Returns what the load needs. */
function seed(dataDir: string) {
  const workspace = openWorkspace(dataDir);
  const owner = workspace.as(workspace.owner.id);
  const started = performance.now();
  const members = workspace.store.tx(() =>
    Array.from({ length: MEMBERS }, (_, i) => admitMember(owner, AddUserInput.parse({ email: `member${i}@example.com`, name: `Member ${i}` }))),
  );
  const versions: { promptId: string; versionId: string }[] = [];
  for (let from = 0; from < PROMPTS; from += 500) {
    workspace.store.tx(() => {
      for (let i = from; i < Math.min(PROMPTS, from + 500); i++) {
        const name = `prompt-${String(i).padStart(5, '0')}`;
        createPrompt(owner, CreatePromptInput.parse({ name, title: `Prompt ${i}` }));
        const v = saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: `You answer questions about topic ${i}. Question: {{question}}` } }));
        setSharingLevel(owner, { name, level: 'library_view' });
        versions.push({ promptId: v.promptId, versionId: v.id });
      }
    });
  }
  createPrompt(owner, CreatePromptInput.parse({ name: 'latency', title: 'Latency probe' }));
  saveVersion(owner, SaveVersionInput.parse({ name: 'latency', template: { kind: 'text', text: 'probe 0 {{x}}' } }));
  setSharingLevel(owner, { name: 'latency', level: 'library_edit' });
  const tokens = members.slice(0, DESKTOPS).map((m, i) => ({ memberId: m.id, token: issueDeviceToken(workspace.store, workspace.clock, m.id, `desktop ${i}`).token }));
  workspace.close();
  log(`seeded ${MEMBERS} members, ${PROMPTS + 1} prompts, ${DESKTOPS} device tokens in ${seconds(performance.now() - started)} s`);
  return { versions, tokens };
}

function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/headless/cli.ts', 'serve', '--team', '--data-dir', dataDir, '--public-url', url, '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Listening on')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`team server exited with ${code}: ${out}`)));
  });
}

/** Resident memory of a process (kB), from /proc (Linux). */
function rssKb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

/** A real desktop: its own data folder and the sync engine with the app's defaults. */
function realDesktop(name: string, serverUrl: string, token: string): { workspace: Workspace; engine: SyncEngine } {
  const dir = join(root, name);
  mkdirSync(dir, { mode: 0o700 });
  const workspace = openWorkspace(dir);
  const engine = createSyncEngine({ workspace, client: createSyncClient({ serverUrl, credential: token }) });
  return { workspace, engine };
}

interface LoadFigures {
  /** Requests that failed on the network (a reset kept-alive connection under load) and were sent again, as the engine does. */
  retries: number;
  pushes: number;
  applied: number;
  refused: number;
  pulls: number;
  pulledRuns: number;
}

/** Sends `request` again after a network failure (the same ops: the server applies each once), at most 10 times. */
async function again<T>(figures: LoadFigures, request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= 10) throw error;
      figures.retries++;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** One light desktop: pushes `count` runs in pages, pulling after each push as the engine does. */
async function lightDesktop(client: SyncClient, startCursor: string, count: number, versions: { promptId: string; versionId: string }[], figures: LoadFigures): Promise<void> {
  let cursor = startCursor;
  for (let sent = 0; sent < count; ) {
    const ops: SyncOp[] = [];
    for (; ops.length < PUSH_PAGE_OPS && sent < count; sent++) {
      const target = versions[Math.floor(Math.random() * versions.length)]!;
      ops.push({
        id: randomUUID(),
        kind: 'run.log',
        promptId: target.promptId,
        versionId: target.versionId,
        source: 'chat',
        model: 'local:echo',
        status: 'success',
        startedAt: Date.now(),
        latencyMs: 420,
        ttftMs: 80,
        tokensIn: 35,
        tokensOut: 120,
        dataLogging: 'metadata',
        variableNames: '["question"]',
        variables: null,
        messages: null,
        output: null,
        outputChars: 480,
        error: null,
      } as SyncOp);
    }
    const answer = await again(figures, () => client.push(ops));
    figures.pushes++;
    for (const result of answer.results) {
      if (result.status === 'applied') figures.applied++;
      else figures.refused++;
    }
    while (LIGHT_PULL) {
      const page = await again(figures, () => client.pull(cursor, 500));
      figures.pulls++;
      figures.pulledRuns += page.runs.length;
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
  }
}

async function main(): Promise<void> {
  log(`bench:team — members ${MEMBERS}, desktops ${DESKTOPS} (2 real + ${DESKTOPS - 2} light${LIGHT_PULL ? '' : ', pushing only'}), prompts ${PROMPTS}, runs ${RUNS}, latency samples ${SAMPLES}`);
  log(`data under ${root}`);
  const serverDir = join(root, 'server');
  mkdirSync(serverDir, { mode: 0o700 });
  const { versions, tokens } = seed(serverDir);
  const port = await freePort();
  const serverUrl = `http://127.0.0.1:${port}`;
  const server = await startServer(serverDir, port);
  const pid = server.pid!;
  let peakRss = rssKb(pid);
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssKb(pid))), 250);
  log(`team server pid ${pid} on ${serverUrl}, RSS after start ${(rssKb(pid) / 1024).toFixed(0)} MiB`);

  try {
    // Two real desktops take their complete replica (every prompt, all versions).
    const a = realDesktop('desktop-a', serverUrl, tokens[0]!.token);
    const b = realDesktop('desktop-b', serverUrl, tokens[1]!.token);
    const initial = performance.now();
    const [sa, sb] = await Promise.all([a.engine.syncNow(), b.engine.syncNow()]);
    if (sa.state !== 'online' || sb.state !== 'online') throw new Error(`initial sync: ${sa.lastError ?? sb.lastError}`);
    log(`initial replica (${PROMPTS + 1} prompts) on two desktops at once: ${seconds(performance.now() - initial)} s; server RSS ${(rssKb(pid) / 1024).toFixed(0)} MiB`);
    const head = b.workspace.store.settings.get<string>(REPLICA_SETTINGS.cursor)!;
    a.engine.start();
    b.engine.start();
    const memberA = tokens[0]!.memberId;
    const inB = b.workspace.store.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM prompt_versions WHERE id = ?');

    // The load: light desktops push RUNS runs, pulling after each push.
    const figures: LoadFigures = { retries: 0, pushes: 0, applied: 0, refused: 0, pulls: 0, pulledRuns: 0 };
    const light = tokens.slice(2);
    const loadStarted = performance.now();
    let loadDone = false;
    const load = Promise.all(
      light.map((t, i) => {
        const share = Math.floor(RUNS / light.length) + (i < RUNS % light.length ? 1 : 0);
        return lightDesktop(createSyncClient({ serverUrl, credential: t.token, timeoutMs: 120_000 }), head, share, versions, figures);
      }),
    ).then(
      () => {
        loadDone = true;
        return performance.now() - loadStarted;
      },
      (error: unknown) => {
        loadDone = true;
        throw error;
      },
    );
    // Seen by the await below; until then a failure must not end the process as unhandled.
    load.catch(() => undefined);

    // Latency: save on A until visible on B, one after another, while the load runs.
    const underLoad: number[] = [];
    const idle: number[] = [];
    const ctxA = a.workspace.as(memberA);
    let timedOut = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const busy = !loadDone;
      const started = performance.now();
      const v = saveVersion(ctxA, SaveVersionInput.parse({ name: 'latency', template: { kind: 'text', text: `probe ${i + 1} {{x}}` } }));
      const deadline = started + 60_000;
      while (inB.get(v.id)!.n === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      if (inB.get(v.id)!.n === 0) {
        timedOut++;
        const [sa, sb] = [a.engine.status(), b.engine.status()];
        log(`sample ${i}: not in B's replica after 60 s (A: ${sa.state}, ${sa.pending} pending, ${sa.lastError ?? 'no error'}; B: ${sb.state}, ${sb.lastError ?? 'no error'})`);
        process.exitCode = 1;
        continue;
      }
      (busy ? underLoad : idle).push(performance.now() - started);
    }
    const loadMs = await load;
    // A pass may still be running (B draining the runs' backlog) and stop() does not end it: the
    // folders stay open until the process exits, or the pass would write to a closed database.
    a.engine.stop();
    b.engine.stop();

    const runsPerSecond = figures.applied / (loadMs / 1000);
    log('');
    log(`push: ${figures.applied} runs applied, ${figures.refused} refused, in ${seconds(loadMs)} s by ${light.length} desktops (${figures.pushes} pushes, ${figures.pulls} pulls, ${figures.retries} sent again after a network error): ${runsPerSecond.toFixed(0)} runs/s`);
    log(`      a day's 1,000,000 runs at this rate: ${seconds((1_000_000 / runsPerSecond) * 1000)} s, ${(86_400 / (1_000_000 / runsPerSecond)).toFixed(0)}x real time`);
    log(`pull: ${figures.pulledRuns} runs pulled back by the light desktops (each desktop's replica holds the runs of the prompts it may read)`);
    for (const [label, list] of [
      ['under load', underLoad],
      ['after the load', idle],
    ] as const) {
      if (list.length === 0) continue;
      const sorted = [...list].sort((x, y) => x - y);
      log(`sync latency ${label} (save on A -> in B's replica, n=${sorted.length}): p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);
    }
    if (timedOut > 0) log(`sync latency: ${timedOut} of ${SAMPLES} saves not in B's replica after 60 s`);
    clearInterval(rssTimer);
    log(`server RSS: now ${(rssKb(pid) / 1024).toFixed(0)} MiB, peak sampled ${(peakRss / 1024).toFixed(0)} MiB, high-water (VmHWM) ${(rssKb(pid, 'VmHWM') / 1024).toFixed(0)} MiB`);
    const dbBytes = statSync(join(serverDir, DB_FILE)).size + (() => {
      try {
        return statSync(join(serverDir, `${DB_FILE}-wal`)).size;
      } catch {
        return 0;
      }
    })();
    log(`server data folder: ${(dbBytes / 1024 / 1024).toFixed(0)} MiB (database + WAL)`);
    if (figures.refused > 0 || figures.applied !== RUNS) {
      process.exitCode = 1;
      log(`FAILED: ${RUNS - figures.applied} runs not applied`);
    }
  } finally {
    clearInterval(rssTimer);
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
    // Every run pushed is on the server once (the server closed cleanly first).
    const check = openWorkspace(serverDir);
    const logged = (check.store.db.prepare('SELECT count(*) AS n FROM run_logs').get() as { n: number }).n;
    check.close();
    log(`server log after shutdown: ${logged} runs`);
    if (logged !== RUNS) process.exitCode = 1;
    if (!values.keep) rmSync(root, { recursive: true, force: true });
  }
}

void main().then(() => process.exit());
