/**
 * npx tsx test/bench/sync-replica.ts [--prompts 2000] [--versions 3] [--saves 1000]
 *
 * The sync protocol's own costs on this machine (docs/sync.md), one team server (the headless host,
 * in this process, on 127.0.0.1) and one desktop data folder:
 * - a fresh replica: every prompt (each with its versions, Library View) pulled in pages of 500;
 * - pushing offline saves: SAVES versions saved on the desktop with the server unreachable, then one
 *   syncNow (pushed in pages of 100, each taking its final number, then pulled back);
 * - a server save reaching the desktop's replica through the background engine (the server's change
 *   signal, then a pull), median and p95 over 20 saves.
 * (npm run bench:team measures a whole team under load.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHost } from '../../src/main/host';
import { openWorkspace } from '../../src/main/core/workspace';
import { admitMember } from '../../src/main/core/users/users-service';
import { createPrompt } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { setSharingLevel } from '../../src/main/core/sharing/sharing-service';
import { issueDeviceToken } from '../../src/main/core/team/devices';
import { createSyncClient } from '../../src/main/core/sync/sync-client';
import { createSyncEngine } from '../../src/main/core/sync/sync-engine';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import { AddUserInput } from '../../src/shared/schemas/users';

const { values } = parseArgs({ options: { prompts: { type: 'string', default: '2000' }, versions: { type: 'string', default: '3' }, saves: { type: 'string', default: '1000' } } });
const PROMPTS = Number(values.prompts);
const VERSIONS = Number(values.versions);
const SAVES = Number(values.saves);

const dir = mkdtempSync(join(tmpdir(), 'promptdesk-sync-bench-'));
const ms = (t0: number) => performance.now() - t0;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main(): Promise<void> {
  const server = await startHost({ dataDir: join(dir, 'server'), mode: 'headless', port: 0 });
  const owner = server.workspace.as(server.workspace.owner.id);
  const ada = admitMember(owner, AddUserInput.parse({ email: 'ada@example.com', name: 'Ada' }));
  let t0 = performance.now();
  for (let i = 0; i < PROMPTS; i++) {
    const name = `p${i}`;
    createPrompt(owner, CreatePromptInput.parse({ name, title: name }));
    for (let v = 0; v < VERSIONS; v++) saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: `Prompt ${i} version ${v}: hello {{who}}, ${'words '.repeat(40)}` } }));
    setSharingLevel(owner, { name, level: i < 100 ? 'library_edit' : 'library_view' });
  }
  console.log(`seeded ${PROMPTS} prompts x ${VERSIONS} versions in ${(ms(t0) / 1000).toFixed(1)} s`);
  const { token } = issueDeviceToken(server.workspace.store, server.workspace.clock, ada.id, 'bench');
  const desk = openWorkspace(join(dir, 'desk'));
  let offline = false;
  const client = createSyncClient({
    serverUrl: server.server!.url,
    credential: token,
    fetch: (url, init) => (offline ? Promise.reject(new TypeError('offline')) : fetch(url, init)),
  });
  const engine = createSyncEngine({ workspace: desk, client, pullLimit: 500 });

  t0 = performance.now();
  const fresh = await engine.syncNow();
  const freshMs = ms(t0);
  const held = (desk.store.db.prepare('SELECT count(*) AS n FROM prompts WHERE team_id IS NOT NULL').get() as { n: number }).n;
  console.log(`fresh replica: ${held} prompts, ${held * VERSIONS} versions in ${(freshMs / 1000).toFixed(2)} s (${Math.round(held / (freshMs / 1000))} prompts/s), state ${fresh.state}`);

  offline = true;
  const member = desk.as(ada.id);
  for (let i = 0; i < SAVES; i++) saveVersion(member, SaveVersionInput.parse({ name: `p${i % 100}`, template: { kind: 'text', text: `Offline save ${i} {{who}}` } }));
  offline = false;
  t0 = performance.now();
  const pushed = await engine.syncNow();
  const pushMs = ms(t0);
  console.log(`push: ${SAVES} offline saves sent and numbered (then pulled back) in ${(pushMs / 1000).toFixed(2)} s (${Math.round(SAVES / (pushMs / 1000))} saves/s), pending after ${pushed.pending}`);

  engine.start();
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const v = saveVersion(owner, SaveVersionInput.parse({ name: 'p0', template: { kind: 'text', text: `Server save ${i} {{who}}` } }));
    while (!desk.store.db.prepare('SELECT 1 FROM prompt_versions WHERE id = ?').get(v.id)) await new Promise((r) => setTimeout(r, 2));
    latencies.push(ms(t));
  }
  console.log(`server save -> desktop replica (background engine: the server's signal, 50 ms gather, pull): median ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms`);
  engine.stop();
  desk.close();
  await server.close();
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
