/**
 * npm run bench:versions — one prompt with 5,000 versions of ~20 KB each, seeded through the
 * services; reports version list, open, compare and promotion latency.
 * Targets (issue 3): promotion p99 < 5 ms, compare of two 20 KB versions < 50 ms.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace } from '../../src/main/core/workspace';
import { createPrompt } from '../../src/main/core/prompts/prompts-service';
import { getVersion, listVersions, saveVersion } from '../../src/main/core/versions/versions-service';
import { promoteVersion, unarchiveVersion } from '../../src/main/core/versions/lifecycle';
import { compareVersions } from '../../src/main/core/versions/compare';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import { ms, rng, summarize, time } from './stats';

const VERSIONS = Number(process.env['BENCH_VERSIONS'] ?? 5_000);
const TARGET_BYTES = 20_000;

function main(): void {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptdesk-bench-versions-'));
  try {
    const workspace = openWorkspace(dataDir);
    const ctx = workspace.as(workspace.owner.id);
    const random = rng(3);
    const vocabulary = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}${'abcdefgh'[i % 8]}`);
    const words: string[] = [];
    while (words.join(' ').length < TARGET_BYTES) words.push(vocabulary[Math.floor(random() * vocabulary.length)]!);

    createPrompt(ctx, CreatePromptInput.parse({ name: 'big', title: 'Big prompt' }));
    const started = performance.now();
    const batch = workspace.store.db.transaction((from: number, to: number) => {
      for (let v = from; v < to; v++) {
        // Each version rewrites ~2% of the words of the one before, like real edits.
        for (let k = 0; k < words.length / 50; k++) words[Math.floor(random() * words.length)] = vocabulary[Math.floor(random() * vocabulary.length)]!;
        saveVersion(ctx, SaveVersionInput.parse({ name: 'big', template: { kind: 'text', text: `${words.join(' ')} {{input}}` }, commitMessage: `edit ${v}` }));
      }
    });
    for (let v = 0; v < VERSIONS; v += 250) batch(v, Math.min(VERSIONS, v + 250));
    workspace.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const size = statSync(join(dataDir, 'promptdesk.db')).size / 1024 / 1024;
    console.log(`seeded ${VERSIONS} versions of ${(TARGET_BYTES / 1000).toFixed(0)} KB in ${((performance.now() - started) / 1000).toFixed(1)} s (database ${size.toFixed(0)} MiB)`);

    const list = summarize(Array.from({ length: 50 }, () => time(() => listVersions(ctx, 'big'))[1]));
    console.log(`version list (${VERSIONS} rows, no template bodies): p50 ${ms(list.p50)}  p99 ${ms(list.p99)}`);

    const open = summarize(Array.from({ length: 500 }, () => time(() => getVersion(ctx, 'big', 1 + Math.floor(random() * VERSIONS)))[1]));
    console.log(`open a version (20 KB, parsed + variables detected): p50 ${ms(open.p50)}  p99 ${ms(open.p99)}`);

    const near: number[] = [];
    const far: number[] = [];
    const granularities = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const a = 1 + Math.floor(random() * (VERSIONS - 1));
      near.push(time(() => compareVersions(ctx, 'big', a, a + 1))[1]);
      const [result, elapsed] = time(() => compareVersions(ctx, 'big', 1 + Math.floor(random() * 10), VERSIONS - Math.floor(random() * 10)));
      far.push(elapsed);
      granularities.add(result.granularity);
    }
    const n = summarize(near);
    const f = summarize(far);
    console.log(`compare neighbouring versions (~2% changed): p50 ${ms(n.p50)}  p99 ${ms(n.p99)}   target < 50 ms`);
    console.log(`compare first vs last (mostly rewritten; diff ${[...granularities].join('/')}): p50 ${ms(f.p50)}  p99 ${ms(f.p99)}  max ${ms(f.max)}   target < 50 ms`);

    const promotions: number[] = [];
    for (let i = 0; i < 500; i++) {
      const number = 1 + (i % 2 === 0 ? 0 : 1) + 2 * Math.floor(random() * (VERSIONS / 2 - 1));
      if (getVersion(ctx, 'big', number).status === 'archived') unarchiveVersion(ctx, 'big', number);
      if (getVersion(ctx, 'big', number).status === 'published') continue;
      promotions.push(time(() => promoteVersion(ctx, { name: 'big', number, notes: `bench ${i}` }))[1]);
    }
    const p = summarize(promotions);
    console.log(`promotion (archive previous + publish + history, fsync'd commit): p50 ${ms(p.p50)}  p99 ${ms(p.p99)}  n=${p.n}   target p99 < 5 ms`);
    workspace.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main();
