// What the built renderer makes a browser download before its first screen, measured from the
// files in out/renderer: shared by `npm run bench:ui` and the bundle-size guard test.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One built asset: sizes in bytes, gzip at zlib's default level (what a server would send compressed). */
export interface RendererAsset {
  /** Path relative to the renderer folder, e.g. `assets/index-AbC123.js`. */
  file: string;
  raw: number;
  gzip: number;
  /** Loaded before the first screen: the entry script, its modulepreloads and their static imports; index.html's stylesheets. */
  initial: boolean;
}

export interface RendererBundle {
  /** Every .js and .css file under assets/, largest first. */
  js: RendererAsset[];
  css: RendererAsset[];
  /** Sums over the initial JavaScript (entry + everything it loads without a dynamic import). */
  initialJs: { raw: number; gzip: number; files: number };
  totalJs: { raw: number; gzip: number; files: number };
}

/** `src`/`href` of the entry `<script type="module">` and of every `<link rel="modulepreload">` or stylesheet. */
function htmlScripts(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isEntry = /^<script\b/.test(tag) && /type="module"/.test(tag);
    const isPreload = /^<link\b/.test(tag) && /rel="(modulepreload|stylesheet)"/.test(tag);
    const url = /(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if ((isEntry || isPreload) && url) found.push(url.replace(/^\.?\//, ''));
  }
  return found;
}

/**
 * Static imports of a built chunk (`import … from "./x.js"`, `import "./x.js"`, `export … from`),
 * never a dynamic `import("./x.js")`: those are what the split defers.
 */
function staticImports(code: string): string[] {
  const found: string[] = [];
  const re = /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]*?\bfrom\s*)?["'](\.\.?\/[^"']+\.js)["']/g;
  for (let m = re.exec(code); m; m = re.exec(code)) found.push(m[1]!);
  return found;
}

/**
 * Reads out/renderer (or `rendererDir`): sizes of every JS/CSS asset and which JS is initial, i.e.
 * reachable from index.html's module script and modulepreload links through static imports.
 * Throws when the folder has no index.html (not built).
 * @example readRendererBundle('out/renderer').initialJs.raw // bytes the first screen needs
 */
export function readRendererBundle(rendererDir: string): RendererBundle {
  const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
  const initial = new Set<string>();
  const queue = htmlScripts(html);
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (initial.has(file)) continue;
    initial.add(file);
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    if (!file.endsWith('.js')) continue;
    for (const spec of staticImports(readFileSync(join(rendererDir, file), 'utf8'))) {
      queue.push(join(dir, spec).replace(/\\/g, '/'));
    }
  }
  const assets = (ext: string): RendererAsset[] =>
    readdirSync(join(rendererDir, 'assets'))
      .filter((name) => name.endsWith(ext))
      .map((name) => {
        const file = `assets/${name}`;
        const body = readFileSync(join(rendererDir, file));
        return { file, raw: body.length, gzip: gzipSync(body).length, initial: initial.has(file) };
      })
      .sort((a, b) => b.raw - a.raw);
  const js = assets('.js');
  const sum = (list: RendererAsset[]) => ({
    raw: list.reduce((n, a) => n + a.raw, 0),
    gzip: list.reduce((n, a) => n + a.gzip, 0),
    files: list.length,
  });
  return { js, css: assets('.css'), initialJs: sum(js.filter((a) => a.initial)), totalJs: sum(js) };
}

/** Bytes as KB (1 KB = 1,000 bytes, as the 500 KB target counts), one decimal. */
export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;
