/**
 * npm run bench:input — the worst inputs the API accepts, one request at a time through the real
 * server on loopback, with the server's event-loop delay (perf_hooks.monitorEventLoopDelay) during
 * each request: how long one request can stall every other client.
 *
 * Scenarios (issue 10, item 12): save, read and render a 200,000-character template with 25,000
 * distinct variables; render (API and editor preview) a template that uses one variable 40,000
 * times with a large value; compare two long, entirely different versions.
 *
 * Runs unchanged against older checkouts too (it only uses the HTTP API and stable core calls).
 * Sizes: BENCH_REPEAT_VALUE (characters of the repeated value, default 200000: 8 billion
 * characters of output, which older code tries to build) and BENCH_COMPARE_LINES (lines in each
 * compared version, default 100000; Myers' diff in older code does not finish on that).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startHost } from '../../src/main/host';
import { createKey } from '../../src/main/core/keys/keys-service';
import { previewRender } from '../../src/main/core/render/render-service';
import { PreviewRenderInput } from '../../src/shared/schemas/prompts';

const REPEAT_VALUE = Number(process.env['BENCH_REPEAT_VALUE'] ?? 200_000);
const COMPARE_LINES = Number(process.env['BENCH_COMPARE_LINES'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

interface Answer {
  status: number;
  bytes: number;
}

/** Sends a prebuilt body and only counts the answer's bytes: the client adds no work to the loop. */
function send(port: number, key: string, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${key}` };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

interface Row {
  scenario: string;
  status: string;
  ms: number;
  maxDelayMs: number;
}

/** Runs `work` ROUNDS times; reports the worst event-loop delay and the slowest wall time. */
async function measure(scenario: string, work: () => Promise<string>): Promise<Row> {
  let worstDelay = 0;
  let worstMs = 0;
  let status = '';
  for (let round = 0; round < ROUNDS; round++) {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = performance.now();
    status = await work();
    worstMs = Math.max(worstMs, performance.now() - started);
    // One more turn of the loop, so a stall at the very end is recorded too.
    await new Promise((r) => setTimeout(r, 5));
    delay.disable();
    worstDelay = Math.max(worstDelay, delay.max / 1e6);
  }
  return { scenario, status, ms: worstMs, maxDelayMs: worstDelay };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'promptdesk-bench-input-'));
  const host = await startHost({ dataDir: dir, mode: 'headless', port: 0 });
  const port = host.server!.port;
  const owner = host.workspace.as(host.workspace.owner.id);
  const key = createKey(owner, { userEmail: owner.actor.email, label: 'bench' }).key;
  const call = (method: string, path: string, body?: string) => send(port, key, method, path, body);
  const rows: Row[] = [];
  let prompts = 0;
  const newPrompt = async () => {
    const name = `p${++prompts}`;
    await call('POST', '/api/v1/prompts', JSON.stringify({ name, title: name }));
    return name;
  };
  const saveBody = (text: string) => JSON.stringify({ template: { kind: 'text', text } });

  try {
    // 1. Many distinct variables: `{{_0}}{{_1}}...`, 200,000 characters.
    const names = Array.from({ length: 25_000 }, (_, i) => `_${i.toString(36)}`);
    const wide = names.map((n) => `{{${n}}}`).join('');
    const wideBody = saveBody(wide);
    const wideValues = JSON.stringify({ variables: Object.fromEntries(names.map((n, i) => [n, String(i % 10)])) });
    const wideName = await newPrompt();
    rows.push(await measure(`save: ${wide.length.toLocaleString('en-US')} chars, ${names.length.toLocaleString('en-US')} variables`, async () => String((await call('POST', `/api/v1/prompts/${wideName}/versions`, wideBody)).status)));
    rows.push(await measure('read that version (GET .../versions/1)', async () => String((await call('GET', `/api/v1/prompts/${wideName}/versions/1`)).status)));
    rows.push(await measure('render it with every variable', async () => String((await call('POST', `/api/v1/prompts/${wideName}/render`, wideValues)).status)));

    // 2. One variable used 40,000 times, with a large value.
    const repeat = '{{x}}'.repeat(40_000);
    const repeatName = await newPrompt();
    await call('POST', `/api/v1/prompts/${repeatName}/versions`, saveBody(repeat));
    const repeatValues = JSON.stringify({ variables: { x: 'x'.repeat(REPEAT_VALUE) } });
    const output = (40_000 * REPEAT_VALUE).toLocaleString('en-US');
    rows.push(await measure(`render {{x}} x 40,000 with a ${REPEAT_VALUE.toLocaleString('en-US')}-char value (${output} chars)`, async () =>
      String((await call('POST', `/api/v1/prompts/${repeatName}/render`, repeatValues)).status),
    ));
    const previewInput = PreviewRenderInput.parse({ template: { kind: 'text', text: repeat }, variables: { x: 'x'.repeat(REPEAT_VALUE) } });
    rows.push(await measure('editor preview of the same (core call, as IPC/bridge make it)', async () => {
      await new Promise((r) => setImmediate(r));
      try {
        previewRender(previewInput);
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code ?? 'error';
      }
    }));

    // 3. Compare two long, entirely different versions.
    const compareName = await newPrompt();
    await call('POST', `/api/v1/prompts/${compareName}/versions`, saveBody('a\n'.repeat(COMPARE_LINES)));
    await call('POST', `/api/v1/prompts/${compareName}/versions`, saveBody('b\n'.repeat(COMPARE_LINES)));
    rows.push(await measure(`compare two ${COMPARE_LINES.toLocaleString('en-US')}-line versions, every line changed`, async () =>
      String((await call('GET', `/api/v1/prompts/${compareName}/compare?from=1&to=2`)).status),
    ));
    const words = (w: string) => `${w} `.repeat(Math.min(100_000, COMPARE_LINES));
    const wordsName = await newPrompt();
    await call('POST', `/api/v1/prompts/${wordsName}/versions`, saveBody(words('a')));
    await call('POST', `/api/v1/prompts/${wordsName}/versions`, saveBody(words('b')));
    rows.push(await measure('compare two one-line versions of 100,000 changed words', async () =>
      String((await call('GET', `/api/v1/prompts/${wordsName}/compare?from=1&to=2`)).status),
    ));
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`bench:input, worst of ${ROUNDS} rounds each (event-loop delay: the longest the server could not answer anyone else)`);
  console.table(rows.map((r) => ({ scenario: r.scenario, status: r.status, 'wall ms': Math.round(r.ms), 'max event-loop delay ms': Math.round(r.maxDelayMs) })));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
