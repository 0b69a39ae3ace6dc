import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../../../../src/main/core/context';
import { AppError } from '../../../../../src/main/core/errors';
import type { Workspace } from '../../../../../src/main/core/workspace';
import type { ChangeEvent, ChangeKind } from '../../../../../src/shared/schemas/changes';
import { createPrompt, deletePrompt, setApiSettings, setDataLogging, updatePrompt } from '../../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { commitVersion, deleteVersion, pinDeployment, promoteVersion, updateVersion } from '../../../../../src/main/core/versions/lifecycle';
import { addShare, removeShare, setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { saveTestCase } from '../../../../../src/main/core/runs/test-cases-service';
import { tickReadiness } from '../../../../../src/main/core/readiness/readiness-service';
import { rateRun } from '../../../../../src/main/core/logs/logs-service';
import { createKey, revokeKey } from '../../../../../src/main/core/keys/keys-service';
import { addUser, setUserActive } from '../../../../../src/main/core/users/users-service';
import { deleteIntegration, saveIntegration } from '../../../../../src/main/core/integrations/integrations';
import { SaveIntegrationInput } from '../../../../../src/shared/schemas/integrations';
import { CreatePromptInput, SaveVersionInput, UpdatePromptInput } from '../../../../../src/shared/schemas/prompts';
import { AddUserInput } from '../../../../../src/shared/schemas/users';
import { member, seedPrompt, testWorkspace } from '../../../../helpers/workspace';
import { buildMatrixWorld, promptFor } from '../../../../helpers/matrix-world';
import { ACTORS, EXPECTED, type Actor } from '../../../../fixtures/permission-matrix';
import { SHARING_LEVELS } from '../../../../../src/shared/schemas/sharing';
import type { User } from '../../../../../src/shared/schemas/users';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every event `ctx`'s member receives for what `write` commits (delivery is by poke, not timers). */
async function eventsOf(workspace: Workspace, ctx: Ctx, write: () => unknown | Promise<unknown>): Promise<ChangeEvent[]> {
  const since = workspace.changes.latestSeq();
  await write();
  const got: ChangeEvent[] = [];
  const stop = workspace.changes.subscribe(() => ({ ...ctx, actor: workspace.store.users.get(ctx.actor.id)! }), since, (e) => got.push(e));
  await settle();
  await settle();
  stop();
  return got;
}

describe('change stream: one event per committed write', () => {
  let t: ReturnType<typeof testWorkspace>;
  let runId = '';
  beforeAll(() => {
    t = testWorkspace();
    seedPrompt(t.owner, 'base', 'Hello {{who}}');
  });
  afterAll(() => t.cleanup());

  const logRun = async () => {
    runId = randomUUID();
    const row = t.workspace.store.prompts.getRowByName('base')!;
    await t.workspace.runtime.logs.append({
      id: runId, promptId: row.id, promptName: 'base', version: 1, source: 'api', userId: t.owner.actor.id, keyLabel: null,
      model: 'local:echo', status: 'success', startedAt: Date.now(), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 1,
      dataLogging: 'full', variableNames: '[]', variables: '{}', messages: '[]', output: 'out', outputChars: 3, error: null, conversationId: null,
    });
  };

  // Each service write, in an order where each can run, with the kinds it must produce.
  const WRITES: [string, () => unknown, ChangeKind[]][] = [
    ['create a prompt', () => createPrompt(t.owner, CreatePromptInput.parse({ name: 'other', title: 'Other' })), ['prompt.created']],
    ['update title and tags', () => updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'base', title: 'Base!', tags: ['x'] })), ['prompt.updated']],
    ['save a version', () => saveVersion(t.owner, SaveVersionInput.parse({ name: 'base', template: { kind: 'text', text: 'Two {{who}}' } })), ['version.saved']],
    ['edit a draft version', () => updateVersion(t.owner, { name: 'base', number: 2, template: { kind: 'text', text: 'Two! {{who}}' } } as never), ['version.updated']],
    ['commit a version', () => commitVersion(t.owner, 'base', 2), ['version.updated']],
    ['promote', () => promoteVersion(t.owner, { name: 'base', number: 1, notes: '' }), ['version.promoted', 'version.updated']],
    ['pin', () => pinDeployment(t.owner, 'base', 1), ['deployment.pinned']],
    ['unpin', () => pinDeployment(t.owner, 'base', null), ['deployment.pinned']],
    ['sharing level', () => setSharingLevel(t.owner, { name: 'base', level: 'library_view' }), ['sharing.changed']],
    ['API access', () => setApiSettings(t.owner, { name: 'base', apiAccess: true }), ['sharing.changed']],
    ['data logging', () => setDataLogging(t.owner, 'base', 'metadata'), ['prompt.updated']],
    ['add a share', () => addShare(t.owner, { name: 'base', email: 'sam@example.com', permission: 'view' }), ['sharing.changed']],
    ['remove a share', () => removeShare(t.owner, { name: 'base', userId: t.workspace.store.users.getByEmail('sam@example.com')!.id } as never), ['sharing.changed']],
    ['save a test case', () => saveTestCase(t.owner, { name: 'base', caseName: 'c1', variables: { who: 'x' } } as never), ['testcase.changed']],
    ['tick readiness', () => tickReadiness(t.owner, { name: 'base', item: 'clear_naming', ticked: true } as never), ['readiness.changed']],
    ['log a run', logRun, ['run.logged']],
    ['rate a run', () => rateRun(t.owner, { id: runId, rating: 'useful' } as never), ['run.rated']],
    ['create a key', () => createKey(t.owner, { userEmail: t.owner.actor.email, label: 'k' }), ['key.changed']],
    ['revoke a key', () => revokeKey(t.owner, t.workspace.store.keys.listForUser(t.owner.actor.id)[0]!.id), ['key.changed']],
    ['add a member', () => addUser(t.owner, AddUserInput.parse({ email: 'new@example.com', name: 'New' })), ['member.changed']],
    [
      'save an integration',
      () => saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', apiKey: '', models: ['m'] })),
      ['integration.changed'],
    ],
    ['delete an integration', () => deleteIntegration(t.owner, t.workspace.store.integrations.list()[0]!.id), ['integration.changed']],
    ['delete a version', () => deleteVersion(t.owner, 'base', 3), ['version.updated']],
    ['delete a prompt', () => deletePrompt(t.owner, 'other'), ['prompt.deleted']],
  ];

  it.each(WRITES)('%s', async (_label, write, kinds) => {
    if (_label === 'add a share') addUser(t.owner, AddUserInput.parse({ email: 'sam@example.com', name: 'Sam' }));
    if (_label === 'delete a version') saveVersion(t.owner, SaveVersionInput.parse({ name: 'base', template: { kind: 'text', text: 'Three' } }));
    const events = await eventsOf(t.workspace, t.owner, write);
    // One event per changed row: a promotion also changes the version's status (one or two updates).
    expect([...new Set(events.map((e) => e.kind))].sort()).toEqual([...kinds].sort());
    for (const e of events) if (e.prompt) expect(['base', 'other']).toContain(e.prompt.name);
  });

  it('has no event for a rolled-back transaction, and seq keeps increasing', async () => {
    const before = t.workspace.changes.latestSeq();
    const events = await eventsOf(t.workspace, t.owner, () => {
      expect(() =>
        t.workspace.store.tx(() => {
          updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'base', title: 'never' }));
          saveVersion(t.owner, SaveVersionInput.parse({ name: 'base', template: { kind: 'text', text: 'never' } }));
          throw new Error('roll back');
        }),
      ).toThrow('roll back');
    });
    expect(events).toEqual([]);
    expect(t.workspace.changes.latestSeq()).toBe(before);
    const after = await eventsOf(t.workspace, t.owner, () => saveVersion(t.owner, SaveVersionInput.parse({ name: 'base', template: { kind: 'text', text: 'kept' } })));
    expect(after.map((e) => e.kind)).toEqual(['version.saved']);
    expect(after[0]!.seq).toBeGreaterThan(before);
  });

  it('answers a since older than retention with reset', async () => {
    t.workspace.store.settings.set('changes_retain', 5);
    for (let i = 0; i < 8; i++) updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'base', title: `Retained ${i}` }));
    const got: ChangeEvent[] = [];
    const stop = t.workspace.changes.subscribe(() => t.owner, 1, (e) => got.push(e));
    await settle();
    stop();
    expect(got.map((e) => e.kind)).toEqual(['reset']);
    expect(got[0]!.seq).toBe(t.workspace.changes.latestSeq());
    t.workspace.store.settings.set('changes_retain', 10000);
  });

  it('tells a member a prompt was hidden from them without naming it', async () => {
    const ann = member(t.owner, 'ann@example.com');
    createPrompt(t.owner, CreatePromptInput.parse({ name: 'secret-plan', title: 'Secret' }));
    setSharingLevel(t.owner, { name: 'secret-plan', level: 'library_view' });
    const events = await eventsOf(t.workspace, ann, () => setSharingLevel(t.owner, { name: 'secret-plan', level: 'private' }));
    expect(events.map((e) => e.kind)).toEqual(['access.changed']);
    expect(JSON.stringify(events)).not.toContain('secret');
    expect(await eventsOf(t.workspace, ann, () => updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'secret-plan', title: 'Secret 2' })))).toEqual([]);
    expect(await eventsOf(t.workspace, ann, () => deletePrompt(t.owner, 'secret-plan'))).toEqual([]);
    // A deleted prompt is judged by who could see it when it was deleted.
    createPrompt(t.owner, CreatePromptInput.parse({ name: 'shown-plan', title: 'Shown' }));
    setSharingLevel(t.owner, { name: 'shown-plan', level: 'library_view' });
    const deleted = await eventsOf(t.workspace, ann, () => deletePrompt(t.owner, 'shown-plan'));
    expect(deleted.map((e) => [e.kind, e.prompt?.name])).toEqual([['prompt.deleted', 'shown-plan']]);
  });

  it('delivers workspace events to admins and the member concerned only', async () => {
    const bea = member(t.owner, 'bea@example.com');
    const cal = member(t.owner, 'cal@example.com');
    const key = createKey(t.owner, { userEmail: 'bea@example.com', label: 'b' }).info;
    expect((await eventsOf(t.workspace, cal, () => revokeKey(t.owner, key.id))).map((e) => e.kind)).toEqual([]);
    const deactivate = () => setUserActive(t.owner, cal.actor.id, false);
    const toBea = await eventsOf(t.workspace, bea, deactivate);
    expect(toBea).toEqual([]);
    const toAdmin = await eventsOf(t.workspace, t.owner, () => setUserActive(t.owner, cal.actor.id, true));
    expect(toAdmin.map((e) => e.kind)).toEqual(['member.changed']);
  });
});

describe('change stream: subscribers are independent', () => {
  it('a listener that throws ends only its own subscription', async () => {
    const t = testWorkspace();
    try {
      seedPrompt(t.owner, 'p', 'one');
      const since = t.workspace.changes.latestSeq();
      const ended: unknown[] = [];
      const good: ChangeEvent[] = [];
      t.workspace.changes.subscribe(() => t.owner, since, () => { throw new Error('listener broke'); }, (error) => ended.push(error));
      t.workspace.changes.subscribe(() => t.owner, since, (e) => good.push(e));
      updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'p', title: 'One' }));
      updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'p', title: 'Two' }));
      await settle();
      t.workspace.changes.poke();
      expect(good.map((e) => e.kind)).toEqual(['prompt.updated', 'prompt.updated']);
      expect(ended).toHaveLength(1);
      expect((ended[0] as Error).message).toBe('listener broke');
    } finally {
      t.cleanup();
    }
  });
});

describe('change stream: a failed member check ends a stream only when it is a decision', () => {
  it('another process holding the write lock (SQLITE_BUSY) skips one poll; the stream then delivers what it missed', async () => {
    const t = testWorkspace();
    try {
      seedPrompt(t.owner, 'p', 'one');
      const since = t.workspace.changes.latestSeq();
      const ended: unknown[] = [];
      const got: ChangeEvent[] = [];
      let busy = true;
      const member = (): Ctx => {
        if (busy) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        return t.owner;
      };
      t.workspace.changes.subscribe(member, since, (e) => got.push(e), (error) => ended.push(error));
      updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'p', title: 'One' }));
      await settle();
      t.workspace.changes.poke();
      expect({ got: got.length, ended: ended.length, open: t.workspace.changes.subscriberCount() }).toEqual({ got: 0, ended: 0, open: 1 });
      busy = false;
      t.workspace.changes.poke();
      expect(got.map((e) => e.kind)).toEqual(['prompt.updated']);
      expect(ended).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it('a refusal (the key revoked: unauthenticated) ends the stream at the next check', async () => {
    const t = testWorkspace();
    try {
      const ended: unknown[] = [];
      t.workspace.changes.subscribe(() => { throw new AppError('unauthenticated', 'Invalid API key'); }, undefined, () => undefined, (error) => ended.push(error));
      await settle();
      t.workspace.changes.poke();
      expect(ended).toHaveLength(1);
      expect((ended[0] as AppError).code).toBe('unauthenticated');
      expect(t.workspace.changes.subscriberCount()).toBe(0);
    } finally {
      t.cleanup();
    }
  });
});

describe('change stream: no event leaks a hidden prompt (permission matrix)', () => {
  let t: ReturnType<typeof testWorkspace>;
  let users: Record<Actor, User>;
  beforeAll(() => {
    t = testWorkspace();
    users = buildMatrixWorld(t.owner);
    users.deactivated = setUserActive(t.owner, users.deactivated.id, false);
  });
  afterAll(() => t.cleanup());

  it('every member receives exactly the events of prompts they may see', async () => {
    const WRITE_KINDS = ['save', 'update', 'promote', 'pin', 'test case'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SHARING_LEVELS), fc.constantFrom(...ACTORS), fc.constantFrom(...WRITE_KINDS), fc.nat(1000), async (level, actor, kind, n) => {
        const name = promptFor(level, actor, 'read');
        const owner: Ctx = { ...t.owner, actor: users.owner };
        const write = () => {
          if (kind === 'save') saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: `v ${n}` } }));
          else if (kind === 'update') updatePrompt(owner, UpdatePromptInput.parse({ name, title: `t ${n} ${Math.random()}` }));
          else if (kind === 'promote') {
            // Promoting the other version archives this one; promoting an archived one is refused (nothing written).
            try {
              promoteVersion(owner, { name, number: 1 + (n % 2), notes: '' });
            } catch (error) {
              if (!(error instanceof AppError && error.code === 'conflict')) throw error;
            }
          }
          else if (kind === 'pin') pinDeployment(owner, name, n % 2 === 0 ? null : 1);
          else saveTestCase(owner, { name, caseName: `c${n}`, variables: { who: 'x' } } as never);
        };
        const ctx: Ctx = { ...t.owner, actor: users[actor] };
        const events = await eventsOf(t.workspace, ctx, write);
        const visible = !/^[NU]+$/.test(EXPECTED[level][actor]);
        for (const e of events) {
          expect(e.kind).not.toBe('access.changed');
          if (!visible) expect(e.prompt).toBeUndefined();
          else expect(e.prompt?.name).toBe(name);
        }
        if (!visible) expect(events).toEqual([]);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe('change stream: another process', () => {
  it("delivers another process's writes to the same data folder", async () => {
    const t = testWorkspace({ changesPollMs: 5 });
    try {
      seedPrompt(t.owner, 'shared', 'one');
      const got: ChangeEvent[] = [];
      const all = new Promise<void>((resolve) => {
        t.workspace.changes.subscribe(() => t.owner, t.workspace.changes.latestSeq(), (e) => {
          got.push(e);
          if (got.length === 3) resolve();
        });
      });
      const worker = join(__dirname, '..', '..', '..', '..', 'helpers', 'change-worker.ts');
      await promisify(execFile)(process.execPath, ['--import', 'tsx', worker, t.dir, 'shared', '3']);
      await all;
      expect(got.map((e) => [e.kind, e.prompt?.name])).toEqual([
        ['version.saved', 'shared'],
        ['version.saved', 'shared'],
        ['version.saved', 'shared'],
      ]);
      expect(got.map((e) => e.seq)).toEqual([...got.map((e) => e.seq)].sort((a, b) => a - b));
    } finally {
      t.cleanup();
    }
  }, 60_000);
});
