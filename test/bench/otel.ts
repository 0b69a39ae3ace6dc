/**
 * npm run bench:otel — what exporting runs as OpenTelemetry spans costs a run, side by side in one
 * process: RUNS logged runs (full data logging, a 2 KB output each) go through the log writer
 * (runtime.logs.append, the path every run's answer waits on) with export off, to a collector that
 * answers (the suite's OTLP/HTTP receiver, protobuf, in a process of its own), and to a dead one
 * (connection refused). Each
 * phase appends in bursts of BURST (group commit) and prints µs per run, the slowest burst, the
 * exporter's counters and heap growth; the dead phase shows the queue bound (dropped, queued).
 * Phases alternate off, up, dead twice so drift weighs on all alike. Figures only; exits 0.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tempDir } from '../helpers/workspace';
import { startOtlpReceiver } from '../helpers/otlp-receiver';
import { openWorkspace } from '../../src/main/core/workspace';
import { saveTelemetry, telemetryStatus } from '../../src/main/core/telemetry/telemetry-service';
import { SaveTelemetryInput } from '../../src/shared/schemas/telemetry';
import type { LogRecord } from '../../src/main/store/repos/logs-repo';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20_000);
const BURST = 50;
const OUTPUT = 'lorem ipsum '.repeat(170);

type Mode = 'off' | 'up' | 'dead';

async function phase(mode: Mode, collectorUrl: string, deadUrl: string) {
  const dir = tempDir('promptdesk-bench-otel-');
  const workspace = openWorkspace(dir.dir, { telemetry: { env: {} } });
  const owner = workspace.as(workspace.owner.id);
  if (mode !== 'off') saveTelemetry(owner, SaveTelemetryInput.parse({ enabled: true, endpoint: mode === 'up' ? collectorUrl : deadUrl }));
  const record = (): LogRecord => ({
    id: randomUUID(), promptId: null, promptName: 'bench', version: 1, source: 'api', userId: owner.actor.id, keyLabel: 'bench', model: 'local:echo',
    status: 'success', startedAt: Date.now(), latencyMs: 120, ttftMs: 30, tokensIn: 40, tokensOut: 400, dataLogging: 'full',
    variableNames: '["who"]', variables: '{"who":"Ada"}', messages: '[{"role":"user","content":"Say hello to Ada"}]', output: OUTPUT,
    outputChars: OUTPUT.length, error: null, conversationId: null,
  });
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let slowest = 0;
  const t0 = performance.now();
  for (let done = 0; done < RUNS; done += BURST) {
    const b0 = performance.now();
    await Promise.all(Array.from({ length: BURST }, () => workspace.runtime.logs.append(record(), { modelId: 'echo', temperature: 0.2 })));
    slowest = Math.max(slowest, performance.now() - b0);
  }
  const elapsed = performance.now() - t0;
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const status = telemetryStatus(owner);
  workspace.close();
  dir.cleanup();
  return { mode, usPerRun: (elapsed * 1000) / RUNS, slowestBurstMs: slowest, heapMb: (heapAfter - heapBefore) / 1e6, ...status.counters };
}

/** The receiver process: its URL, and how many spans it has taken so far. */
async function receiverProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'otlp-receiver-process.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waiters: ((n: number) => void)[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const first = /^(http:\S+)\n/.exec(out);
      if (first) resolve(first[1]!);
      for (let m = /spans (\d+)\n/.exec(out); m; m = /spans (\d+)\n/.exec(out)) {
        out = out.slice(m.index + m[0].length);
        waiters.shift()?.(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`receiver exited ${code}`)));
  });
  out = out.slice(out.indexOf('\n') + 1);
  return {
    url,
    count: () => new Promise<number>((resolve) => (waiters.push(resolve), child.stdin!.write('count\n'))),
    stop: () => child.kill('SIGTERM'),
  };
}

async function main() {
  const receiver = await receiverProcess();
  const dead = await startOtlpReceiver();
  const deadUrl = dead.url;
  await dead.close();
  console.log(`bench:otel: ${RUNS} logged runs per phase, bursts of ${BURST}; collector ${receiver.url} (protobuf); dead collector ${deadUrl} (refused)`);
  const rows: Awaited<ReturnType<typeof phase>>[] = [];
  for (const mode of ['off', 'up', 'dead', 'off', 'up', 'dead'] as Mode[]) rows.push(await phase(mode, receiver.url, deadUrl));
  const fmt = (n: number, d = 1) => n.toFixed(d).padStart(9);
  console.log('mode   µs/run  slowest burst ms  heap Δ MB   exported   dropped    failed    queued');
  for (const r of rows) {
    console.log(`${r.mode.padEnd(5)}${fmt(r.usPerRun)}${fmt(r.slowestBurstMs)}        ${fmt(r.heapMb)}  ${String(r.exported).padStart(9)} ${String(r.dropped).padStart(9)} ${String(r.failed).padStart(9)} ${String(r.queued).padStart(9)}`);
  }
  const mean = (mode: Mode) => rows.filter((r) => r.mode === mode).reduce((sum, r) => sum + r.usPerRun, 0) / 2;
  console.log(`mean µs/run: off ${mean('off').toFixed(1)}, collector up ${mean('up').toFixed(1)} (+${(mean('up') - mean('off')).toFixed(1)}), dead ${mean('dead').toFixed(1)} (+${(mean('dead') - mean('off')).toFixed(1)})`);
  console.log(`spans the collector received: ${await receiver.count()}`);
  receiver.stop();
}

void main().then(() => process.exit(0));
