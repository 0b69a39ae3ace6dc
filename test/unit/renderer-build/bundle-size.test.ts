// The size guard of issue 15 (target 4): the built renderer's initial JavaScript stays under
// 500 KB. A size check, not a timing one; `npm test` builds before vitest runs it.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRendererBundle } from '../../helpers/renderer-bundle';

const BUILT = join(__dirname, '..', '..', '..', 'out', 'renderer');
const LIMIT = 500_000;

describe('built renderer (out/renderer)', () => {
  it('loads less than 500 KB of JavaScript before its first screen', () => {
    if (!existsSync(join(BUILT, 'index.html'))) throw new Error('out/renderer is not built: run "npm run build" first (npm test does)');
    const bundle = readRendererBundle(BUILT);
    const initial = bundle.js.filter((a) => a.initial).map((a) => `${a.file} ${a.raw} B`);
    expect(bundle.initialJs.raw, `initial JS:\n${initial.join('\n')}`).toBeLessThan(LIMIT);
  });

  it('keeps the editor (CodeMirror) and the other screens out of the initial JavaScript', () => {
    if (!existsSync(join(BUILT, 'index.html'))) throw new Error('out/renderer is not built: run "npm run build" first (npm test does)');
    const bundle = readRendererBundle(BUILT);
    const lazy = bundle.js.filter((a) => !a.initial).map((a) => a.file);
    for (const name of ['codemirror', 'EditorScreen', 'LogsScreen', 'SettingsScreen', 'ChatScreen']) {
      expect(lazy.some((file) => file.startsWith(`assets/${name}-`)), `${name} is a lazy chunk`).toBe(true);
    }
  });
});

describe('readRendererBundle: what counts as initial', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A renderer folder: index.html naming `html` files, and chunks with the given bodies. */
  function build(html: string, chunks: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'renderer-bundle-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head>${html}</head><body></body></html>`);
    for (const [name, body] of Object.entries(chunks)) writeFileSync(join(dir, 'assets', name), body);
    return dir;
  }

  const entry = '<script type="module" crossorigin src="./assets/index.js"></script>';

  // Each way a built chunk can load another, and whether the first screen waits for it.
  const cases: Array<[string, string, boolean]> = [
    ['named import', 'import{a as b}from"./dep.js";b();', true],
    ['import with spaces and single quotes', "import { a } from './dep.js';", true],
    ['side-effect import', 'import"./dep.js";', true],
    ['namespace import', 'import*as n from"./dep.js";', true],
    ['re-export', 'export{a}from"./dep.js";', true],
    ['import after a statement', 'let x=1;import{a}from"./dep.js";', true],
    ['dynamic import', 'const f=()=>import(`./dep.js`);', false],
    ['dynamic import, double quotes', 'const f=()=>import("./dep.js");', false],
    ['vite preload helper', 'Z(()=>import(`./dep.js`),__vite__mapDeps([0]),import.meta.url);', false],
    ['a string naming it', 'const s="./dep.js";', false],
  ];

  it.each(cases)('%s -> initial %s', (_name, code, initial) => {
    const bundle = readRendererBundle(build(entry, { 'index.js': code, 'dep.js': 'export const a=1;' }));
    expect(bundle.js.find((a) => a.file === 'assets/dep.js')?.initial).toBe(initial);
    expect(bundle.js.find((a) => a.file === 'assets/index.js')?.initial).toBe(true);
  });

  it('follows static imports through chunks, counts modulepreload links and sums raw and gzip bytes', () => {
    const bundle = readRendererBundle(
      build(`${entry}<link rel="modulepreload" crossorigin href="./assets/pre.js"><link rel="stylesheet" href="./assets/index.css">`, {
        'index.js': 'import"./a.js";const l=()=>import("./lazy.js");',
        'a.js': 'import"./b.js";',
        'b.js': 'x'.repeat(1000),
        'pre.js': 'y',
        'lazy.js': 'import"./only-lazy.js";',
        'only-lazy.js': 'z'.repeat(5000),
        'index.css': 'body{}',
      }),
    );
    const initial = bundle.js.filter((a) => a.initial).map((a) => a.file).sort();
    expect(initial).toEqual(['assets/a.js', 'assets/b.js', 'assets/index.js', 'assets/pre.js']);
    expect(bundle.initialJs.raw).toBe(bundle.js.filter((a) => a.initial).reduce((n, a) => n + a.raw, 0));
    expect(bundle.initialJs.files).toBe(4);
    expect(bundle.totalJs.files).toBe(6);
    expect(bundle.totalJs.raw).toBe(bundle.initialJs.raw + 'import"./only-lazy.js";'.length + 5000);
    expect(bundle.initialJs.gzip).toBeGreaterThan(0);
    expect(bundle.initialJs.gzip).toBeLessThan(bundle.initialJs.raw);
    expect(bundle.css).toEqual([expect.objectContaining({ file: 'assets/index.css', initial: true })]);
  });
});
