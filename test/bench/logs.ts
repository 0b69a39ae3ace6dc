/**
 * npm run bench:logs — 1,000,000 run logs across 1,000 prompts, seeded once with direct
 * INSERTs (store.logs.insertMany, FTS indexed the same way) and cached in the temp folder,
 * keyed by the seed version and the schema; then the Logs screen's queries through the
 * services: first page (listLogs), counts and charts (logStats), and a 100,000-row export
 * (ExportJobs), as an admin and as a member who may read 10% of the prompts.
 * Targets: first page of any single or combined filter < 50 ms; count and chart
 * aggregates < 300 ms; an export of 100,000 rows streams without holding them in memory.
 * The figures are a report: the script exits 0 even when a target is missed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace, DB_FILE, type Workspace } from '../../src/main/core/workspace';
import type { Ctx } from '../../src/main/core/context';
import { createPrompt } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { addShare, setSharingLevel } from '../../src/main/core/sharing/sharing-service';
import { addUser } from '../../src/main/core/users/users-service';
import { listLogs, logStats, resolveFilter } from '../../src/main/core/logs/logs-service';
import { MIGRATIONS } from '../../src/main/store/migrations';
import type { LogRecord } from '../../src/main/store/repos/logs-repo';
import { AddUserInput } from '../../src/shared/schemas/users';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import { AddShareInput } from '../../src/shared/schemas/sharing';
import { ListLogsInput, LogFilterSchema, type LogFilter, type LogExportStatus } from '../../src/shared/schemas/logs';
import type { DataLoggingLevel, RunSource, RunStatus } from '../../src/shared/schemas/runs';
import { ms, rng, summarize, time } from './stats';

/** Bump when the generator below changes: the cached database is then seeded again. */
const SEED_VERSION = 1;
const ROWS = Number(process.env['BENCH_LOG_ROWS'] ?? 1_000_000);
const PROMPTS = Number(process.env['BENCH_LOG_PROMPTS'] ?? 1_000);
const MEMBERS = 20;
const DAYS = 90;
const DAY_MS = 86_400_000;
const PAGE_ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 30);
/** Stats are sampled up to PAGE_ITERATIONS times, but at most this long per filter. */
const STATS_BUDGET_MS = 4_000;
const EXPORT_ROWS = 100_000;
const TARGET_PAGE_MS = 50;
const TARGET_STATS_MS = 300;
/** An export holding its rows would grow by at least the file's size (34-56 MiB here); a streaming one stays flat. */
const TARGET_EXPORT_GROWTH_MB = 32;

const MODELS = [
  ['openai:gpt-4o-mini', 0.4, 0.8],
  ['anthropic:claude-sonnet-4', 0.25, 1.6],
  ['openai:gpt-4o', 0.15, 1.3],
  ['ollama:llama3.2', 0.12, 2.2],
  ['anthropic:claude-haiku-4', 0.08, 0.7],
] as const;
const SOURCES: [RunSource, number][] = [['api', 0.55], ['chat', 0.25], ['test', 0.15], ['refine', 0.05]];
const STATUSES: [RunStatus, number][] = [['success', 0.94], ['error', 0.05], ['cancelled', 0.01]];
const LOGGING: [DataLoggingLevel, number][] = [['full', 0.7], ['metadata', 0.2], ['none', 0.1]];
const COMMON_WORDS =
  'refund invoice customer order shipping delivery account password reset billing subscription cancel upgrade plan price discount coupon receipt payment card bank transfer tracking package return exchange warranty support ticket email phone chat agent manager escalate urgent delay missing damaged wrong size color product item stock available store online app login error crash update install version feature request feedback review rating survey'.split(' ');
/** Injected into one full log in RARE_EVERY, for a search that matches a few dozen rows. */
const RARE_WORD = 'zephyrine';
const RARE_EVERY = 20_000;
const CUSTOMERS = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Barbara', 'Ken', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Tim'];

interface Meta {
  seedVersion: number;
  rows: number;
  endAt: number;
  seededSeconds: number;
  memberEmail: string;
  otherMemberEmail: string;
  fullShare: number;
}

const schemaHash = createHash('sha256').update(MIGRATIONS.map((m) => m.sql).join('\n')).digest('hex').slice(0, 10);
/** BENCH_LOGS_DIR measures an already seeded folder instead (for trying an index on a copy). */
const CACHE_DIR = process.env['BENCH_LOGS_DIR'] ?? join(tmpdir(), `promptdesk-bench-logs-v${SEED_VERSION}-${ROWS}-${PROMPTS}-${schemaHash}`);
const META_FILE = join(CACHE_DIR, 'bench-meta.json');

/** Weighted choice from [value, weight] pairs (weights sum to 1). */
function chooser<T>(pairs: readonly (readonly [T, number, ...unknown[]])[], random: () => number): () => T {
  return () => {
    let u = random();
    for (const [value, weight] of pairs) {
      if ((u -= weight) < 0) return value;
    }
    return pairs.at(-1)![0];
  };
}

/** Zipf-like ranks 0..n-1 (rank 0 most frequent), by binary search over the cumulative weights. */
function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const normal = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const promptName = (i: number) => `prompt-${String(i).padStart(4, '0')}`;

function seed(): Meta {
  rmSync(CACHE_DIR, { recursive: true, force: true });
  mkdirSync(CACHE_DIR, { recursive: true });
  const started = performance.now();
  const random = rng(2026);
  const workspace = openWorkspace(CACHE_DIR);
  const { store } = workspace;
  const admin = workspace.as(workspace.owner.id);
  store.db.pragma('cache_size = -262144'); // 256 MiB while seeding; the app's own default applies when measuring

  // 20 members (the owner included); member01 is the one whose view is measured.
  const members: Ctx[] = [admin];
  for (let i = 1; i < MEMBERS; i++) {
    const user = addUser(admin, AddUserInput.parse({ email: `member${String(i).padStart(2, '0')}@example.com`, name: `Member ${i}` }));
    members.push(workspace.as(user.id));
  }
  const viewer = members[1]!;
  const words = [...COMMON_WORDS, ...Array.from({ length: 1500 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}x`)];
  const word = zipf(words.length, 1.05, random);
  const sentence = (n: number) => Array.from({ length: n }, () => words[word()]!).join(' ');

  // 1,000 prompts with 1-5 versions. The measured member may read 10%: 3% they own, 5% on
  // Library View, 2% shared with them by name; the rest is private or Chat only.
  const versionsOf: number[] = [];
  store.db.transaction(() => {
    for (let i = 0; i < PROMPTS; i++) {
      const name = promptName(i);
      const bucket = i % 100;
      const author = bucket < 3 ? viewer : members[i % MEMBERS === 1 ? 0 : i % MEMBERS]!;
      createPrompt(author, CreatePromptInput.parse({ name, title: `${sentence(2)} ${i}`, description: sentence(10) }));
      if (bucket >= 3 && bucket < 8) setSharingLevel(admin, { name, level: 'library_view' });
      else if (bucket >= 8 && bucket < 10) addShare(admin, AddShareInput.parse({ name, email: viewer.actor.email, permission: 'view' }));
      else if (bucket >= 50) setSharingLevel(admin, { name, level: 'chat_only' });
      const versions = 1 + Math.floor(random() * 5);
      versionsOf.push(versions);
      for (let v = 0; v < versions; v++) {
        saveVersion(admin, SaveVersionInput.parse({ name, template: { kind: 'text', text: `Answer {{question}} for {{customer}}. ${sentence(30)} v${v}` } }));
      }
    }
  })();
  const promptIds = Array.from({ length: PROMPTS }, (_, i) => store.prompts.getRowByName(promptName(i))!.id);
  // Traffic is skewed: a few prompts carry most runs. The rank order is shuffled so the member's
  // prompts are not all hot or all cold.
  const order = Array.from({ length: PROMPTS }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const promptRank = zipf(PROMPTS, 0.9, random);
  const memberRank = zipf(MEMBERS, 0.7, random);
  const source = chooser(SOURCES, random);
  const status = chooser(STATUSES, random);
  const logging = chooser(LOGGING, random);
  const modelIndex = chooser(MODELS.map((m, i) => [i, m[1]] as const), random);

  // ~90 days ending now, a little busier lately; inserted in time order like the log writer does.
  const endAt = Date.now();
  const times = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) times[i] = endAt - Math.floor(DAY_MS * DAYS * Math.pow(random(), 1.2));
  times.sort();

  const hex = () => Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  const uuid = () => {
    const h = hex() + hex() + hex() + hex();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  };
  let full = 0;
  let rare = 0;
  const BATCH = 50_000;
  for (let from = 0; from < ROWS; from += BATCH) {
    const batch: LogRecord[] = [];
    for (let i = from; i < Math.min(ROWS, from + BATCH); i++) {
      const prompt = order[promptRank()]!;
      const versions = versionsOf[prompt]!;
      const src = source();
      const st = status();
      const level = logging();
      const user = memberRank();
      const [model, , speed] = MODELS[modelIndex()]!;
      const startedAt = times[i]!;
      // Newer runs use newer versions; test runs are often of the unsaved draft.
      const age = (endAt - startedAt) / (DAY_MS * DAYS);
      const version = src === 'test' && random() < 0.5 ? null : Math.max(1, Math.min(versions, Math.ceil(versions * (1 - age) + random() - 0.5)));
      const latency = st === 'error' ? Math.round(50 + random() * 2000) : Math.round(Math.exp(Math.log(1200 * speed) + 0.6 * normal(random)));
      const tokensIn = 40 + Math.floor(random() * 800);
      const tokensOut = st === 'error' ? null : 10 + Math.floor(random() * 600);
      let variables: string | null = null;
      let output: string | null = null;
      let messages: string | null = null;
      const question = sentence(6 + Math.floor(random() * 7));
      const customer = CUSTOMERS[Math.floor(random() * CUSTOMERS.length)]!;
      const answer = st === 'error' ? '' : sentence(15 + Math.floor(random() * 26));
      if (level === 'full') {
        full++;
        const rareHere = full % RARE_EVERY === 0;
        if (rareHere) rare++;
        variables = JSON.stringify({ question: rareHere ? `${question} ${RARE_WORD}` : question, customer });
        messages = JSON.stringify([{ role: 'user', content: `Answer ${question} for ${customer}.` }]);
        output = st === 'error' ? null : answer;
      }
      batch.push({
        id: uuid(),
        promptId: promptIds[prompt]!,
        promptName: promptName(prompt),
        version,
        source: src,
        userId: members[user]!.actor.id,
        keyLabel: src === 'api' ? `key-${user}-${user % 3 === 0 ? 'ci' : 'prod'}` : null,
        model,
        status: st,
        startedAt,
        latencyMs: latency,
        ttftMs: st === 'error' ? null : Math.round(latency * (0.1 + random() * 0.3)),
        tokensIn,
        tokensOut,
        dataLogging: level,
        variableNames: level === 'none' ? null : '["question","customer"]',
        variables,
        messages,
        output,
        outputChars: level === 'none' ? null : answer.length,
        error: st === 'error' ? (level === 'none' ? 'provider_error' : 'The provider answered 500: upstream overloaded') : null,
        conversationId: uuid(),
      });
    }
    store.logs.insertMany(batch);
    process.stdout.write(`\rseeding logs: ${Math.min(ROWS, from + BATCH).toLocaleString('en')} / ${ROWS.toLocaleString('en')}`);
  }
  process.stdout.write('\n');
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  workspace.close();
  const meta: Meta = {
    seedVersion: SEED_VERSION,
    rows: ROWS,
    endAt,
    seededSeconds: (performance.now() - started) / 1000,
    memberEmail: viewer.actor.email,
    otherMemberEmail: 'member05@example.com',
    fullShare: full / ROWS,
  };
  writeFileSync(META_FILE, JSON.stringify(meta));
  console.log(`(rare word "${RARE_WORD}" logged in ${rare} rows)`);
  return meta;
}

interface Case {
  label: string;
  filter: LogFilter;
}

function cases(workspace: Workspace, meta: Meta): Case[] {
  const { db } = workspace.store;
  const other = workspace.store.users.getByEmail(meta.otherMemberEmail)!;
  const viewer = workspace.store.users.getByEmail(meta.memberEmail)!;
  // A busy prompt the measured member may read (so both roles run the same filter).
  const prompt = db
    .prepare(
      `SELECT p.name, p.latest_version AS latest FROM prompts p
       WHERE p.owner_id = ? OR p.sharing_level = 'library_view' OR p.id IN (SELECT prompt_id FROM prompt_shares WHERE user_id = ?)
       ORDER BY (SELECT count(*) FROM run_logs l WHERE l.prompt_id = p.id) DESC LIMIT 1 OFFSET 2`,
    )
    .get(viewer.id, viewer.id) as { name: string; latest: number };
  const iso = (at: number) => new Date(at).toISOString();
  const lastWeek = { from: iso(meta.endAt - 7 * DAY_MS) };
  return [
    { label: 'no filter', filter: {} },
    { label: `prompt (${prompt.name})`, filter: { prompt: prompt.name } },
    { label: 'source=api', filter: { source: 'api' } },
    { label: 'status=error', filter: { status: 'error' } },
    { label: `prompt + version ${prompt.latest}`, filter: { prompt: prompt.name, version: prompt.latest } },
    { label: 'member (member05)', filter: { userId: other.id } },
    { label: 'model=ollama:llama3.2', filter: { model: 'ollama:llama3.2' } },
    { label: 'last 7 days', filter: lastWeek },
    { label: `q="${COMMON_WORDS[0]}" (common)`, filter: { q: COMMON_WORDS[0] } },
    { label: `q="${COMMON_WORDS[40]}" (less common)`, filter: { q: COMMON_WORDS[40] } },
    { label: `q="${RARE_WORD}" (rare)`, filter: { q: RARE_WORD } },
    { label: 'source=api + status=error', filter: { source: 'api', status: 'error' } },
    { label: 'prompt + error + last 30 days', filter: { prompt: prompt.name, status: 'error', from: iso(meta.endAt - 30 * DAY_MS) } },
    { label: 'model + member', filter: { model: 'anthropic:claude-sonnet-4', userId: other.id } },
    { label: 'source=chat + q + last 7 days', filter: { source: 'chat', q: COMMON_WORDS[1], ...lastWeek } },
  ];
}

interface Row {
  role: string;
  label: string;
  total: number;
  page: ReturnType<typeof summarize>;
  stats: ReturnType<typeof summarize>;
}

function measure(ctx: Ctx, role: string, list: Case[], dump: Record<string, unknown> | null): Row[] {
  const rows: Row[] = [];
  for (const { label, filter } of list) {
    const pageInput = ListLogsInput.parse(filter);
    const statsInput = LogFilterSchema.parse(filter);
    const firstPage = listLogs(ctx, pageInput); // warm: statement prepared, pages cached
    const firstStats = logStats(ctx, statsInput);
    const pages = Array.from({ length: PAGE_ITERATIONS }, () => time(() => listLogs(ctx, pageInput))[1]);
    const stats: number[] = [];
    const deadline = performance.now() + STATS_BUDGET_MS;
    while (stats.length < PAGE_ITERATIONS && (stats.length < 5 || performance.now() < deadline)) stats.push(time(() => logStats(ctx, statsInput))[1]);
    rows.push({ role, label, total: firstStats.total, page: summarize(pages), stats: summarize(stats) });
    if (dump) dump[`${role} ${label}`] = { page: firstPage.items.map((i) => i.id), next: firstPage.nextCursor, stats: firstStats };
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  return rows;
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const lpad = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function table(rows: Row[]): { pageOk: boolean; statsOk: boolean } {
  const head = `${pad('as', 7)}${pad('filter', 34)}${lpad('matches', 10)}${lpad('page p50', 12)}${lpad('page p99', 12)}${lpad('stats p50', 12)}${lpad('stats p99', 12)}${lpad('n', 4)}  verdict`;
  console.log(head);
  console.log('-'.repeat(head.length));
  let pageOk = true;
  let statsOk = true;
  for (const r of rows) {
    const p = r.page.p99 < TARGET_PAGE_MS;
    const s = r.stats.p99 < TARGET_STATS_MS;
    pageOk &&= p;
    statsOk &&= s;
    const flags = [p ? '' : 'page', s ? '' : 'stats'].filter(Boolean).join('+');
    console.log(
      `${pad(r.role, 7)}${pad(r.label, 34)}${lpad(r.total.toLocaleString('en'), 10)}${lpad(ms(r.page.p50), 12)}${lpad(ms(r.page.p99), 12)}${lpad(ms(r.stats.p50), 12)}${lpad(ms(r.stats.p99), 12)}${lpad(String(r.stats.n), 4)}  ${flags ? `FAIL (${flags})` : 'ok'}`,
    );
  }
  return { pageOk, statsOk };
}

async function exportRun(workspace: Workspace, ctx: Ctx, filter: LogFilter, format: 'csv' | 'jsonl') {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  let status: LogExportStatus = workspace.runtime.exports.start(ctx, resolveFilter(ctx, LogFilterSchema.parse(filter)), format);
  while (status.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = workspace.runtime.exports.status(ctx, status.exportId);
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (status.state !== 'done') throw new Error(`export failed: ${status.error}`);
  return { status, seconds, rssBefore, peak, size: statSync(status.path!).size };
}

async function main(): Promise<void> {
  let meta: Meta | null = null;
  if (existsSync(META_FILE) && existsSync(join(CACHE_DIR, DB_FILE))) {
    meta = JSON.parse(readFileSync(META_FILE, 'utf8')) as Meta;
    console.log(`reused the seeded database ${CACHE_DIR} (seeded in ${meta.seededSeconds.toFixed(0)} s on an earlier run)`);
  } else {
    console.log(`seeding ${ROWS.toLocaleString('en')} logs across ${PROMPTS.toLocaleString('en')} prompts into ${CACHE_DIR} (cached for later runs)`);
    meta = seed();
    console.log(`seeded in ${meta.seededSeconds.toFixed(1)} s`);
  }
  const size = statSync(join(CACHE_DIR, DB_FILE)).size;
  const exportsDir = mkdtempSync(join(tmpdir(), 'promptdesk-bench-logs-export-'));
  const [workspace, openMs] = time(() => openWorkspace(CACHE_DIR, { exportsDir }));
  try {
    const { db } = workspace.store;
    const count = (db.prepare('SELECT count(*) AS n FROM run_logs').get() as { n: number }).n;
    console.log(
      `database ${mb(size)}; ${count.toLocaleString('en')} logs, ${(meta.fullShare * 100).toFixed(0)}% logged in full; ${DAYS} days to ${new Date(meta.endAt).toISOString().slice(0, 16)}Z; opened in ${ms(openMs)}`,
    );
    const list = cases(workspace, meta);
    const admin = workspace.as(workspace.owner.id);
    const member = workspace.as(workspace.store.users.getByEmail(meta.memberEmail)!.id);
    const readable = (db.prepare(
      `SELECT count(*) AS n FROM prompts p WHERE p.owner_id = :viewer OR p.sharing_level IN ('library_view', 'library_edit')
       OR EXISTS (SELECT 1 FROM prompt_shares s WHERE s.prompt_id = p.id AND s.user_id = :viewer)`,
    ).get({ viewer: member.actor.id }) as { n: number }).n;
    const dumpPath = process.env['BENCH_DUMP'];
    const dump = dumpPath ? {} : null;
    console.log(`measuring ${list.length} filters: first page (100 rows) x ${PAGE_ITERATIONS}, stats (count + charts) up to ${PAGE_ITERATIONS} times / ${STATS_BUDGET_MS / 1000} s`);
    const rows = [...measure(admin, 'admin', list, dump), ...measure(member, 'member', list, dump)];
    if (dumpPath) writeFileSync(dumpPath, JSON.stringify(dump, null, 1));

    // The export filter: the newest ~100,000 rows (a date range).
    const exportRows = Math.min(EXPORT_ROWS, count);
    const from = (db.prepare('SELECT started_at FROM run_logs ORDER BY started_at DESC LIMIT 1 OFFSET ?').get(exportRows - 1) as { started_at: number }).started_at;
    const exportFilter: LogFilter = { from: new Date(from).toISOString() };
    // A first, smaller export of each format grows the heap to its working size; the measured
    // one then shows what exporting 5 times the rows adds (holding them would add >= the file).
    const warmFrom = (db.prepare('SELECT started_at FROM run_logs ORDER BY started_at DESC LIMIT 1 OFFSET ?').get(Math.floor(exportRows / 5) - 1) as { started_at: number }).started_at;
    await exportRun(workspace, admin, { from: new Date(warmFrom).toISOString() }, 'csv');
    await exportRun(workspace, admin, { from: new Date(warmFrom).toISOString() }, 'jsonl');
    const csv = await exportRun(workspace, admin, exportFilter, 'csv');
    const jsonl = await exportRun(workspace, admin, exportFilter, 'jsonl');

    console.log(`\nmember view: ${readable} of ${PROMPTS} prompts readable (plus their own runs)`);
    const { pageOk, statsOk } = table(rows);
    console.log('');
    const exportLines = [csv, jsonl].map((e) => {
      const growth = e.peak - e.rssBefore;
      return {
        ok: growth < TARGET_EXPORT_GROWTH_MB * 1024 * 1024,
        text: `export ${e.status.format.padEnd(5)} ${e.status.rows.toLocaleString('en')} rows in ${e.seconds.toFixed(2)} s = ${Math.round(e.status.rows / e.seconds).toLocaleString('en')} rows/s, file ${mb(e.size)}; RSS before ${mb(e.rssBefore)}, peak ${mb(e.peak)} (+${mb(growth)})`,
      };
    });
    for (const line of exportLines) console.log(line.text);
    const worstPage = Math.max(...rows.map((r) => r.page.p99));
    const worstStats = Math.max(...rows.map((r) => r.stats.p99));
    console.log('');
    console.log(`${verdict(pageOk)}  first page, every single and combined filter, admin and member: worst p99 ${ms(worstPage)}   target < ${TARGET_PAGE_MS} ms`);
    console.log(`${verdict(statsOk)}  count + chart aggregates: worst p99 ${ms(worstStats)}   target < ${TARGET_STATS_MS} ms`);
    console.log(
      `${verdict(exportLines.every((l) => l.ok))}  export of ${exportRows.toLocaleString('en')} rows streams (after a ${Math.floor(exportRows / 5).toLocaleString('en')}-row export of each format): RSS growth ${exportLines.map((l) => l.text.match(/\(\+(.*)\)$/)![1]).join(' / ')}   target < ${TARGET_EXPORT_GROWTH_MB} MiB (file sizes ${mb(csv.size)} / ${mb(jsonl.size)})`,
    );
  } finally {
    workspace.close();
    rmSync(exportsDir, { recursive: true, force: true });
  }
}

void main();
