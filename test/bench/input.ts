/**
 * npm run bench:input — the worst inputs the API accepts, one request at a time through the real
 * server on loopback, with the server's event-loop delay (perf_hooks.monitorEventLoopDelay) during
 * each request: how long one request can stall every other client.
 *
 * Scenarios (issue 10, item 12): save a 200,000-character template with 25,000 distinct
 * variables (natively and through /compat; refused past 1,000 variables) and save, read and
 * render the worst one accepted (200,000 characters, 1,000 variables); render with a 1 MiB body
 * of 80,000 values and with 10,000 values (refused); save 200,000 characters of CJK, Thai and
 * emoji text (each becomes search tokens) and a chat template of 350,000 CJK characters; render (API and editor preview) a template that
 * uses one variable 40,000 times with a large value; compare two long, entirely different
 * versions.
 *
 * Runs unchanged against older checkouts too (it only uses the HTTP API and stable core calls).
 * Sizes: BENCH_REPEAT_VALUE (characters of the repeated value, default 200000: 8 billion
 * characters of output, which older code tries to build) and BENCH_COMPARE_LINES (lines in each
 * compared version, default 100000; Myers' diff in older code does not finish on that) and
 * BENCH_SCRIPT_CHARS (characters of the CJK, Thai and emoji templates, default 200000; older
 * code segments them for search in time growing with its square: over a minute per save).
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
const SCRIPT_CHARS = Number(process.env['BENCH_SCRIPT_CHARS'] ?? 200_000);

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

/** A raw text body (the Conductor-style compat door takes the template as text/plain). */
function sendRaw(port: number, key: string, method: string, path: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { 'x-authorization': key, 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) };
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
    req.end(body);
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
    rows.push(await measure('the same text through PUT /compat/conductor', async () =>
      String((await sendRaw(port, key, 'PUT', `/compat/conductor/api/prompts/${wideName}c?description=d`, wide)).status),
    ));

    // 1b. The most variables a template may use (1,000), each used ~28 times: 200,000 characters.
    const allowed = names.slice(0, 1_000);
    let full = '';
    for (let i = 0; full.length < 199_990; i++) full += `{{${allowed[i % allowed.length]}}}`;
    const fullName = await newPrompt();
    rows.push(await measure(`save: ${full.length.toLocaleString('en-US')} chars, ${allowed.length.toLocaleString('en-US')} variables`, async () => String((await call('POST', `/api/v1/prompts/${fullName}/versions`, saveBody(full))).status)));
    rows.push(await measure('read that version', async () => String((await call('GET', `/api/v1/prompts/${fullName}/versions/1`)).status)));
    const allowedValues = JSON.stringify({ variables: Object.fromEntries(allowed.map((n, i) => [n, String(i % 10)])) });
    rows.push(await measure('render it with every variable', async () => String((await call('POST', `/api/v1/prompts/${fullName}/render`, allowedValues)).status)));

    // 1c. Bodies of many values: a 1 MiB object of 80,000 tiny ones, and 10,000.
    const flood = (n: number) => JSON.stringify({ variables: Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, 1])) });
    const flood80k = flood(80_000);
    rows.push(await measure(`render with ${Math.round(flood80k.length / 1024)} KiB of 80,000 values`, async () => String((await call('POST', `/api/v1/prompts/${fullName}/render`, flood80k)).status)));
    const flood10k = flood(10_000);
    rows.push(await measure('render with 10,000 values', async () => String((await call('POST', `/api/v1/prompts/${fullName}/render`, flood10k)).status)));

    // 1d. Text that search splits into one token per character.
    for (const [label, unit] of [['CJK', '用户登录失败'], ['Thai', 'ภาษาไทย'], ['emoji', '🚀']] as const) {
      const text = unit.repeat(Math.floor(SCRIPT_CHARS / unit.length));
      const scriptName = await newPrompt();
      rows.push(await measure(`save: ${text.length.toLocaleString('en-US')} chars of ${label} text`, async () => String((await call('POST', `/api/v1/prompts/${scriptName}/versions`, saveBody(text))).status)));
    }
    // A chat template fills the 1 MiB body: 5 messages of 69,600 CJK characters (3 bytes each).
    const chatBody = JSON.stringify({ template: { kind: 'chat', messages: Array.from({ length: 5 }, () => ({ role: 'user', content: '用户登录失败'.repeat(11_600) })) } });
    const chatName = await newPrompt();
    rows.push(await measure(`save: chat of 5 x 69,600 CJK chars (${Math.round(Buffer.byteLength(chatBody) / 1024)} KiB)`, async () => String((await call('POST', `/api/v1/prompts/${chatName}/versions`, chatBody)).status)));

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
