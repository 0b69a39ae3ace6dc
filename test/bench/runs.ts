/**
 * npm run bench:runs — POST /api/v1/prompts/{name}/run against the fake provider's `echo` model,
 * 50 connections with keep-alive, with the prompt logging in full and logging nothing. The
 * Promptdesk host runs in this process; autocannon (load-runner.cjs) and the fake provider
 * (BENCH_PROVIDER=inline puts it here instead) run in processes of their own, so the server's
 * event loop and its figures are its own. Phases alternate full, none, full, none, so drift over
 * the run weighs on both levels alike; each makes a fixed number of requests (about
 * BENCH_SECONDS per level, from a warm-up), so every request is answered before the phase ends
 * and the logged rows can be counted exactly.
 * Targets: logging in full costs < 20% of the throughput of logging nothing; no run answered
 * 2xx is missing from the logs. The figures are a report: the script exits 0 even when a target
 * is missed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startHost } from '../../src/main/host';
import { DB_FILE } from '../../src/main/core/workspace';
import { createPrompt, setApiSettings, setDataLogging } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { createKey } from '../../src/main/core/keys/keys-service';
import { saveIntegration } from '../../src/main/core/integrations/integrations';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import { SaveIntegrationInput } from '../../src/shared/schemas/integrations';
import type { DataLoggingLevel } from '../../src/shared/schemas/runs';

const run = promisify(execFile);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARM_SECONDS = 3;
// The AI SDK warns on stderr on every run of a template with a system message (run-service does
// not pass allowSystemInMessages); counted here and printed once, not thousands of times.
let sdkWarnings = 0;
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('AI SDK Warning: System messages')) sdkWarnings++;
  else warn(...args);
};
/** `process` (default): the fake provider in its own process; `inline`: in this one, beside the server. */
const PROVIDER = process.env['BENCH_PROVIDER'] === 'inline' ? 'inline' : 'process';
const RUNNER = join(__dirname, 'load-runner.cjs');
const PROMPT = 'support-answer';
const TARGET_COST = 0.2;

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  ok: number;
  seconds: number;
}

async function load(url: string, body: string, auth: string, amount?: number) {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const args = [RUNNER, url, body, auth, String(WARM_SECONDS), ...(amount ? [String(amount)] : [])];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  lag.disable();
  const result = JSON.parse(stdout) as LoadResult;
  // autocannon's average is over whole seconds; a fixed amount ends mid-second, so divide instead.
  return { result: { ...result, rps: result.total / result.seconds }, lagP99: lag.percentile(99) / 1e6 };
}

async function fakeProvider(): Promise<{ url: string; close(): Promise<void> }> {
  if (PROVIDER === 'inline') {
    const provider: FakeProvider = await startFakeProvider({ models: ['echo'] });
    return provider;
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fake-provider-process.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /^(http:\S+)\n/.exec(out);
      if (line) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`fake provider exited ${code}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptdesk-bench-runs-'));
  const provider = await fakeProvider();
  try {
    const host = await startHost({
      dataDir,
      mode: 'headless',
      port: 0,
      limits: { perKeyPerSecond: 1e9, perKeyBurst: 1e9, failedAuthPerMinute: 60 },
    });
    const ctx = host.workspace.as(host.workspace.owner.id);
    saveIntegration(ctx, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
    createPrompt(ctx, CreatePromptInput.parse({ name: PROMPT, title: 'Support answer' }));
    setApiSettings(ctx, { name: PROMPT, apiAccess: true });
    saveVersion(ctx, SaveVersionInput.parse({
      name: PROMPT,
      template: { kind: 'chat', messages: [{ role: 'system', content: 'You answer support questions briefly.' }, { role: 'user', content: 'Answer {{question}} for {{customer}} in a {{tone}} tone.' }] },
    }));
    // One key per phase: the key label is logged with each run, which splits the rows by phase.
    const keys = Object.fromEntries(
      (['warm', 'full', 'none'] as const).map((phase) => [phase, createKey(ctx, { userEmail: ctx.actor.email, label: `bench-${phase}`, scopes: ['run'] }).key]),
    ) as Record<'warm' | 'full' | 'none', string>;
    const target = `${host.server!.url}/api/v1/prompts/${PROMPT}/run`;
    const body = JSON.stringify({ variables: { question: 'how to reset a password', customer: 'Ada', tone: 'friendly' }, model: 'local:echo' });

    setDataLogging(ctx, PROMPT, 'full');
    await load(target, body, `Bearer ${keys.warm}`); // JIT warm-up
    const warm = await load(target, body, `Bearer ${keys.warm}`); // sets the phase size
    // Two rounds of full then none, each half of ~SECONDS: drift over the run (heap growth, a
    // neighbour's load on the 2 cores) then weighs on both levels alike.
    const amount = Math.max(500, Math.round((warm.result.rps * SECONDS) / 2));
    const phases: { level: 'full' | 'none'; result: LoadResult; lagP99: number }[] = [];
    for (const level of ['full', 'none', 'full', 'none'] as const) {
      setDataLogging(ctx, PROMPT, level);
      phases.push({ level, ...(await load(target, body, `Bearer ${keys[level]}`, amount)) });
    }
    await host.close();

    // Counted from the file once the server has stopped (and drained its log writer).
    const db = new Database(join(dataDir, DB_FILE), { readonly: true });
    const counts = db
      .prepare(`SELECT key_label AS label, data_logging AS level, count(*) AS rows, sum(status = 'success') AS ok FROM run_logs GROUP BY key_label, data_logging`)
      .all() as { label: string; level: DataLoggingLevel; rows: number; ok: number }[];
    const fts = (db.prepare('SELECT count(*) AS n FROM run_logs_fts').get() as { n: number }).n;
    db.close();
    const rowsOf = (label: string) => counts.filter((c) => c.label === label).reduce((a, c) => ({ rows: a.rows + c.rows, ok: a.ok + c.ok }), { rows: 0, ok: 0 });

    const line = (label: string, r: LoadResult, lagP99: number) =>
      `${label}: ${Math.round(r.rps).toLocaleString('en')} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.total.toLocaleString('en')} requests in ${r.seconds.toFixed(2)} s, ${r.ok.toLocaleString('en')} 2xx, ${r.non2xx} non-2xx, ${r.errors} errors; server event-loop p99 ${lagP99.toFixed(1)} ms)`;
    console.log(
      `POST /api/v1/prompts/${PROMPT}/run, model local:echo (fake provider in ${PROVIDER === 'inline' ? 'the server process' : 'its own process'}); 50 connections, keep-alive; autocannon in a separate process; ${amount.toLocaleString('en')} requests per phase, phases full/none/full/none (~${SECONDS} s per level at the warm-up rate)`,
    );
    console.log(line(`warm-up (2 x ${WARM_SECONDS} s, full)`, warm.result, warm.lagP99));
    phases.forEach((p, i) => console.log(line(`  phase ${i + 1}, logging ${p.level}`, p.result, p.lagP99)));
    const total = (level: 'full' | 'none') => {
      const list = phases.filter((p) => p.level === level).map((p) => p.result);
      const sum = (f: (r: LoadResult) => number) => list.reduce((n, r) => n + f(r), 0);
      return {
        rps: sum((r) => r.total) / sum((r) => r.seconds),
        p50: Math.max(...list.map((r) => r.p50)),
        p99: Math.max(...list.map((r) => r.p99)),
        non2xx: sum((r) => r.non2xx),
        errors: sum((r) => r.errors),
        total: sum((r) => r.total),
        ok: sum((r) => r.ok),
        seconds: sum((r) => r.seconds),
      };
    };
    const full = total('full');
    const none = total('none');
    const lag = (level: string) => Math.max(...phases.filter((p) => p.level === level).map((p) => p.lagP99));
    console.log(line('data logging full (both rounds; worst p50/p99)', full, lag('full')));
    console.log(line('data logging none (both rounds; worst p50/p99)', none, lag('none')));

    const cost = (none.rps - full.rps) / none.rps;
    console.log('');
    console.log(`${cost < TARGET_COST ? 'PASS' : 'FAIL'}  throughput cost of logging in full: (none - full) / none = ${(cost * 100).toFixed(1)}%   target < ${TARGET_COST * 100}%`);
    let lossless = true;
    const checks: string[] = [];
    for (const [phase, result] of [['full', full], ['none', none]] as const) {
      const logged = rowsOf(`bench-${phase}`);
      const levels = counts.filter((c) => c.label === `bench-${phase}`).map((c) => c.level);
      const ok = logged.ok === result.ok && logged.rows === result.total && levels.every((l) => l === phase);
      lossless &&= ok;
      checks.push(`${phase}: ${logged.rows.toLocaleString('en')} rows (${logged.ok.toLocaleString('en')} success, logged '${levels.join(',')}') for ${result.total.toLocaleString('en')} answers (${result.ok.toLocaleString('en')} 2xx)`);
    }
    const warmRows = rowsOf('bench-warm');
    console.log(`${lossless ? 'PASS' : 'FAIL'}  0 lost rows: ${checks.join('; ')}`);
    console.log(`      (warm-ups: ${warmRows.rows.toLocaleString('en')} rows; timed runs drop the requests in flight at the end, so they are not compared; text index holds ${fts.toLocaleString('en')} rows)`);
    if (sdkWarnings > 0) console.log(`note: the AI SDK printed its "System messages in the prompt" warning ${sdkWarnings.toLocaleString('en')} times (once per run); suppressed here`);
  } finally {
    await provider.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
