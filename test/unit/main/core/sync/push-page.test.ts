import { afterEach, describe, expect, it, vi } from 'vitest';
import { member, seedPrompt, testWorkspace } from '../../../../helpers/workspace';
import { applyPush } from '../../../../../src/main/core/sync/sync-server';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { AppError } from '../../../../../src/main/core/errors';
import { PushInput } from '../../../../../src/shared/schemas/sync';

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A team server's folder with a prompt every member may run, and a push page of `n` runs of it by ada. */
function world(n: number) {
  const server = testWorkspace();
  cleanups.push(server.cleanup);
  const ada = member(server.owner, 'ada@example.com');
  const v = seedPrompt(server.owner, 'greet', 'Hello {{who}}');
  setSharingLevel(server.owner, { name: 'greet', level: 'library_view' });
  const ops = Array.from({ length: n }, () => ({
    id: crypto.randomUUID(), kind: 'run.log', promptId: v.promptId, versionId: v.id, source: 'chat', model: 'local:m', status: 'success', startedAt: Date.now(), latencyMs: 5,
    ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'metadata', variableNames: '["who"]', variables: null, messages: null, output: null, outputChars: 2, error: null,
  }));
  const input = PushInput.parse({ protocol: 1, ops });
  const count = (table: 'run_logs' | 'sync_ops') => (server.workspace.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { server, ada, input, count };
}

describe('a push page', () => {
  it('commits as one: a server failure at any op leaves none of the page applied, and the retry applies each op once', () => {
    for (const failAt of [1, 3, 5]) {
      const { server, ada, input, count } = world(5);
      let calls = 0;
      const insert = server.workspace.store.logs.insertMany;
      vi.spyOn(server.workspace.store.logs, 'insertMany').mockImplementation((records) => {
        // The disk fills up at the failAt-th run: the server's trouble, not the op's (a 507, retried).
        if (++calls === failAt) throw new AppError('insufficient_storage', 'Disk full');
        return insert(records);
      });
      expect(() => applyPush(ada, input), `fail at ${failAt}`).toThrow(AppError);
      expect([count('run_logs'), count('sync_ops')], `nothing of the page is kept (fail at ${failAt})`).toEqual([0, 0]);
      vi.restoreAllMocks();
      const first = applyPush(ada, input);
      expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
      expect(applyPush(ada, input)).toEqual(first);
      expect([count('run_logs'), count('sync_ops')]).toEqual([5, 5]);
    }
  });
});
