/**
 * Issue 15 target 3, round 3: a text search matching most logs plus a narrow filter (one prompt)
 * tested the prompt's runs against the full list of matches in each of the statistics'
 * statements (~450 ms on 1,000,000 logs, bench:stats). Now the prompt's runs are read from index
 * entries, then FTS5 reads its matches once and each is tested against that short list. Asking
 * FTS5 about each candidate rowid instead costs ~43 µs a run (logsRepo.fewCandidateRuns): the
 * plan must not do that, as an admin or as a member (both visibility parts).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import { planOf, statementsOf } from '../../../helpers/stats-plans';

let t: ReturnType<typeof testWorkspace>;
let ann: Ctx;
// A workspace per case: the repository keeps each statement it prepared, and a case must see all of its own.
beforeEach(() => {
  t = testWorkspace();
  ann = member(t.owner, 'ann@example.com');
  seedPrompt(ann, 'alpha', 'A {{x}}');
  const id = t.workspace.store.prompts.getRowByName('alpha')!.id;
  t.workspace.store.logs.insertMany(
    [1, 2, 3].map((version, i) => ({
      id: `run-${i}`, promptId: id, promptName: 'alpha', version, source: 'api', userId: ann.actor.id, keyLabel: null, model: 'local:echo',
      status: 'success', startedAt: Date.parse('2026-01-01T00:00:00Z') + i, latencyMs: 5, ttftMs: null, tokensIn: 1, tokensOut: 1,
      dataLogging: 'full', variableNames: '["x"]', variables: '{"x":"refund please"}', messages: null, output: 'refunded', outputChars: 8, error: null,
      conversationId: null,
    })),
  );
});
afterEach(() => t.cleanup());

// A prompt the member may read: every run of it is theirs to see, one part. Otherwise two.
it.each([
  ['admin', { q: 'refund', prompt: 'alpha' }, 1],
  ['member', { q: 'refund', prompt: 'alpha' }, 1],
  ['admin', { q: 'refund', status: ['success'], tz: 'Europe/Paris' }, 1],
  ['member', { q: 'refund', status: ['success'], tz: 'Europe/Paris' }, 2],
] as const)('a text search with a narrow filter reads the matches once, never asking FTS5 about each run (%s, %o)', (who, filter, parts) => {
  const ctx = who === 'admin' ? t.owner : ann;
  const statements = statementsOf(t.workspace.store.db, ctx, filter);
  // Nothing else: no per-day, sample or percentile statement testing runs against the matches.
  expect(statements.filter((sql) => sql.includes('run_logs_fts MATCH'))).toHaveLength(1);
  const [runs] = statements.filter((sql) => sql.includes('json_each(:candidates)'));
  const fts = planOf(t.workspace.store.db, runs!).filter((detail) => detail.includes('run_logs_fts'));
  // One read of the matches, bounded by a rowid range only (a rowid equality, the per-run probe, shows as '=' in FTS5's plan).
  expect(fts).toHaveLength(1);
  expect(fts[0]).toMatch(/^SCAN run_logs_fts VIRTUAL TABLE INDEX 0:M[^=]*$/);
  // The candidates: one walk of an index per visibility part, index entries alone.
  const [candidates] = statements.filter((sql) => /^SELECT l\.seq FROM run_logs l INDEXED BY/.test(sql));
  const walks = planOf(t.workspace.store.db, candidates!).filter((detail) => /\b(SCAN|SEARCH) l\b/.test(detail));
  expect(walks).toHaveLength(parts);
  for (const detail of walks) expect(detail).toMatch(/USING COVERING INDEX/);
});
