/**
 * Issue 15 target 3, round 2: a logs filter on version alone (no prompt) walked the time index
 * and looked up the wide row of every run (0.3-0.9 s on 1,000,000 logs, bench:stats). Migration
 * 0320 adds run_logs_version; every statement the statistics run for such a filter, as an admin
 * and as a member (both visibility parts), must read it from index entries alone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import { planOf, statementsOf } from '../../../helpers/stats-plans';

let t: ReturnType<typeof testWorkspace>;
let ann: Ctx;
beforeAll(() => {
  t = testWorkspace();
  ann = member(t.owner, 'ann@example.com');
  seedPrompt(ann, 'alpha', 'A {{x}}');
  const id = t.workspace.store.prompts.getRowByName('alpha')!.id;
  t.workspace.store.logs.insertMany(
    [1, 2].map((version, i) => ({
      id: `run-${i}`, promptId: id, promptName: 'alpha', version, source: 'api', userId: ann.actor.id, keyLabel: null, model: 'local:echo',
      status: 'success', startedAt: Date.parse('2026-01-01T00:00:00Z') + i, latencyMs: 5, ttftMs: null, tokensIn: 1, tokensOut: 1,
      dataLogging: 'none', variableNames: null, variables: null, messages: null, output: null, outputChars: null, error: null, conversationId: null,
    })),
  );
});
afterAll(() => t.cleanup());

it.each([
  ['admin', { version: 2 }],
  ['member', { version: 2 }],
  ['admin', { version: 1, model: 'local:echo', status: ['success'] }],
  ['member', { version: 1, source: ['api'] }],
] as const)('per-day counts of a version filter without a prompt read run_logs_version from index entries alone (%s, %o)', (who, filter) => {
  const ctx = who === 'admin' ? t.owner : ann;
  const perDay = statementsOf(t.workspace.store.db, ctx, filter).filter((sql) => sql.includes('json_array(count(*)'));
  expect(perDay).toHaveLength(1);
  const plan = planOf(t.workspace.store.db, perDay[0]!);
  const walks = plan.filter((detail) => /\b(SCAN|SEARCH) l\b/.test(detail));
  // One walk per visibility part: the admin's one, a member's readable prompts and own runs.
  expect(walks).toHaveLength(who === 'admin' ? 1 : 2);
  for (const detail of walks) expect(detail).toMatch(/^SEARCH l USING COVERING INDEX run_logs_version \(version=\? AND started_at>\? AND started_at<\?\)/);
});
