import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../../../src/main/core/errors';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import type { Ctx } from '../../../../src/main/core/context';
import { KEY_SCOPES, type KeyScope } from '../../../../src/shared/schemas/users';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { testWorkspace } from '../../../helpers/workspace';

let t: ReturnType<typeof testWorkspace>;
beforeAll(() => {
  t = testWorkspace();
});
afterAll(() => t.cleanup());

const scopeSet = fc.subarray([...KEY_SCOPES], { minLength: 1 });
// Whole days from the workspace clock's "now" (2026-01-01): some before, some after each other.
const futureDay = fc.integer({ min: 1, max: 2000 }).map((d) => new Date(Date.parse('2026-01-02T00:00:00Z') + d * 86_400_000).toISOString().slice(0, 10));

/** The context the HTTP API builds for a request made with `key`. */
function viaKey(ctx: Ctx, scopes: KeyScope[], expiresAt: string | null): Ctx {
  const made = createKey(ctx, { userEmail: ctx.actor.email, label: 'parent', scopes, expiresAt });
  return { ...ctx, via: { kind: 'api', key: made.info, loopback: true } };
}

describe('a key cannot widen itself', () => {
  it('creates keys with at most its own scopes and no later expiry (property)', () => {
    fc.assert(
      fc.property(
        scopeSet,
        fc.option(futureDay),
        fc.option(scopeSet, { nil: undefined }),
        fc.option(futureDay),
        (parentScopes, parentExpiry, wantedScopes, wantedExpiry) => {
          const parent = viaKey(t.owner, parentScopes, parentExpiry);
          const parentInfo = parent.via!.key!;
          const before = t.workspace.store.keys.listAll().length;
          let made;
          try {
            made = createKey(parent, { userEmail: t.owner.actor.email, label: 'child', scopes: wantedScopes, expiresAt: wantedExpiry });
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
            expect((error as AppError).code).toBe('forbidden');
            // A refusal changes nothing.
            expect(t.workspace.store.keys.listAll().length).toBe(before);
            // Only a request that really asked for more (or a key without the admin scope) is refused.
            const wider = (wantedScopes ?? []).some((s) => !parentInfo.scopes.includes(s));
            const later = parentInfo.expiresAt !== null && wantedExpiry !== null && `${wantedExpiry}T23:59:59.999Z` > parentInfo.expiresAt;
            expect(wider || later || !parentInfo.scopes.includes('admin')).toBe(true);
            return;
          }
          for (const scope of made.info.scopes) expect(parentInfo.scopes).toContain(scope);
          if (parentInfo.expiresAt !== null) {
            expect(made.info.expiresAt).not.toBeNull();
            expect(Date.parse(made.info.expiresAt!)).toBeLessThanOrEqual(Date.parse(parentInfo.expiresAt));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('defaults to the calling key\'s scopes and expiry, and the app (no key) to all scopes', () => {
    const parent = viaKey(t.owner, ['read', 'admin'], '2026-06-30');
    const child = createKey(parent, { userEmail: t.owner.actor.email, label: 'child' }).info;
    expect(child.scopes).toEqual(['read', 'admin']);
    expect(child.expiresAt).toBe(parent.via!.key!.expiresAt);
    expect(createKey(t.owner, { userEmail: t.owner.actor.email, label: 'app' }).info).toMatchObject({ scopes: [...KEY_SCOPES], expiresAt: null });
  });
});

describe('over HTTP', () => {
  let h: TestHost;
  beforeAll(async () => {
    h = await startTestHost();
  });
  afterAll(() => h.stop());

  it('answers 403 naming the field, and creates nothing', async () => {
    const narrow = createKey(h.owner, { userEmail: h.owner.actor.email, label: 'narrow', scopes: ['read', 'admin'], expiresAt: '2999-01-01' }).key;
    const post = (body: unknown) => h.call('POST', '/api/v1/keys', body, { authorization: `Bearer ${narrow}` });
    const before = h.host.workspace.store.keys.listAll().length;
    expectProblem(await post({ label: 'wide', scopes: ['read', 'write', 'admin'] }), 403, 'scopes');
    expectProblem(await post({ label: 'later', scopes: ['read'], expiresAt: '3000-01-01' }), 403, 'expiresAt');
    expect(h.host.workspace.store.keys.listAll().length).toBe(before);
    const ok = await post({ label: 'ok' });
    expect(ok.status).toBe(201);
    expect(ok.json().info).toMatchObject({ scopes: ['read', 'admin'], expiresAt: '2999-01-01T23:59:59.999Z' });
  });
});
