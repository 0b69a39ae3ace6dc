// Summarises a V8 .cpuprofile (bench:api's BENCH_CPU_PROFILE): top self-time functions and self
// time per layer of the request path, as % of the sampled time (idle excluded and printed apart).
// Usage: node test/bench/profile-summary.cjs FILE [TOP]
const { readFileSync } = require('node:fs');
const [file, top = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
const LAYERS = [
  ['idle', (f) => f === '(idle)'],
  ['GC', (f) => f === '(garbage collector)'],
  ['Hono routing/context', (f, u) => /node_modules\/hono\//.test(u)],
  ['node-server adapter (Request/Response)', (f, u) => /@hono\/node-server/.test(u)],
  ['zod validation', (f, u) => /node_modules\/zod\//.test(u)],
  ['SQLite (better-sqlite3)', (f, u) => /better-sqlite3/.test(u) || /^(get|all|run|prepare)$/.test(f) && u === ''],
  ['key lookup/hash/auth', (f, u) => /api\/auth\.ts|core\/keys\/|auth-throttle|rate-limit/.test(u)],
  ['guards (Host/Origin, path, body rules)', (f, u) => /loopback-guard|request-path|api\/body\.ts|json-values|unknown-fields|reserved-keys|known-paths|api\/app\.ts/.test(u)],
  ['access rules + versions', (f, u) => /core\/sharing|core\/versions|core\/prompts|store\/repos|core\/users/.test(u)],
  ['render (template)', (f, u) => /shared\/template|core\/render/.test(u)],
  ['ETag + response', (f, u) => /api\/etag|api\/route\.ts|problem\.ts/.test(u)],
  ['tsx loader / other app code', (f, u) => /\/work\/main\/(src|test)/.test(u) || /tsx/.test(u)],
  ['Node HTTP (parser, sockets, streams)', (f, u) => /node:_http|node:net|node:internal\/streams|node:events|node:internal\/http|_http_|node:stream|node:internal\/timers|node:internal\/process/.test(u) || /^(HTTPParser|parserOnHeadersComplete|parserOnBody|parserOnMessageComplete|writev|writeUtf8String|writeBuffer|onStreamRead|execute|end|write)$/.test(f)],
  ['URL', (f, u) => /node:internal\/url/.test(u) || f === 'URL' || f === 'parse' && u === ''],
  ['crypto (SHA-256)', (f, u) => /node:internal\/crypto/.test(u) || /^(digest|update|Hash)$/.test(f)],
  ['JSON', (f) => /^JSON\.|^(stringify|parse)$/.test(f)],
];
const layer = new Map();
const fns = new Map();
let total = 0;
let idle = 0;
for (const [id, t] of self) {
  const n = byId.get(id);
  const f = n.callFrame.functionName || '(anonymous)';
  const u = n.callFrame.url || '';
  const name = LAYERS.find(([, test]) => test(f, u))?.[0] ?? 'other (V8/native builtins)';
  if (name === 'idle') {
    idle += t;
    continue;
  }
  total += t;
  layer.set(name, (layer.get(name) ?? 0) + t);
  const short = u.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
  const key = `${f} ${short}:${n.callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + t);
}
const pct = (t) => ((t / total) * 100).toFixed(1).padStart(5) + '%';
console.log(`busy ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s`);
console.log('self time per layer:');
for (const [name, t] of [...layer].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(t)}  ${name}`);
console.log(`top ${top} functions by self time:`);
for (const [name, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`  ${pct(t)}  ${name}`);
