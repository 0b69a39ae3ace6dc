/**
 * npm run bench:ui — how fast the UI loads (issue 15, target 4): initial renderer JavaScript
 * < 500 KB, first screen interactive < 1 s.
 *
 * Builds the app first when out/ is missing or older than a file under src/ (the seed runs src/,
 * the server out/: both must know the same migrations)
 * (set PROMPTDESK_BENCH_OUT=DIR to measure another whole build; it is never rebuilt). Side by side
 * in one run: BENCH_UI_COMPARE_RENDERER=DIR (another build's renderer folder, e.g. from
 * `npx electron-vite build --outDir node_modules/.cache/pd-before` on an older commit) is served by
 * this build's server from a second folder with the same seed, and the loads alternate. Then:
 * - prints every JS/CSS asset (raw and gzip bytes, 1 KB = 1,000 bytes) and the sums: initial JS
 *   (index.html's module script + modulepreloads + their static imports) and total JS;
 * - seeds 200 prompts x 3 versions in a temp folder, starts `promptdesk serve` on it, and loads the
 *   UI cold BENCH_UI_LOADS times (default 7, at least 5), each in a new browser context (empty cache,
 *   no storage) of one Debian Chromium (test/e2e/browser.ts, flags as playwright.config.ts);
 * - first screen interactive = from navigation start (performance.timeOrigin) to the first moment
 *   the Library's first row link and its search box are both in the DOM with a non-empty box, the
 *   box enabled and editable, plus the next macrotask (setTimeout 0), i.e. the main thread is free
 *   to handle a click or a key on them. "rendered" is the same moment without that last task.
 * - after the last load, library row -> editor: a click on the first row until CodeMirror's content
 *   is on screen (the editor's chunk, prefetched after the first paint, must not be awaited then).
 * Prints figures only; a quiet machine gives the figures the lead re-runs. A warm-up load (the
 * browser process's first page) is printed apart and left out of p50/max.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { openWorkspace } from '../../src/main/core/workspace';
import { createPrompt } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import { findChromium, systemBrowserProbe } from '../e2e/browser';
import { kb, readRendererBundle } from '../helpers/renderer-bundle';
import { rng, summarize } from './stats';

const ROOT = join(__dirname, '..', '..');
const PROMPTS = 200;
const LOADS = Math.max(5, Number(process.env['BENCH_UI_LOADS'] ?? 7));
const OUT = resolve(ROOT, process.env['PROMPTDESK_BENCH_OUT'] ?? 'out');
/** Same flags as playwright.config.ts. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded(): void {
  if (process.env['PROMPTDESK_BENCH_OUT']) return;
  const built = join(OUT, 'renderer', 'index.html');
  const stale =
    !existsSync(built) ||
    !existsSync(join(OUT, 'main', 'cli.js')) ||
    Math.max(newestMtime(join(ROOT, 'src')), statSync(join(ROOT, 'electron.vite.config.ts')).mtimeMs) > Math.min(statSync(built).mtimeMs, statSync(join(OUT, 'main', 'cli.js')).mtimeMs);
  if (!stale) return;
  console.log('building (out/ is missing or older than src/)…');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'ignore' });
}

function printSizes(rendererDir: string): void {
  const bundle = readRendererBundle(rendererDir);
  console.log(`renderer assets (${rendererDir}), raw / gzip; * = initial (loaded before the first screen):`);
  for (const a of [...bundle.js, ...bundle.css]) console.log(`  ${a.initial ? '*' : ' '} ${a.file.padEnd(44)} ${kb(a.raw).padStart(10)}  ${kb(a.gzip).padStart(10)}`);
  const { initialJs: i, totalJs: t } = bundle;
  console.log(`initial JS: ${kb(i.raw)} raw, ${kb(i.gzip)} gzip in ${i.files} file(s)   target < 500 KB raw`);
  console.log(`total JS:   ${kb(t.raw)} raw, ${kb(t.gzip)} gzip in ${t.files} file(s)`);
}

function seed(dataDir: string): void {
  const random = rng(15);
  const words = 'customer support refund invoice summary translate tone friendly formal email product launch release notes triage classify extract json policy review onboarding'.split(' ');
  const pick = () => words[Math.floor(random() * words.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, pick).join(' ');
  const workspace = openWorkspace(dataDir);
  const ctx = workspace.as(workspace.owner.id);
  workspace.store.db.transaction(() => {
    for (let i = 0; i < PROMPTS; i++) {
      const name = `prompt-${i}`;
      createPrompt(ctx, CreatePromptInput.parse({ name, title: `${pick()} ${pick()} ${i}`, description: sentence(14), tags: [pick(), pick()] }));
      for (let v = 0; v < 3; v++) {
        saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text: `${sentence(80)} {{input}} ${sentence(30)} v${v}` }, commitMessage: `v${v}` }));
      }
    }
  })();
  workspace.close();
}

interface Serve {
  openUrl: string;
  child: ChildProcess;
}

function serve(dataDir: string, outDir: string): Promise<Serve> {
  // `node -e` so another build's cli.js can serve (bin/promptdesk.js loads out/'s).
  const code = `require(${JSON.stringify(join(outDir, 'main', 'cli.js'))}).main(process.argv.slice(1))`;
  const child = spawn(process.execPath, ['-e', code, 'serve', '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/#session=\S+)/.exec(output);
      if (match) resolve({ openUrl: match[1]!, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

/**
 * Runs in the page before its own scripts: records when the first screen is interactive (see the
 * file's docstring), in ms since navigation start. A string, not a function: tsx would add helpers
 * (`__name`) to a function's source that the page does not have.
 */
const WATCH_FIRST_SCREEN = `(() => {
  const ready = () => {
    const row = document.querySelector('.prompt-table tbody tr a.prompt-table__title');
    const box = document.querySelector('[role="search"] input[type="search"]');
    if (!row || !box || box.disabled || box.readOnly) return false;
    return row.getClientRects().length > 0 && box.getClientRects().length > 0;
  };
  const observer = new MutationObserver(() => {
    if (!ready()) return;
    observer.disconnect();
    const rendered = performance.now();
    setTimeout(() => { window.__firstScreen = { rendered, interactive: performance.now() }; }, 0);
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/** In the page, once interactive: the times, and the JavaScript fetched by then. */
const READ_LOAD = `(() => {
  const first = window.__firstScreen;
  const nav = performance.getEntriesByType('navigation')[0];
  const js = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.js') && r.responseEnd <= first.interactive);
  return { ...first, domContentLoaded: nav.domContentLoadedEventEnd, jsFiles: js.length, jsBytes: js.reduce((n, r) => n + r.encodedBodySize, 0) };
})()`;

/** In the page: clicks the Library's first row, resolves with ms until CodeMirror's content shows. */
const OPEN_EDITOR = `new Promise((resolve) => {
  const start = performance.now();
  const observer = new MutationObserver(() => {
    const content = document.querySelector('.cm-content');
    if (!content || content.getClientRects().length === 0) return;
    observer.disconnect();
    resolve(performance.now() - start);
  });
  observer.observe(document, { childList: true, subtree: true });
  document.querySelector('.prompt-table tbody tr a.prompt-table__title').click();
})`;

interface Load {
  rendered: number;
  interactive: number;
  domContentLoaded: number;
  /** JavaScript files and bytes fetched before the first screen was interactive. */
  jsFiles: number;
  jsBytes: number;
}

async function coldLoad(browser: Browser, openUrl: string, openEditor: boolean): Promise<{ load: Load; editor?: number }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: WATCH_FIRST_SCREEN });
    await page.goto(openUrl);
    // A function, not a string: the page's CSP (no 'unsafe-eval') refuses a string predicate.
    await page
      .waitForFunction(() => (globalThis as { __firstScreen?: unknown }).__firstScreen !== undefined, null, { timeout: 30_000 })
      .catch(async (error: unknown) => {
        const shown = (await page.locator('body').innerText()).slice(0, 300);
        throw new Error(`${openUrl}: the Library never became interactive; the page shows: ${shown}`, { cause: error });
      });
    const load = (await page.evaluate(READ_LOAD)) as Load;
    if (!openEditor) return { load };
    // As a user reading the list would, let the after-first-paint prefetch finish (it marks the
    // page when done; a build from before the split has none, hence the bounded wait).
    await page.locator('html[data-screens-prefetched="true"]').waitFor({ state: 'attached', timeout: 5_000 }).catch(() => undefined);
    const editor = (await page.evaluate(OPEN_EDITOR)) as number;
    return { load, editor };
  } finally {
    await context.close();
  }
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

/**
 * A build that serves `rendererDir` from this build's server (out/main): an old commit's server
 * cannot open a folder seeded by today's migrations, and the comparison is about the renderer.
 */
function hybridBuild(rendererDir: string): string {
  // Inside the checkout, so the copied main/ resolves its packages from node_modules.
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'bench-ui-build-'));
  for (const part of ['main', 'preload']) cpSync(join(OUT, part), join(dir, part), { recursive: true });
  cpSync(rendererDir, join(dir, 'renderer'), { recursive: true });
  return dir;
}

function printLoads(label: string, loads: Load[], editor: number | undefined): void {
  const interactive = summarize(loads.map((l) => l.interactive));
  const rendered = summarize(loads.map((l) => l.rendered));
  const dcl = summarize(loads.map((l) => l.domContentLoaded));
  const last = loads.at(-1)!;
  console.log(`${label}:`);
  console.log(`  interactive: p50 ${ms(interactive.p50)}  max ${ms(interactive.max)}   target < 1 s   (${loads.map((l) => ms(l.interactive)).join(', ')})`);
  console.log(`  rendered:    p50 ${ms(rendered.p50)}  max ${ms(rendered.max)}`);
  console.log(`  DOMContentLoaded: p50 ${ms(dcl.p50)}`);
  console.log(`  JS fetched before interactive: ${last.jsFiles} file(s), ${kb(last.jsBytes)}`);
  if (editor !== undefined) console.log(`  library row -> editor on screen (after idle prefetch): ${ms(editor)}`);
}

interface Side {
  label: string;
  outDir: string;
  dataDir: string;
  server?: Serve;
  loads: Load[];
  editor?: number;
}

async function main(): Promise<void> {
  buildIfNeeded();
  const compare = process.env['BENCH_UI_COMPARE_RENDERER'];
  const sides: Side[] = [{ label: `this build (${join(OUT, 'renderer')})`, outDir: OUT, dataDir: '', loads: [] }];
  const temps: string[] = [];
  if (compare) {
    const outDir = hybridBuild(resolve(ROOT, compare));
    temps.push(outDir);
    sides.push({ label: `compared renderer (${resolve(ROOT, compare)})`, outDir, dataDir: '', loads: [] });
  }
  for (const side of sides) printSizes(join(side.outDir, 'renderer'));
  const found = findChromium(systemBrowserProbe());
  if (!found.found) throw new Error(found.message);
  let browser: Browser | undefined;
  try {
    for (const side of sides) {
      // Each side its own folder with the same seed (one server per folder).
      side.dataDir = mkdtempSync(join(tmpdir(), 'promptdesk-bench-ui-'));
      temps.push(side.dataDir);
      seed(side.dataDir);
      side.server = await serve(side.dataDir, side.outDir);
    }
    browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
    for (const side of sides) {
      const warm = await coldLoad(browser, side.server!.openUrl, false);
      console.log(`warm-up load (left out), ${side.label}: interactive ${ms(warm.load.interactive)}`);
    }
    // Interleaved, so a burst of load from other work on the machine hits both sides alike.
    for (let i = 0; i < LOADS; i++) {
      for (const side of sides) {
        const result = await coldLoad(browser, side.server!.openUrl, i === LOADS - 1);
        side.loads.push(result.load);
        side.editor = result.editor ?? side.editor;
      }
    }
    console.log(`first screen (${PROMPTS} prompts, Library), ${LOADS} cold loads per side, each in a new browser context of ${found.path}:`);
    for (const side of sides) printLoads(side.label, side.loads, side.editor);
  } finally {
    await browser?.close();
    for (const side of sides) {
      const child = side.server?.child;
      if (child && child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
    }
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
