import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../../../../src/main/core/context';
import type { ChangeEvent, ChangeKind } from '../../../../../src/shared/schemas/changes';
import { AppError } from '../../../../../src/main/core/errors';
import { createPrompt, deletePrompt, getPrompt, setApiSettings, updatePrompt } from '../../../../../src/main/core/prompts/prompts-service';
import { listVersions, saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { pinDeployment, promoteVersion } from '../../../../../src/main/core/versions/lifecycle';
import { addShare, setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { listTestCases, saveTestCase } from '../../../../../src/main/core/runs/test-cases-service';
import { prepareRun } from '../../../../../src/main/core/runs/run-service';
import { getReadiness, tickReadiness } from '../../../../../src/main/core/readiness/readiness-service';
import { getLog, rateRun } from '../../../../../src/main/core/logs/logs-service';
import { setUserActive } from '../../../../../src/main/core/users/users-service';
import { CreatePromptInput, SaveVersionInput, UpdatePromptInput } from '../../../../../src/shared/schemas/prompts';
import { SHARING_LEVELS, type SharingLevel } from '../../../../../src/shared/schemas/sharing';
import { KEY_SCOPES, type ApiKeyInfo, type User } from '../../../../../src/shared/schemas/users';
import { member, testWorkspace } from '../../../../helpers/workspace';
import { buildMatrixWorld, shareAsInMatrix } from '../../../../helpers/matrix-world';
import { ACTORS, type Actor } from '../../../../fixtures/permission-matrix';

/*
 * Issue 13, attack F2: who receives an event is decided per event kind by the rule the service
 * that shows that thing uses. A matrix over the permission matrix's members and sharing levels,
 * both doors (the app, an API key), and every prompt event kind: a member receives an event
 * exactly when the corresponding service call answers them (not 403/404/401).
 */

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every event `ctx`'s member receives from `since` on, as a resume delivers them. */
async function eventsSince(t: ReturnType<typeof testWorkspace>, ctx: Ctx, since: number): Promise<ChangeEvent[]> {
  const got: ChangeEvent[] = [];
  const fresh = (): Ctx => ({ ...ctx, actor: t.workspace.store.users.get(ctx.actor.id)! });
  const stop = t.workspace.changes.subscribe(fresh, since, (e) => got.push(e));
  await settle();
  await settle();
  stop();
  return got;
}

/** Whether `call` answers (true) or refuses the caller (false); anything else fails the test. */
function answers(call: () => unknown): boolean {
  try {
    call();
    return true;
  } catch (error) {
    if (error instanceof AppError && ['forbidden', 'not_found', 'unauthenticated'].includes(error.code)) return false;
    throw error;
  }
}

/** A full-scope API key's door for `ctx` (the feed reads only the member and the door). */
function viaApi(ctx: Ctx): Ctx {
  const key: ApiKeyInfo = { id: `k-${ctx.actor.id}`, userId: ctx.actor.id, label: 'k', prefix: 'pd_x', scopes: [...KEY_SCOPES], createdAt: '', lastUsedAt: null, expiresAt: null, revokedAt: null };
  return { ...ctx, via: { kind: 'api', key, loopback: true } };
}

describe('change stream: each event kind reaches exactly those the service shows it to (F2)', () => {
  let t: ReturnType<typeof testWorkspace>;
  let users: Record<Actor, User>;
  let since = 0;
  const runIds: Record<SharingLevel, string> = {} as never;
  const promptOf = (level: SharingLevel) => `ev-${level.replace(/_/g, '-')}`;
  const goneOf = (level: SharingLevel) => `gone-${level.replace(/_/g, '-')}`;
  /** Who could see each deleted prompt, asked of the service just before it was deleted. */
  const sawGone = new Map<string, boolean>();

  beforeAll(async () => {
    t = testWorkspace();
    users = buildMatrixWorld(t.owner);
    const owner: Ctx = { ...t.owner, actor: users.owner };
    for (const level of SHARING_LEVELS) {
      for (const name of [promptOf(level), goneOf(level)]) {
        createPrompt(owner, CreatePromptInput.parse({ name, title: name }));
        saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'Hello {{who}}' } }));
        shareAsInMatrix(owner, name, level, users);
      }
    }
    users.deactivated = setUserActive(t.owner, users.deactivated.id, false);
    member(t.owner, 'extra@example.com');
    since = t.workspace.changes.latestSeq();
    for (const level of SHARING_LEVELS) {
      const name = promptOf(level);
      updatePrompt(owner, UpdatePromptInput.parse({ name, title: `${name}!` }));
      saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'Hi {{who}}' } }));
      promoteVersion(owner, { name, number: 2, notes: '' });
      pinDeployment(owner, name, 2);
      addShare(owner, { name, email: 'extra@example.com', permission: 'view' });
      saveTestCase(owner, { name, caseName: 'a secret case name', variables: { who: 'x' } } as never);
      tickReadiness(owner, { name, item: 'clear_naming', ticked: true } as never);
      const runId = randomUUID();
      runIds[level] = runId;
      const row = t.workspace.store.prompts.getRowByName(name)!;
      await t.workspace.runtime.logs.append({
        id: runId, promptId: row.id, promptName: name, version: 2, source: 'api', userId: users.owner.id, keyLabel: null,
        model: 'local:echo', status: 'success', startedAt: Date.now(), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 1,
        dataLogging: 'full', variableNames: '[]', variables: '{}', messages: '[]', output: 'out', outputChars: 3, error: null, conversationId: null,
      });
      rateRun(owner, { id: runId, rating: 'useful' } as never);
      const gone = goneOf(level);
      for (const actor of ACTORS) for (const door of ['app', 'api'] as const) {
        const ctx: Ctx = { ...t.owner, actor: users[actor] };
        sawGone.set(`${gone}|${actor}|${door}`, answers(() => visibleTo(door === 'api' ? viaApi(ctx) : ctx, gone)));
      }
      deletePrompt(owner, gone);
    }
  }, 120_000);
  afterAll(() => t.cleanup());

  /** Visible at all: the service answers, or refuses the action (403) on a prompt the caller can see. */
  function visibleTo(ctx: Ctx, name: string): void {
    try {
      getPrompt(ctx, name);
    } catch (error) {
      if (error instanceof AppError && error.code === 'forbidden') return;
      throw error;
    }
  }

  /** Version events: a reader's Versions tab lists them, a runner's run form is served one of them. */
  function versionsShown(ctx: Ctx, level: SharingLevel): unknown {
    try {
      return listVersions(ctx, promptOf(level));
    } catch {
      return prepareRun(ctx, promptOf(level));
    }
  }

  /** Per kind, the service call that shows what the event is about. */
  const SHOWN_BY: Record<Exclude<ChangeKind, 'member.changed' | 'key.changed' | 'integration.changed' | 'access.changed' | 'reset' | 'prompt.created' | 'prompt.deleted'>, (ctx: Ctx, level: SharingLevel) => unknown> = {
    'prompt.updated': (ctx, level) => visibleTo(ctx, promptOf(level)),
    'sharing.changed': (ctx, level) => visibleTo(ctx, promptOf(level)),
    'version.saved': versionsShown,
    'version.updated': versionsShown,
    'version.promoted': versionsShown,
    'deployment.pinned': versionsShown,
    'testcase.changed': (ctx, level) => listTestCases(ctx, promptOf(level)),
    'readiness.changed': (ctx, level) => getReadiness(ctx, promptOf(level)),
    'run.logged': (ctx, level) => getLog(ctx, runIds[level]),
    'run.rated': (ctx, level) => getLog(ctx, runIds[level]),
  };

  const CELLS = SHARING_LEVELS.flatMap((level) => ACTORS.flatMap((actor) => (['app', 'api'] as const).map((door) => [level, actor, door] as const)));

  it.each(CELLS)('%s x %s over the %s door', async (level, actor, door) => {
    const plain: Ctx = { ...t.owner, actor: users[actor] };
    const ctx = door === 'api' ? viaApi(plain) : plain;
    const events = await eventsSince(t, ctx, since);
    const name = promptOf(level);
    const gone = goneOf(level);
    for (const [kind, shows] of Object.entries(SHOWN_BY)) {
      const got = events.filter((e) => e.kind === kind && e.prompt?.name === name);
      expect(got.length > 0, `${kind} to ${actor} (${level}, ${door})`).toBe(answers(() => shows(ctx, level)));
    }
    const deleted = events.some((e) => e.kind === 'prompt.deleted' && e.prompt?.name === gone);
    expect(deleted, `prompt.deleted to ${actor} (${level}, ${door})`).toBe(sawGone.get(`${gone}|${actor}|${door}`));
    // Nothing else names either prompt (or the test case's name) to a member who may not see it.
    const mayList = answers(() => listTestCases(ctx, name));
    if (!mayList) expect(JSON.stringify(events.filter((e) => e.prompt?.name === name))).not.toContain('a secret case name');
  });
});

describe('change stream: access.changed only to who could see the prompt before or after (F4)', () => {
  let t: ReturnType<typeof testWorkspace>;
  beforeAll(() => {
    t = testWorkspace();
  });
  afterAll(() => t.cleanup());

  // [level before, level after] x member without a share: what they receive for the change.
  const CASES: [SharingLevel, SharingLevel, string[]][] = [
    ['private', 'private', []],
    ['private', 'chat_only', ['sharing.changed']],
    ['library_view', 'private', ['access.changed']],
    ['chat_only', 'private', ['access.changed']],
    ['library_view', 'library_edit', ['sharing.changed']],
  ];

  it.each(CASES)('%s -> %s', async (before, after, kinds) => {
    const name = `f4-${before}-${after}`.replace(/_/g, '-');
    const other = member(t.owner, `${name}@example.com`);
    createPrompt(t.owner, CreatePromptInput.parse({ name, title: name }));
    setSharingLevel(t.owner, { name, level: before });
    // Live, as an open stream: each change is judged when it happens.
    const got: ChangeEvent[] = [];
    const stop = t.workspace.changes.subscribe(() => ({ ...other, actor: t.workspace.store.users.get(other.actor.id)! }), t.workspace.changes.latestSeq(), (e) => got.push(e));
    await settle();
    const step = async (write: () => unknown) => {
      write();
      t.workspace.changes.poke();
      await settle();
    };
    // A change of the prompt's API settings: on a prompt the member never sees, nothing at all.
    await step(() => setApiSettings(t.owner, { name, apiAccess: true }));
    await step(() => setApiSettings(t.owner, { name, apiAccess: false }));
    if (after !== before) await step(() => setSharingLevel(t.owner, { name, level: after }));
    stop();
    const seenBefore = before !== 'private';
    expect(got.map((e) => e.kind)).toEqual([...(seenBefore ? ['sharing.changed', 'sharing.changed'] : []), ...kinds]);
    // access.changed never names the prompt.
    for (const e of got) if (e.kind === 'access.changed') expect(e.prompt).toBeUndefined();
  });
});
