/**
 * `node --import tsx test/bench/readiness.ts` — the readiness checklist's cost where it is paid:
 * GET /readiness and every widening of access when an admin requires the checklist. One prompt
 * whose served version has ROWS log rows (a fifth of them test-case runs, one in 50 rated useful by
 * one of 200 members) among as many rows of other prompts, 20 test cases, and a 20,000-character
 * template rendered once per test case for item 4. Prints the median and p95 of getReadiness.
 */
import { randomUUID } from 'node:crypto';
import { testWorkspace } from '../helpers/workspace';
import { addUser } from '../../src/main/core/users/users-service';
import { createPrompt } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { saveTestCase } from '../../src/main/core/runs/test-cases-service';
import { getReadiness } from '../../src/main/core/readiness/readiness-service';
import { AddUserInput } from '../../src/shared/schemas/users';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import type { LogRecord } from '../../src/main/store/repos/logs-repo';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const t = testWorkspace();
try {
  const { owner, workspace } = t;
  const members = Array.from({ length: 200 }, (_, i) => addUser(owner, AddUserInput.parse({ email: `m${i}@example.com`, name: `Member ${i}` })).id);
  createPrompt(owner, CreatePromptInput.parse({ name: 'big', title: 'Big prompt', description: 'A prompt with many runs' }));
  saveVersion(owner, SaveVersionInput.parse({ name: 'big', template: { kind: 'text', text: `${'Context. '.repeat(2_000)}{{question}}` } }));
  const cases = Array.from({ length: 20 }, (_, i) => saveTestCase(owner, { name: 'big', caseName: `case ${i}`, variables: { question: 'q'.repeat(i * 50) } }).id);
  const promptId = workspace.store.prompts.getRowByName('big')!.id;
  const base = { promptName: 'big', keyLabel: null, model: 'local:echo', status: 'success' as const, latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'none' as const, variableNames: null, variables: null, messages: null, output: null, outputChars: null, error: null, conversationId: null };
  const batch: LogRecord[] = [];
  const flush = () => workspace.store.logs.insertMany(batch.splice(0));
  for (let i = 0; i < ROWS * 2; i++) {
    const ours = i % 2 === 0;
    batch.push({
      ...base,
      id: randomUUID(),
      promptId: ours ? promptId : randomUUID(),
      version: 1,
      source: ours && i % 10 === 0 ? 'test' : 'chat',
      userId: members[i % members.length]!,
      startedAt: Date.parse('2026-01-01T00:00:00Z') + i,
      testCaseId: ours && i % 10 === 0 ? cases[(i / 10) % cases.length]! : null,
    });
    if (batch.length === 5_000) flush();
  }
  flush();
  const rated = workspace.store.db.prepare("UPDATE run_logs SET rating = 'useful', rated_by = user_id WHERE prompt_id = ? AND (seq - 1) % 100 = 0").run(promptId).changes;
  const raters = (): number => {
    const t0 = performance.now();
    workspace.store.logs.usefulRaters(promptId, 1);
    return performance.now() - t0;
  };
  console.log(`usefulRaters alone: ${raters().toFixed(2)} ms, ${raters().toFixed(2)} ms`);
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    const readiness = getReadiness(owner, 'big');
    times.push(performance.now() - t0);
    if (i === 0) console.log(`items: ${readiness.items.map((item) => `${item.id}=${item.status}`).join(' ')}`);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!.toFixed(2);
  console.log(`${ROWS.toLocaleString('en-US')} log rows of the version (+ as many of other prompts), ${rated} useful ratings, 20 test cases`);
  console.log(`getReadiness: median ${at(50)} ms, p95 ${at(95)} ms over ${times.length} reads`);
} finally {
  t.cleanup();
}
