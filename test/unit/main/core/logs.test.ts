import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import { errorOf } from '../../../helpers/errors';
import type { Ctx } from '../../../../src/main/core/context';
import type { LogRecord } from '../../../../src/main/store/repos/logs-repo';
import { getLog, listLogs, logStats, purgeLogs, rateRun, resolveFilter, setRetention } from '../../../../src/main/core/logs/logs-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { MAX_INDEXED_CHARS } from '../../../../src/main/core/search/search-text';
import { ListLogsInput, LogFilterSchema } from '../../../../src/shared/schemas/logs';

let t: ReturnType<typeof testWorkspace>;
let owner: Ctx;
let promptIds: Record<string, string>;
const DAY = 86_400_000;
// The test workspace's clock starts at 2026-01-01 and ticks a second per call.
const NOW = Date.parse('2026-01-01T00:00:00Z');

function record(over: Partial<LogRecord>): LogRecord {
  return {
    id: crypto.randomUUID(), promptId: promptIds['alpha']!, promptName: 'alpha', version: 1, source: 'api', userId: owner.actor.id,
    keyLabel: 'k', model: 'local:echo', status: 'success', startedAt: NOW - DAY, latencyMs: 100, ttftMs: 10, tokensIn: 3, tokensOut: 4,
    dataLogging: 'full', variableNames: '["x"]', variables: '{"x":"apples"}', messages: '[]', output: 'Echo: apples', outputChars: 12,
    error: null, conversationId: null, ...over,
  };
}

beforeEach(() => {
  t = testWorkspace();
  owner = t.owner;
  seedPrompt(owner, 'alpha', 'A {{x}}');
  seedPrompt(owner, 'beta', 'B {{x}}');
  promptIds = { alpha: t.workspace.store.prompts.getRowByName('alpha')!.id, beta: t.workspace.store.prompts.getRowByName('beta')!.id };
});
afterEach(() => t.cleanup());

const list = (ctx: Ctx, filter: object = {}) => listLogs(ctx, ListLogsInput.parse(filter)).items;
const stats = (ctx: Ctx, filter: object = {}) => logStats(ctx, LogFilterSchema.parse(filter));

describe('log queries', () => {
  it('charts runs and errors per day and latency percentiles per version', () => {
    const rows: LogRecord[] = [];
    for (let i = 1; i <= 100; i++) rows.push(record({ version: 1, latencyMs: i * 10, startedAt: NOW - 2 * DAY + i }));
    for (let i = 1; i <= 10; i++) rows.push(record({ version: 2, latencyMs: 1000 + i, status: i <= 2 ? 'error' : 'success', startedAt: NOW - DAY + i }));
    rows.push(record({ promptId: promptIds['beta']!, promptName: 'beta', startedAt: NOW - DAY }));
    t.workspace.store.logs.insertMany(rows);
    const all = stats(owner, { prompt: 'alpha' });
    expect(all).toMatchObject({ total: 110, errors: 2 });
    expect(all.days).toEqual([
      { day: '2025-12-30', runs: 100, errors: 0 },
      { day: '2025-12-31', runs: 10, errors: 2 },
    ]);
    expect(all.latencyByVersion).toEqual([
      { prompt: 'alpha', version: 1, runs: 100, p50: 500, p95: 950 },
      { prompt: 'alpha', version: 2, runs: 10, p50: 1000, p95: 1000 },
    ]);
    expect(stats(owner, { prompt: 'alpha', status: 'success' })).toMatchObject({ total: 108, errors: 0 });
    expect(stats(owner, { from: '2025-12-31' }).total).toBe(11);
    expect(errorOf(() => stats(owner, { from: '2025-12-31', to: '2025-12-30' }))).toMatchObject({ field: 'to' });
  });

  it('shows a member the logs of prompts they can read and their own runs, nothing else', () => {
    const bob = member(owner, 'bob@example.com');
    setSharingLevel(owner, { name: 'beta', level: 'chat_only' });
    const own = record({ promptId: promptIds['beta']!, promptName: 'beta', userId: bob.actor.id, source: 'chat' });
    t.workspace.store.logs.insertMany([record({}), record({ promptId: promptIds['beta']!, promptName: 'beta' }), own]);
    expect(list(bob).map((l) => l.id)).toEqual([own.id]);
    expect(errorOf(() => getLog(bob, list(owner).find((l) => l.id !== own.id)!.id)).code).toBe('not_found');
    setSharingLevel(owner, { name: 'alpha', level: 'library_view' });
    expect(list(bob)).toHaveLength(2);
    expect(list(owner)).toHaveLength(3);
  });

  it('lets only the member who ran it rate an answer, with a comment', () => {
    const bob = member(owner, 'bob@example.com');
    setSharingLevel(owner, { name: 'alpha', level: 'library_view' });
    const mine = record({ userId: bob.actor.id });
    const theirs = record({});
    t.workspace.store.logs.insertMany([mine, theirs]);
    expect(rateRun(bob, { id: mine.id, rating: 'useful', comment: 'spot on' })).toMatchObject({ rating: 'useful', ratingComment: 'spot on' });
    expect(errorOf(() => rateRun(bob, { id: theirs.id, rating: 'not_useful' })).code).toBe('forbidden');
    expect(rateRun(bob, { id: mine.id, rating: null, comment: 'ignored' })).toMatchObject({ rating: null, ratingComment: null });
  });
});

describe('export', () => {
  it('writes the filtered set as CSV (formulas neutralised) and JSONL, reporting progress', async () => {
    const rows = Array.from({ length: 4500 }, (_, i) => record({ startedAt: NOW - DAY + i, output: i === 0 ? '=HYPERLINK("x")' : `out, "${i}"` }));
    rows.push(record({ status: 'error', error: 'boom' }));
    t.workspace.store.logs.insertMany(rows);
    const query = resolveFilter(owner, LogFilterSchema.parse({ status: 'success' }));
    const started = t.workspace.runtime.exports.start(owner, query, 'csv');
    expect(started).toMatchObject({ state: 'running', total: 4500 });
    let status = started;
    while (status.state === 'running') {
      await new Promise((r) => setTimeout(r, 10));
      status = t.workspace.runtime.exports.status(owner, started.exportId);
    }
    expect(status).toMatchObject({ state: 'done', rows: 4500 });
    const csv = readFileSync(status.path!, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^id,started_at,prompt,version,source,member,/);
    expect(csv.filter((l) => l).length).toBe(4501);
    expect(csv.join('\n')).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv[1]).toContain('"out, ""4499"""');

    const jsonl = t.workspace.runtime.exports.start(owner, resolveFilter(owner, LogFilterSchema.parse({ status: 'error' })), 'jsonl');
    while (t.workspace.runtime.exports.status(owner, jsonl.exportId).state === 'running') await new Promise((r) => setTimeout(r, 10));
    const lines = readFileSync(jsonl.path!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string; error: string; variables: unknown });
    expect(lines).toEqual([expect.objectContaining({ status: 'error', error: 'boom', variables: { x: 'apples' } })]);
    const bob = member(owner, 'bob@example.com');
    expect(errorOf(() => t.workspace.runtime.exports.status(bob, jsonl.exportId)).code).toBe('not_found');
  });
});

describe('retention', () => {
  it('purges logs older than the kept days, text index included', () => {
    t.workspace.store.logs.insertMany([
      record({ startedAt: NOW - 40 * DAY, output: 'ancient pineapple' }),
      record({ startedAt: NOW - 10 * DAY, output: 'recent pineapple' }),
    ]);
    expect(errorOf(() => setRetention(member(owner, 'bob@example.com'), 30)).code).toBe('forbidden');
    expect(purgeLogs(owner).lastPurge).toBeNull();
    setRetention(owner, 30);
    const after = purgeLogs(owner);
    expect(after).toMatchObject({ retentionDays: 30, lastPurge: { removed: 1 } });
    expect(list(owner, { q: 'pineapple' }).map((l) => l.outputPreview)).toEqual(['recent pineapple']);
    t.workspace.store.db.prepare("INSERT INTO run_logs_fts(run_logs_fts) VALUES ('integrity-check')").run();
  });

  // Issue 10 item 12: indexing a logged value costs a token per CJK character, so the index holds
  // each column's first MAX_INDEXED_CHARS characters; purging must delete exactly those tokens.
  it('indexes the first MAX_INDEXED_CHARS characters of a long value, and purges it cleanly', () => {
    const head = `开头${'字'.repeat(MAX_INDEXED_CHARS - 10)}`;
    const output = `${head}${'文'.repeat(150_000)}结尾词`;
    t.workspace.store.logs.insertMany([record({ startedAt: NOW - 40 * DAY, output, variables: JSON.stringify({ x: output }) })]);
    expect(list(owner, { q: '开头' })).toHaveLength(1);
    expect(list(owner, { q: '结尾词' })).toHaveLength(0);
    setRetention(owner, 30);
    expect(purgeLogs(owner).lastPurge).toMatchObject({ removed: 1 });
    t.workspace.store.db.prepare("INSERT INTO run_logs_fts(run_logs_fts) VALUES ('integrity-check')").run();
    expect(list(owner, { q: '开头' })).toHaveLength(0);
  });
});
