/**
 * The Electron window's `prompts:changed` event without Electron: forwardChanges (ipc/window-changes.ts)
 * over a real core workspace, with a fake `{ send, isDestroyed }` standing in for the window's
 * webContents. What the shell adds (one forwarder per window, stopped on `destroyed`) is in
 * test/unit/main/electron/shell.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { forwardChanges, type ChangesTarget } from '../../../../src/main/ipc/window-changes';
import type { Ctx } from '../../../../src/main/core/context';
import type { Workspace } from '../../../../src/main/core/workspace';
import { startHost, type Host } from '../../../../src/main/host';
import { dispatch } from '../../../../src/main/core/handlers';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { deletePrompt, updatePrompt } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { addShare, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { SaveVersionInput, UpdatePromptInput } from '../../../../src/shared/schemas/prompts';
import type { ChangeEvent } from '../../../../src/shared/schemas/changes';
import { member, seedPrompt, tempDir, testWorkspace } from '../../../helpers/workspace';

/** A window's webContents as forwardChanges sees it: records what main sent. */
class FakeWindow implements ChangesTarget {
  sent: { channel: string; events: ChangeEvent[] }[] = [];
  destroyed = false;
  failSend = false;
  send(channel: string, events: ChangeEvent[]) {
    if (this.failSend) throw new Error('Object has been destroyed');
    // Electron copies the payload (structured clone): the renderer never shares main's objects.
    this.sent.push({ channel, events: structuredClone(events) });
  }
  isDestroyed() {
    return this.destroyed;
  }
  events(): ChangeEvent[] {
    return this.sent.flatMap((message) => message.events);
  }
  /** `kind name` of each event received, e.g. `version.saved team`. */
  seen(): string[] {
    return this.events().map((e) => `${e.kind} ${e.prompt?.name ?? ''}`.trim());
  }
}

const save = (ctx: Ctx, name: string, text = `text ${Math.random()}`) => saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
/** Waits (bounded) until the window has received `expected`; the feed delivers in commit order, so everything committed before it has been judged. */
const until = (win: FakeWindow, expected: string) => vi.waitFor(() => expect(win.seen()).toContain(expected), { timeout: 10_000, interval: 5 });

describe('forwardChanges: the prompts:changed IPC event over a real workspace', () => {
  let t: ReturnType<typeof testWorkspace>;
  let ws: Workspace;
  let bob: Ctx;
  let carol: Ctx;
  /** Whom the window acts as: the test's stand-in for the host's "Acting as". */
  let acting: string;
  const asActing = () => ws.as(acting);

  beforeAll(() => {
    t = testWorkspace({ changesPollMs: 5 });
    ws = t.workspace;
    bob = member(t.owner, 'bob@example.com');
    carol = member(t.owner, 'carol@example.com');
    // team: everyone may edit; owner-private and bob-private: their owner's (and the admin's) only.
    seedPrompt(t.owner, 'team', 'Team {{x}}');
    setSharingLevel(t.owner, { name: 'team', level: 'library_edit' });
    seedPrompt(t.owner, 'owner-private', 'Owner only');
    seedPrompt(bob, 'bob-private', 'Bob only');
    seedPrompt(carol, 'carol-private', 'Carol only');
    acting = t.owner.actor.id;
  });
  afterAll(() => t.cleanup());

  it("a version saved by another member arrives on prompts:changed as the typed event, with the other window's number", async () => {
    const win = new FakeWindow();
    const stop = forwardChanges(ws.changes, asActing, win);
    try {
      const saved = save(bob, 'team');
      await until(win, 'version.saved team');
      expect(win.sent.every((m) => m.channel === 'prompts:changed')).toBe(true);
      const event = win.events().find((e) => e.kind === 'version.saved')!;
      expect(event).toMatchObject({ kind: 'version.saved', prompt: { name: 'team' }, version: saved.number });
      expect(event.seq).toBe(ws.changes.latestSeq());
    } finally {
      stop();
    }
  });

  it('a save by another process on the same data folder (the CLI, a second window) arrives', async () => {
    const win = new FakeWindow();
    const stop = forwardChanges(ws.changes, asActing, win);
    try {
      const worker = join(__dirname, '..', '..', '..', 'helpers', 'change-worker.ts');
      await promisify(execFile)(process.execPath, ['--import', 'tsx', worker, t.dir, 'team', '2']);
      await vi.waitFor(() => expect(win.seen().filter((s) => s === 'version.saved team')).toHaveLength(2), { timeout: 10_000, interval: 5 });
    } finally {
      stop();
    }
  }, 60_000);

  it('a burst is one message, in commit order', async () => {
    const win = new FakeWindow();
    const stop = forwardChanges(ws.changes, asActing, win);
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (let i = 0; i < 5; i++) save(t.owner, 'team');
      // All five rows are read in one pump, so they leave together.
      ws.changes.poke();
      await until(win, 'version.saved team');
      expect(win.sent).toHaveLength(1);
      const seqs = win.sent[0]!.events.map((e) => e.seq);
      expect(seqs).toHaveLength(5);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    } finally {
      stop();
    }
  });

  it("a prompt the window's member cannot see never arrives, not even its name or id", async () => {
    acting = bob.actor.id;
    const win = new FakeWindow();
    const stop = forwardChanges(ws.changes, asActing, win);
    try {
      seedPrompt(t.owner, 'secret-plan', 'Hidden');
      const secretId = ws.store.prompts.getRowByName('secret-plan')!.id;
      save(t.owner, 'secret-plan');
      updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'secret-plan', title: 'Still hidden', tags: ['x'] }));
      // A share to someone else and the deletion: still nothing for bob.
      addShare(t.owner, { name: 'secret-plan', email: 'carol@example.com', permission: 'view' });
      save(carol, 'carol-private');
      deletePrompt(t.owner, 'secret-plan');
      // Sent after all of the above: once it is here, they have all been judged.
      save(t.owner, 'team');
      await until(win, 'version.saved team');
      const wire = JSON.stringify(win.sent);
      expect(wire).not.toContain('secret-plan');
      expect(wire).not.toContain(secretId);
      expect(wire).not.toContain('carol-private');
      expect(win.seen()).toEqual(['version.saved team']);
    } finally {
      stop();
      acting = t.owner.actor.id;
    }
  });

  it('a destroyed window, a send that throws and stop() each end the subscription: no subscriber is left', async () => {
    const before = ws.changes.subscriberCount();
    const destroyed = new FakeWindow();
    const throwing = new FakeWindow();
    const stopped = new FakeWindow();
    const alive = new FakeWindow();
    forwardChanges(ws.changes, asActing, destroyed);
    forwardChanges(ws.changes, asActing, throwing);
    const stop = forwardChanges(ws.changes, asActing, stopped);
    const stopAlive = forwardChanges(ws.changes, asActing, alive);
    expect(ws.changes.subscriberCount()).toBe(before + 4);

    destroyed.destroyed = true;
    throwing.failSend = true;
    stop();
    stop(); // idempotent
    expect(ws.changes.subscriberCount()).toBe(before + 3);
    save(t.owner, 'team');
    await until(alive, 'version.saved team');
    await vi.waitFor(() => expect(ws.changes.subscriberCount()).toBe(before + 1), { timeout: 10_000, interval: 5 });
    expect([destroyed.sent, throwing.sent, stopped.sent]).toEqual([[], [], []]);

    // Nothing more reaches them, nor is anything queued for them.
    save(t.owner, 'team');
    await vi.waitFor(() => expect(alive.seen()).toEqual(['version.saved team', 'version.saved team']), { timeout: 10_000, interval: 5 });
    expect([destroyed.sent, throwing.sent, stopped.sent]).toEqual([[], [], []]);
    stopAlive();
    expect(ws.changes.subscriberCount()).toBe(before);
  });

  it('after "Acting as" switches member, the window gets the new member\'s view; an event read for the previous member becomes a reset', async () => {
    const flushes: (() => void)[] = [];
    const flush = () => flushes.splice(0).forEach((f) => f());
    const win = new FakeWindow();
    const stop = forwardChanges(ws.changes, asActing, win, { defer: (f) => flushes.push(f) });
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Read for the owner, then the window switches to bob before the batch leaves.
      save(t.owner, 'owner-private');
      ws.changes.poke();
      acting = bob.actor.id;
      flush();
      expect(win.sent).toHaveLength(1);
      expect(win.sent[0]!.events).toEqual([expect.objectContaining({ kind: 'reset' })]);
      expect(JSON.stringify(win.sent)).not.toContain('owner-private');

      // From now on, bob's view: his own prompt and the team's, never the owner's private one.
      save(t.owner, 'owner-private');
      save(bob, 'bob-private');
      save(t.owner, 'team');
      ws.changes.poke();
      flush();
      expect(win.seen()).toEqual(['reset', 'version.saved bob-private', 'version.saved team']);

      // Back to the owner (an admin): the owner's private prompt shows again.
      acting = t.owner.actor.id;
      save(t.owner, 'owner-private');
      ws.changes.poke();
      flush();
      expect(win.seen().at(-1)).toBe('version.saved owner-private');
    } finally {
      stop();
      acting = t.owner.actor.id;
    }
  });

  it('property: over any interleaving of saves, member switches and sends, the window gets exactly what its member at send time may see, and a reset for what it may no longer be shown', async () => {
    const MEMBERS = { owner: () => t.owner, bob: () => bob, carol: () => carol };
    type Who = keyof typeof MEMBERS;
    // Written from the sharing rules: the owner is an admin and sees all; private prompts are their owner's.
    const PROMPTS: Record<string, { by: Who; visibleTo: Who[] }> = {
      team: { by: 'owner', visibleTo: ['owner', 'bob', 'carol'] },
      'owner-private': { by: 'owner', visibleTo: ['owner'] },
      'bob-private': { by: 'bob', visibleTo: ['owner', 'bob'] },
      'carol-private': { by: 'carol', visibleTo: ['owner', 'carol'] },
    };
    const anOp = fc.oneof(
      fc.record({ op: fc.constant('save' as const), prompt: fc.constantFrom(...Object.keys(PROMPTS)) }),
      fc.record({ op: fc.constant('switch' as const), to: fc.constantFrom<Who>('owner', 'bob', 'carol') }),
      fc.record({ op: fc.constant('send' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Who>('owner', 'bob', 'carol'), fc.array(anOp, { maxLength: 14 }), async (start, ops) => {
        const before = ws.changes.subscriberCount();
        let who: Who = start;
        acting = MEMBERS[who]().actor.id;
        const flushes: (() => void)[] = [];
        const win = new FakeWindow();
        const stop = forwardChanges(ws.changes, asActing, win, { defer: (f) => flushes.push(f) });
        // The subscription starts once its first (asynchronous) delivery has run.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const expected: string[][] = [];
        let pending: { name: string; judgedFor: Who }[] = [];
        try {
          for (const step of [...ops, { op: 'send' as const }]) {
            if (step.op === 'save') {
              save(MEMBERS[PROMPTS[step.prompt]!.by](), step.prompt);
              ws.changes.poke();
              if (PROMPTS[step.prompt]!.visibleTo.includes(who)) pending.push({ name: step.prompt, judgedFor: who });
            } else if (step.op === 'switch') {
              who = step.to;
              acting = MEMBERS[who]().actor.id;
            } else {
              const sentBefore = win.sent.length;
              flushes.splice(0).forEach((f) => f());
              if (pending.length > 0) {
                const kept = pending.filter((p) => p.judgedFor === who).map((p) => `version.saved ${p.name}`);
                expected.push(pending.some((p) => p.judgedFor !== who) ? ['reset', ...kept] : kept);
              }
              pending = [];
              // What was just sent never names a prompt the member acting now cannot see.
              for (const event of win.sent.slice(sentBefore).flatMap((m) => m.events)) {
                if (event.prompt) expect(PROMPTS[event.prompt.name]!.visibleTo).toContain(who);
              }
            }
          }
          expect(win.sent.map((m) => m.events.map((e) => `${e.kind} ${e.prompt?.name ?? ''}`.trim()))).toEqual(expected);
        } finally {
          stop();
          acting = t.owner.actor.id;
        }
        expect(ws.changes.subscriberCount()).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});

describe('forwardChanges as the Electron shell wires it: the host\'s "Acting as" (session:switch)', () => {
  let host: Host;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    dir = tempDir();
    host = await startHost({ dataDir: dir.dir, mode: 'desktop', port: 0 });
  });
  afterAll(async () => {
    await host.close();
    dir.cleanup();
  });

  it('the window follows the member the desktop acts as, switched by an admin and back with a consent key', async () => {
    const ws = host.workspace;
    const owner = ws.as(ws.owner.id);
    const dana = member(owner, 'dana@example.com');
    seedPrompt(owner, 'owner-notes', 'Owner only');
    seedPrompt(dana, 'dana-notes', 'Dana only');
    const ownerKey = createKey(owner, { userEmail: owner.actor.email, label: 'switch back' }).key;
    // The shell's own closure (electron/shell.ts followChanges).
    const win = new FakeWindow();
    const stop = forwardChanges(ws.changes, () => ws.as(host.currentUserId()), win);
    try {
      save(owner, 'owner-notes');
      await until(win, 'version.saved owner-notes');

      const switched = await dispatch(host.handlers, ws.as(host.currentUserId()), 'session:switch', { userId: dana.actor.id });
      expect(switched).toMatchObject({ ok: true });
      expect(host.currentUserId()).toBe(dana.actor.id);
      const seenBefore = win.seen().length;
      save(owner, 'owner-notes');
      save(dana, 'dana-notes');
      await until(win, 'version.saved dana-notes');
      expect(win.seen().slice(seenBefore)).toEqual(['version.saved dana-notes']);
      expect(JSON.stringify(win.sent.slice(-1))).not.toContain('owner-notes');

      const back = await dispatch(host.handlers, ws.as(host.currentUserId()), 'session:switch', { userId: owner.actor.id, key: ownerKey });
      expect(back).toMatchObject({ ok: true });
      save(owner, 'owner-notes');
      await vi.waitFor(() => expect(win.seen().at(-1)).toBe('version.saved owner-notes'), { timeout: 10_000, interval: 5 });
    } finally {
      stop();
    }
    expect(ws.changes.subscriberCount()).toBe(0);
  });
});
