/**
 * npx tsx test/bench/openwebui-save.ts — the Open WebUI door's save (update by id, through the
 * core) on one prompt, 60 saves each carrying 60 KB of `data` and 5 KB of `meta`: median time of
 * saves 1-10 and 51-60. A save writes one history row, so the two stay alike (issue 11, Open
 * WebUI attack item 1: snapshots in the prompt's `extra` made the 24th save 45 times the first).
 * The unit test test/unit/main/core/openwebui-save-cost.test.ts counts the work instead of timing it.
 */
import { testWorkspace } from '../helpers/workspace';
import { OpenWebUiUpdateSchema, openWebUiCreate, openWebUiUpdateById } from '../../src/main/core/compat/openwebui';

const ws = testWorkspace();
const data = { k: 'd'.repeat(60_000) };
const meta = { m: 'm'.repeat(5_000) };
const form = (n: number) => OpenWebUiUpdateSchema.parse({ command: 'costly', name: 'Costly', content: `u ${n}`, data, meta });
const { id } = openWebUiCreate(ws.owner, form(0));
const times: number[] = [];
for (let n = 1; n <= 60; n++) {
  const t0 = performance.now();
  openWebUiUpdateById(ws.owner, id, form(n));
  times.push(performance.now() - t0);
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!.toFixed(2);
console.log(`saves 1-10 median ${median(times.slice(0, 10))} ms, saves 51-60 median ${median(times.slice(50))} ms`);
ws.cleanup();
