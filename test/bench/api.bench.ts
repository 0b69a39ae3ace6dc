/**
 * npm run bench:api — POST /api/v1/prompts/{name}/render over loopback with keep-alive and 50
 * connections (autocannon in a separate process), against a library of 10,000 prompts, and a
 * bare node:http server answering a fixed JSON body for comparison. Also reports the server
 * process's event-loop delay while under load.
 * Targets (issue 5): >= 70% of bare node:http, p99 < 5 ms, 0 errors, event-loop lag p99 < 50 ms.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startHost } from '../../src/main/host';
import { createPrompt, setApiSettings } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { createKey } from '../../src/main/core/keys/keys-service';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';

const run = promisify(execFile);
const PROMPTS = Number(process.env['BENCH_PROMPTS'] ?? 10_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const RUNNER = join(__dirname, 'load-runner.cjs');

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

async function load(url: string, body: string, auth: string): Promise<{ result: LoadResult; lagP99: number; lagMax: number }> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const { stdout } = await run(process.execPath, [RUNNER, url, body, auth, String(SECONDS)], { maxBuffer: 1 << 20 });
  lag.disable();
  return { result: JSON.parse(stdout) as LoadResult, lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6 };
}

const line = (label: string, r: LoadResult) =>
  `${label}: ${Math.round(r.rps).toLocaleString('en')} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.total.toLocaleString('en')} requests, ${r.non2xx} non-2xx, ${r.errors} errors)`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptdesk-bench-api-'));
  try {
    const host = await startHost({
      dataDir,
      mode: 'headless',
      port: 0,
      limits: { perKeyPerSecond: 1e9, perKeyBurst: 1e9, failedAuthPerMinute: 60 },
    });
    const ctx = host.workspace.as(host.workspace.owner.id);
    host.workspace.store.db.transaction(() => {
      for (let i = 0; i < PROMPTS; i++) {
        const name = `prompt-${i}`;
        createPrompt(ctx, CreatePromptInput.parse({ name, title: `Prompt ${i}` }));
        setApiSettings(ctx, { name, apiAccess: true });
        saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'chat', messages: [{ role: 'system', content: `You are assistant ${i}.` }, { role: 'user', content: 'Answer {{question}} for {{customer}} in a {{tone}} tone.' }] } }));
      }
    })();
    const key = createKey(ctx, { userEmail: ctx.actor.email, label: 'bench' }).key;
    const target = `${host.server!.url}/api/v1/prompts/prompt-${Math.floor(PROMPTS / 2)}/render`;
    const body = JSON.stringify({ variables: { question: 'how to reset a password', customer: 'Ada', tone: 'friendly' } });

    await load(target, body, `Bearer ${key}`); // warm up
    const render = await load(target, body, `Bearer ${key}`);
    await host.close();

    if (process.env['BENCH_SKIP_BARE']) return;
    const fixed = JSON.stringify({ prompt: 'x', version: 1, messages: [{ role: 'user', content: 'Answer how to reset a password for Ada in a friendly tone.' }] });
    const bare = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fixed) });
        res.end(fixed);
      });
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
    await load(bareUrl, body, '');
    const baseline = await load(bareUrl, body, '');
    bare.close();

    console.log(`library: ${PROMPTS.toLocaleString('en')} prompts; 50 connections, keep-alive, ${SECONDS} s per run, autocannon in a separate process`);
    console.log(line('render API ', render.result));
    console.log(line('bare node:http', baseline.result));
    console.log(`render / bare: ${((render.result.rps / baseline.result.rps) * 100).toFixed(1)}%   target >= 70%`);
    console.log(`render p99: ${render.result.p99} ms   target < 5 ms`);
    console.log(`server event-loop delay under load: p99 ${render.lagP99.toFixed(1)} ms  max ${render.lagMax.toFixed(1)} ms   target p99 < 50 ms`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
