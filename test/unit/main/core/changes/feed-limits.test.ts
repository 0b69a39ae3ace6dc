import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Ctx } from '../../../../../src/main/core/context';
import type { ChangeEvent } from '../../../../../src/shared/schemas/changes';
import { AppError } from '../../../../../src/main/core/errors';
import { updatePrompt } from '../../../../../src/main/core/prompts/prompts-service';
import { createKey, streamKeyCtx } from '../../../../../src/main/core/keys/keys-service';
import { StreamLimits } from '../../../../../src/main/core/changes/stream-limits';
import { UpdatePromptInput } from '../../../../../src/shared/schemas/prompts';
import { member, seedPrompt, testWorkspace } from '../../../../helpers/workspace';

/*
 * Issue 13 attack F1, F5, F6 on the feed itself: delivery work per poll does not grow with the
 * number of streams one member holds; an open stream whose unread rows were pruned gets the
 * reset a resume gets; an idle stream's expired key ends it; the stream caps as a model.
 */

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('delivery cost per poll (F1)', () => {
  /** Visibility lookups (prompt rows read) and member checks made by one poll delivering 20 events to `streams` streams of one member. */
  async function onePoll(streams: number, identity: boolean): Promise<{ lookups: number; checks: number; delivered: number }> {
    const t = testWorkspace();
    try {
      seedPrompt(t.owner, 'p', 'one');
      const store = t.workspace.store;
      let checks = 0;
      let delivered = 0;
      const stops: (() => void)[] = [];
      for (let i = 0; i < streams; i++) {
        const check = () => {
          checks++;
          return { ...t.owner, actor: store.users.get(t.owner.actor.id)! };
        };
        stops.push(t.workspace.changes.subscribe(check, t.workspace.changes.latestSeq(), () => delivered++, undefined, identity ? { identity: 'key:one' } : undefined));
      }
      await settle();
      for (let i = 0; i < 20; i++) updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'p', title: `T${i}` }));
      const original = store.prompts.getRowById.bind(store.prompts);
      let lookups = 0;
      store.prompts.getRowById = (id: string) => {
        lookups++;
        return original(id);
      };
      checks = 0;
      t.workspace.changes.poke();
      store.prompts.getRowById = original;
      for (const stop of stops) stop();
      return { lookups, checks, delivered };
    } finally {
      t.cleanup();
    }
  }

  it.each([2, 10, 60])('1 stream vs %i streams of one member: the same visibility work; one member check per poll for streams sharing a key', async (n) => {
    const one = await onePoll(1, true);
    const many = await onePoll(n, true);
    expect(many.delivered).toBe(n * 20);
    expect(many.lookups).toBe(one.lookups);
    // Poked: the idle recheck and the delivery each check once per identity.
    expect(many.checks).toBe(one.checks);
    // Without a shared identity each stream is checked once per poll, never once per event.
    const unshared = await onePoll(n, false);
    expect(unshared.lookups).toBe(one.lookups);
    expect(unshared.checks).toBeLessThanOrEqual(2 * n);
  });
});

describe('an open stream whose unread rows were pruned (F5)', () => {
  it('gets exactly the reset a resume from the same point gets, then continues', async () => {
    const t = testWorkspace();
    try {
      seedPrompt(t.owner, 'p', 'one');
      const open: ChangeEvent[] = [];
      const stop = t.workspace.changes.subscribe(() => t.owner, t.workspace.changes.latestSeq(), (e) => open.push(e));
      await settle();
      const cursor = t.workspace.changes.latestSeq();
      t.workspace.store.settings.set('changes_retain', 5);
      // More changes than are kept land between two polls (synchronously: no poll in between).
      for (let i = 0; i < 12; i++) updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'p', title: `T${i}` }));
      const resumed: ChangeEvent[] = [];
      const stopResume = t.workspace.changes.subscribe(() => t.owner, cursor, (e) => resumed.push(e));
      await settle();
      t.workspace.changes.poke();
      const newest = t.workspace.changes.latestSeq();
      expect(open.map((e) => [e.kind, e.seq])).toEqual([['reset', newest]]);
      expect(resumed.map((e) => [e.kind, e.seq])).toEqual([['reset', newest]]);
      expect(t.workspace.changes.resumeLost(cursor)).toBe(true);
      t.workspace.store.settings.set('changes_retain', 10000);
      updatePrompt(t.owner, UpdatePromptInput.parse({ name: 'p', title: 'after' }));
      t.workspace.changes.poke();
      expect(open.map((e) => e.kind)).toEqual(['reset', 'prompt.updated']);
      stop();
      stopResume();
    } finally {
      t.cleanup();
    }
  });
});

describe("an idle stream's key (F6)", () => {
  it('an expired key ends the stream without any new change', async () => {
    const t = testWorkspace();
    try {
      const bob = member(t.owner, 'bob@example.com');
      // The test clock moves a second per reading: the key expires after a few checks.
      const expiresAt = new Date(t.workspace.clock.now().getTime() + 5_000).toISOString();
      const { info } = createKey(t.owner, { userEmail: 'bob@example.com', label: 'short', expiresAt });
      const base: Ctx = { ...bob, via: { kind: 'api', key: info, loopback: true } };
      const ended: unknown[] = [];
      t.workspace.changes.subscribe(() => streamKeyCtx(base, info.id), undefined, () => undefined, (error) => ended.push(error));
      await settle();
      const seq = t.workspace.changes.latestSeq();
      for (let i = 0; i < 10 && ended.length === 0; i++) t.workspace.changes.poke();
      expect(t.workspace.changes.latestSeq()).toBe(seq);
      expect(ended).toHaveLength(1);
      expect((ended[0] as AppError).code).toBe('unauthenticated');
      expect(t.workspace.changes.subscriberCount()).toBe(0);
    } finally {
      t.cleanup();
    }
  });
});

describe('stream limits as a model (F1)', () => {
  it('per credential, per member and in total, whatever the order of opens and closes', () => {
    const holders = [
      { memberId: 'm1', credential: 'k1' },
      { memberId: 'm1', credential: 'k2' },
      { memberId: 'm2', credential: 'k3' },
      { memberId: 'm3', credential: 'k4' },
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(3)), { maxLength: 80 }), (ops) => {
        const limits = new StreamLimits();
        limits.settings = { perKey: 2, perMember: 3, total: 5, retryAfterS: 1 };
        const open: { holder: (typeof holders)[number]; release: () => void }[] = [];
        for (const [opening, index] of ops) {
          if (!opening) {
            const closing = open.splice(index % Math.max(open.length, 1), 1)[0];
            closing?.release();
            closing?.release(); // idempotent
            continue;
          }
          const holder = holders[index]!;
          const ofKey = open.filter((s) => s.holder.credential === holder.credential).length;
          const ofMember = open.filter((s) => s.holder.memberId === holder.memberId).length;
          const expected = ofKey >= 2 || ofMember >= 3 ? 429 : open.length >= 5 ? 503 : 200;
          try {
            open.push({ holder, release: limits.acquire(holder) });
            expect(expected).toBe(200);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
            expect((error as AppError).code).toBe(expected === 429 ? 'rate_limited' : 'unavailable');
            expect((error as AppError).retryAfter).toBe(1);
          }
          expect(limits.count()).toBe(open.length);
        }
      }),
    );
  });
});
