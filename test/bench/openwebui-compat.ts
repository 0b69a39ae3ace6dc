/**
 * npx tsx test/bench/openwebui-compat.ts (N=1000 by default) — the Open WebUI door's reads on a
 * library of N prompts with three versions each, one request at a time over loopback: median and
 * slowest of 20. `GET /prompts/` answers every readable prompt in full, as Open WebUI's does, so it
 * grows with the library; `/list` reads only its page in full.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost } from '../../src/main/host';
import { createKey } from '../../src/main/core/keys/keys-service';
import { createPrompt, setApiSettings } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'owui-bench-'));
  const host = await startHost({ dataDir: dir, mode: 'headless', port: 0 });
  const owner = host.workspace.as(host.workspace.owner.id);
  const key = createKey(owner, { userEmail: owner.actor.email, label: 'b' }).key;
  const N = Number(process.env.N ?? 1000);
  for (let i = 0; i < N; i++) {
    const name = `p${i}`;
    createPrompt(owner, CreatePromptInput.parse({ name, title: `Prompt ${i}`, tags: [`t${i % 10}`], slashCommand: `c${i}` }));
    setApiSettings(owner, { name, apiAccess: true });
    for (let v = 0; v < 3; v++) saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: `Version ${v} of ${i} {{x}}` } }));
  }
  const id = owner.store.prompts.getRowByName('p1')!.id;
  const port = host.server!.port;
  async function time(path: string, runs = 20) {
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${key}` } });
      await res.text();
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    console.log(`${path.padEnd(60)} median ${ms[runs / 2]!.toFixed(1)} ms  max ${ms[runs - 1]!.toFixed(1)} ms`);
  }
  const b = '/compat/openwebui/api/v1/prompts';
  await time(`${b}/`);
  await time(`${b}/list?page=1`);
  await time(`${b}/list?query=prompt&order_by=name&direction=asc&page=3`);
  // Matched only by content (Open WebUI's query also searches content): every readable prompt's text is read.
  await time(`${b}/list?query=${encodeURIComponent('version 2 of 99 ')}`);
  await time(`${b}/list?query=${encodeURIComponent('version 2 of 99 ')}&tag=T9`);
  await time(`${b}/tags`);
  await time(`${b}/id/${id}`);
  await time(`${b}/id/${id}/history?page=0`);
  await host.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
