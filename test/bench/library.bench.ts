/**
 * npm run bench:library — seeds 10,000 prompts x 5 versions through the services, then reports
 * library search and list latency (Latin words, and words inside CJK text, which one prompt in
 * ten holds), and headless cold start to the first API answer.
 * Targets (issue 2): search p99 < 10 ms, list page < 20 ms, cold start < 1 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace } from '../../src/main/core/workspace';
import { createPrompt, listPrompts } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { createKey } from '../../src/main/core/keys/keys-service';
import { setSharingLevel } from '../../src/main/core/sharing/sharing-service';
import { addUser } from '../../src/main/core/users/users-service';
import { AddUserInput } from '../../src/shared/schemas/users';
import { CreatePromptInput, ListPromptsInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import { ms, rng, summarize, time } from './stats';

const PROMPTS = Number(process.env['BENCH_PROMPTS'] ?? 10_000);
const VERSIONS = 5;
const ROOT = join(__dirname, '..', '..');

/** Words of Chinese and Japanese text, which has no spaces: one prompt in ten holds a sentence of them. */
const CJK_WORDS = '用户 登录 失败 订单 退款 发票 客户 支持 翻译 摘要 東京 ラーメン 会議 議事録 請求書 返金 問い合わせ 顧客 製品 発売'.split(' ');

const WORDS =
  'customer support refund invoice summary translate tone friendly formal email product launch release notes bug report triage sentiment classify extract entities json schema policy legal contract review onboarding welcome marketing tweet blog outline research question answer context citation code review refactor test plan meeting agenda minutes sales pitch objection pricing churn feedback survey'.split(' ');

function seed(dataDir: string): string {
  const random = rng(42);
  // Its own sequence, so the Latin library is the same as before CJK text was added.
  const cjkRandom = rng(99);
  const pick = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, pick).join(' ');
  const workspace = openWorkspace(dataDir);
  const ctx = workspace.as(workspace.owner.id);
  const started = performance.now();
  const batch = workspace.store.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const name = `prompt-${i}`;
      createPrompt(ctx, CreatePromptInput.parse({ name, title: `${pick()} ${pick()} ${i}`, description: sentence(12), tags: [pick(), pick()] }));
      // Half the library is shared workspace-wide, so a member's searches filter by visibility.
      if (i % 2 === 0) setSharingLevel(ctx, { name, level: 'library_view' });
      for (let v = 0; v < VERSIONS; v++) {
        // Written without spaces, as those languages are: a search must find a word inside the run.
        const cjk = i % 10 === 0 ? ` ${Array.from({ length: 30 }, () => CJK_WORDS[Math.floor(cjkRandom() * CJK_WORDS.length)]).join('')}` : '';
        saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text: `${sentence(60)} {{input}} ${sentence(20)}${cjk} v${v}` }, commitMessage: `v${v}` }));
      }
    }
  });
  for (let i = 0; i < PROMPTS; i += 500) batch(i, Math.min(PROMPTS, i + 500));
  const seconds = (performance.now() - started) / 1000;
  const key = createKey(ctx, { userEmail: ctx.actor.email, label: 'bench' }).key;
  addUser(ctx, AddUserInput.parse({ email: 'member@example.com', name: 'Member' }));
  workspace.store.db.pragma('wal_checkpoint(TRUNCATE)');
  workspace.close();
  const size = statSync(join(dataDir, 'promptdesk.db')).size / 1024 / 1024;
  console.log(`seeded ${PROMPTS} prompts x ${VERSIONS} versions in ${seconds.toFixed(1)} s (database ${size.toFixed(1)} MiB)`);
  return key;
}

function measureQueries(dataDir: string, as: 'admin' | 'member'): void {
  const workspace = openWorkspace(dataDir);
  const ctx = workspace.as(as === 'admin' ? workspace.owner.id : workspace.store.users.getByEmail('member@example.com')!.id);
  const random = rng(7);
  const list = (input: object) => listPrompts(ctx, ListPromptsInput.parse(input));
  console.log(`as ${as === 'admin' ? 'an admin (sees every prompt)' : 'a member (sees the 50% shared to the library)'}:`);
  for (let i = 0; i < 50; i++) list({ query: WORDS[i % WORDS.length] }); // warm the page cache

  const search: number[] = [];
  const hits: number[] = [];
  for (let i = 0; i < 500; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    const query = i % 3 === 0 ? word.slice(0, 3) : i % 3 === 1 ? word : `${word} ${WORDS[Math.floor(random() * WORDS.length)]}`;
    const [result, elapsed] = time(() => list({ query }));
    search.push(elapsed);
    hits.push(result.total);
  }
  // Words inside CJK text (phrases of their characters), and one symbol: found anywhere in the run.
  const cjkSearch: number[] = [];
  const cjkHits: number[] = [];
  for (let i = 0; i < 500; i++) {
    const word = CJK_WORDS[Math.floor(random() * CJK_WORDS.length)]!;
    const query = i % 2 === 0 ? word : `${word} ${WORDS[Math.floor(random() * WORDS.length)]}`;
    const [result, elapsed] = time(() => list({ query }));
    cjkSearch.push(elapsed);
    cjkHits.push(result.total);
  }
  const firstPage: number[] = [];
  const sorts = ['updated', 'name', 'title', 'created'] as const;
  for (let i = 0; i < 200; i++) firstPage.push(time(() => list({ sort: sorts[i % 4] }))[1]);
  const tagPage: number[] = [];
  for (let i = 0; i < 200; i++) tagPage.push(time(() => list({ tag: WORDS[i % WORDS.length] }))[1]);
  workspace.close();

  const s = summarize(search);
  const p = summarize(firstPage);
  const t = summarize(tagPage);
  const k = summarize(cjkSearch);
  console.log(`  search (500 queries, median ${summarize(hits).p50} hits, page of 50 + total + facets): p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}   target p99 < 10 ms`);
  console.log(`  search inside CJK text (500 queries, median ${summarize(cjkHits).p50} hits): p50 ${ms(k.p50)}  p99 ${ms(k.p99)}  max ${ms(k.max)}   target p99 < 10 ms`);
  console.log(`  library first page (50 rows, 4 sorts): p50 ${ms(p.p50)}  p99 ${ms(p.p99)}  max ${ms(p.max)}   target < 20 ms`);
  console.log(`  tag filter first page: p50 ${ms(t.p50)}  p99 ${ms(t.p99)}`);
}

async function coldStart(dataDir: string, key: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'promptdesk.js'), 'serve', '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /API: (\S+)\/api\/v1/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const res = await fetch(`${url}/api/v1/prompts?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`first API answer was ${res.status}`);
  await res.json();
  const elapsed = performance.now() - started;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return elapsed;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptdesk-bench-'));
  try {
    const key = seed(dataDir);
    measureQueries(dataDir, 'admin');
    measureQueries(dataDir, 'member');
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) starts.push(await coldStart(dataDir, key));
    const c = summarize(starts);
    console.log(`headless cold start to first authenticated API answer (5 runs, process spawn included): p50 ${ms(c.p50)}  max ${ms(c.max)}   target < 1 s`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
