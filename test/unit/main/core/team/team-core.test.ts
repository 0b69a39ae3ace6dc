import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { member, testWorkspace } from '../../../../helpers/workspace';
import { ensureTeam } from '../../../../../src/main/core/team/team-server';
import { acceptInvite, createInvite, describeInvite, INVITE_TTL_MS, revokeInvite } from '../../../../../src/main/core/team/invites';
import { checkNewPassword, hashPassword, paramsOf, verifyPassword, PASSWORD_MIN_LENGTH } from '../../../../../src/main/core/team/passwords';
import { signInWithPassword, SIGN_IN_REFUSED } from '../../../../../src/main/core/team/password-sign-in';
import { SignInThrottle, FREE_FAILURES, FREE_FAILURES_PER_ADDRESS } from '../../../../../src/main/core/team/sign-in-throttle';
import { endTeamSession, startTeamSession, teamSession, TEAM_SESSION_IDLE_MS } from '../../../../../src/main/core/team/team-sessions';
import { authorizeDevice, checkLoopbackRedirect, exchangeDeviceCode } from '../../../../../src/main/core/team/device-grants';
import { authenticateDevice } from '../../../../../src/main/core/team/devices';
import { addUser, setUserActive } from '../../../../../src/main/core/users/users-service';
import { AddUserInput } from '../../../../../src/shared/schemas/users';
import { grantSwitch } from '../../../../../src/main/core/sessions/member-switch';
import { AppError } from '../../../../../src/main/core/errors';
import type { Clock } from '../../../../../src/main/core/context';

// Passwords are hashed with scrypt at OWASP's cost (128 MiB, ~0.3 s each): on a loaded 2-core machine a test doing several takes seconds.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

const PASSWORD = 'correct horse battery staple';

function teamWorld() {
  const t = testWorkspace();
  cleanups.push(t.cleanup);
  ensureTeam(t.workspace.store, 'https://prompts.example.com/');
  return t;
}

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('passwords', () => {
  it('hash carries its parameters and verifies only the same password', async () => {
    const stored = await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 });
    expect(stored).toMatch(/^scrypt\$N=1024,r=8,p=1\$/);
    expect(paramsOf(stored)).toEqual({ N: 1024, r: 8, p: 1 });
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, stored)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'scrypt$N=3,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$x')).toBe(false);
  });

  it('the default cost is OWASP’s scrypt floor', async () => {
    expect(paramsOf(await hashPassword(PASSWORD))).toEqual({ N: 2 ** 17, r: 8, p: 1 });
  });

  it('a new password: too short, only spaces and too long are refused on the field; others pass', () => {
    for (const bad of ['', ' '.repeat(20), 'short', 'x'.repeat(PASSWORD_MIN_LENGTH - 1), 'y'.repeat(257)]) {
      expect(() => checkNewPassword(bad)).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'password' }));
    }
    fc.assert(
      fc.property(fc.string({ minLength: PASSWORD_MIN_LENGTH, maxLength: 200 }).filter((s) => s.trim() !== ''), (ok) => {
        checkNewPassword(ok);
      }),
    );
  });
});

describe('invites', () => {
  it('invite -> accept sets the password once; the code is stored hashed and cannot be reused', async () => {
    const { workspace, owner } = teamWorld();
    const { code, link } = createInvite(owner, { email: 'Ada@Example.com', role: 'member' });
    expect(link).toBe(`https://prompts.example.com/#invite=${code}`);
    expect(describeInvite(workspace.store, workspace.clock, code).email).toBe('ada@example.com');
    const rows = JSON.stringify(workspace.store.db.prepare('SELECT * FROM team_invites').all());
    expect(rows).not.toContain(code);
    expect(rows).toContain(createHash('sha256').update(code).digest().toString('hex').slice(0, 0));
    const tooShort = await refusal(acceptInvite(workspace.store, workspace.clock, { code, password: 'short' }));
    expect(tooShort.field).toBe('password');
    const ada = await acceptInvite(workspace.store, workspace.clock, { code, password: PASSWORD, name: 'Ada L' });
    expect(ada).toMatchObject({ email: 'ada@example.com', name: 'Ada L', role: 'member' });
    const again = await refusal(acceptInvite(workspace.store, workspace.clock, { code, password: PASSWORD }));
    expect(again).toMatchObject({ code: 'unauthenticated', field: 'code' });
    expect((await signInWithPassword(workspace.store, workspace.clock, { email: 'ADA@example.com', password: PASSWORD }, '10.0.0.1')).id).toBe(ada.id);
  });

  it('revoked, expired, unknown and malformed codes are one refusal', async () => {
    const { workspace, owner } = teamWorld();
    const revoked = createInvite(owner, { email: 'r@example.com', role: 'member' });
    revokeInvite(owner, revoked.invite.id);
    const expired = createInvite(owner, { email: 'e@example.com', role: 'member' });
    const later: Clock = { now: () => new Date(workspace.clock.now().getTime() + INVITE_TTL_MS + 1000) };
    const answers = await Promise.all([
      refusal(acceptInvite(workspace.store, workspace.clock, { code: revoked.code, password: PASSWORD })),
      refusal(acceptInvite(workspace.store, later, { code: expired.code, password: PASSWORD })),
      refusal(acceptInvite(workspace.store, workspace.clock, { code: randomBytes(32).toString('base64url'), password: PASSWORD })),
      refusal(acceptInvite(workspace.store, workspace.clock, { code: 'nope', password: PASSWORD })),
    ]);
    expect(new Set(answers.map((a) => JSON.stringify(a.toJSON()))).size).toBe(1);
  });

  it('a team server admits members only by invite: addUser (every door: CLI users add, POST members, users:add) is refused at email and adds no one', async () => {
    const { workspace, owner } = teamWorld();
    const before = workspace.store.users.list().length;
    const error = await refusal(() => addUser(owner, AddUserInput.parse({ email: 'pwless@example.com', name: 'No Password' })));
    expect([error.code, error.field]).toEqual(['conflict', 'email']);
    expect(error.message).toContain('invite');
    expect(workspace.store.users.list()).toHaveLength(before);
    const local = testWorkspace();
    try {
      expect(addUser(local.owner, AddUserInput.parse({ email: 'fine@example.com', name: 'Fine' })).email).toBe('fine@example.com');
    } finally {
      local.cleanup();
    }
  });

  it('only an admin invites; a member with a password cannot be invited again', async () => {
    const { workspace, owner } = teamWorld();
    const bob = member(owner, 'bob@example.com');
    expect((await refusal(() => createInvite(bob, { email: 'x@example.com', role: 'member' }))).code).toBe('forbidden');
    const { code } = createInvite(owner, { email: 'bob@example.com', role: 'member' });
    await acceptInvite(workspace.store, workspace.clock, { code, password: PASSWORD });
    expect((await refusal(() => createInvite(owner, { email: 'bob@example.com', role: 'member' }))).field).toBe('email');
  });
});

describe('password sign-in', () => {
  it('unknown email, wrong password, deactivated member: the same refusal', async () => {
    const { workspace, owner } = teamWorld();
    const { code } = createInvite(owner, { email: 'ada@example.com', role: 'member' });
    const ada = await acceptInvite(workspace.store, workspace.clock, { code, password: PASSWORD });
    const unknown = await refusal(signInWithPassword(workspace.store, workspace.clock, { email: 'nobody@example.com', password: PASSWORD }, 'a1'));
    const wrong = await refusal(signInWithPassword(workspace.store, workspace.clock, { email: 'ada@example.com', password: 'wrong password!!' }, 'a2'));
    setUserActive(owner, ada.id, false);
    const deactivated = await refusal(signInWithPassword(workspace.store, workspace.clock, { email: 'ada@example.com', password: PASSWORD }, 'a3'));
    for (const answer of [unknown, wrong, deactivated]) expect(answer.toJSON()).toEqual({ code: 'unauthenticated', message: SIGN_IN_REFUSED, field: 'password' });
  });

  it('throttle: free failures, then doubling waits per account and per address; success clears the account', () => {
    let now = 0;
    const throttle = new SignInThrottle(() => now);
    const waits: number[] = [];
    for (let i = 0; i < FREE_FAILURES + 4; i += 1) waits.push(throttle.recordFailure('ada', 'a'));
    expect(waits).toEqual([0, 0, 0, 0, 1, 2, 4, 8, 16]);
    expect(throttle.waitBefore('ada', 'other')).toBe(16);
    expect(throttle.waitBefore('bob', 'a')).toBe(0);
    // The address's own budget (FREE_FAILURES_PER_ADDRESS) runs out later, for every account.
    for (let i = FREE_FAILURES + 4; i < FREE_FAILURES_PER_ADDRESS; i += 1) throttle.recordFailure(`user${i}`, 'a');
    expect(throttle.waitBefore('bob', 'a')).toBe(1);
    expect(throttle.waitBefore('bob', 'b')).toBe(0);
    now += 16_000;
    expect(throttle.waitBefore('ada', 'b')).toBe(0);
    throttle.recordSuccess('ada');
    expect(throttle.recordFailure('ada', 'c')).toBe(0);
  });
});

describe('sessions', () => {
  it('a session expires when idle, ends on sign-out and on deactivation (for good)', async () => {
    const { workspace, owner } = teamWorld();
    const bob = member(owner, 'bob@example.com');
    const s = startTeamSession(workspace.store, workspace.clock, bob.actor);
    expect(teamSession(workspace.store, workspace.clock, s.id).member.id).toBe(bob.actor.id);
    const idle: Clock = { now: () => new Date(workspace.clock.now().getTime() + TEAM_SESSION_IDLE_MS + 60_000) };
    expect(() => teamSession(workspace.store, idle, s.id)).toThrow(/Sign in again/);
    const s2 = startTeamSession(workspace.store, workspace.clock, bob.actor);
    endTeamSession(workspace.store, s2.id);
    expect(() => teamSession(workspace.store, workspace.clock, s2.id)).toThrow(/Sign in again/);
    const s3 = startTeamSession(workspace.store, workspace.clock, bob.actor);
    setUserActive(owner, bob.actor.id, false);
    setUserActive(owner, bob.actor.id, true);
    expect(() => teamSession(workspace.store, workspace.clock, s3.id)).toThrow(/Sign in again/);
  });

  it('no "Acting as" on a team server, not even for an admin', () => {
    const { owner } = teamWorld();
    const bob = member(owner, 'bob@example.com');
    expect(() => grantSwitch(owner, { userId: bob.actor.id })).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});

describe('device grants (RFC 8252 + PKCE)', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  it('accepts only loopback redirects with a port', () => {
    for (const ok of ['http://127.0.0.1:5000/cb', 'http://[::1]:6000/', 'http://127.0.0.1:1/x?y=1']) expect(() => checkLoopbackRedirect(ok)).not.toThrow();
    for (const bad of ['https://127.0.0.1:5000/cb', 'http://localhost:5000/cb', 'http://evil.example:5000/', 'http://127.0.0.1/cb', 'http://u:p@127.0.0.1:5/', 'http://127.0.0.1:5/#x', 'http://127.0.0.2:5/', 'javascript:alert(1)', 'http://127.0.0.1.evil.com:5/']) {
      expect(() => checkLoopbackRedirect(bad), bad).toThrow(expect.objectContaining({ field: 'redirect_uri' }));
    }
  });

  it('code + right verifier -> a device token, once; a wrong verifier burns the code', () => {
    const { workspace, owner } = teamWorld();
    const bob = member(owner, 'bob@example.com');
    const grant = (state?: string) =>
      new URL(authorizeDevice(bob, { redirect_uri: 'http://127.0.0.1:5000/cb', code_challenge: challenge, code_challenge_method: 'S256', device_name: 'laptop', state }).redirect);
    const first = grant('s1');
    expect(first.searchParams.get('state')).toBe('s1');
    const code = first.searchParams.get('code')!;
    const result = exchangeDeviceCode(workspace.store, workspace.clock, { code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:5000/cb' });
    expect(result.member.id).toBe(bob.actor.id);
    expect(result.team.publicUrl).toBe('https://prompts.example.com');
    expect(authenticateDevice(workspace, result.deviceToken)?.member.id).toBe(bob.actor.id);
    expect(() => exchangeDeviceCode(workspace.store, workspace.clock, { code, code_verifier: verifier })).toThrow(expect.objectContaining({ field: 'code' }));
    const second = grant().searchParams.get('code')!;
    expect(() => exchangeDeviceCode(workspace.store, workspace.clock, { code: second, code_verifier: randomBytes(32).toString('base64url') })).toThrow(expect.objectContaining({ field: 'code' }));
    expect(() => exchangeDeviceCode(workspace.store, workspace.clock, { code: second, code_verifier: verifier })).toThrow(expect.objectContaining({ field: 'code' }));
    const third = grant().searchParams.get('code')!;
    expect(() => exchangeDeviceCode(workspace.store, workspace.clock, { code: third, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:5001/cb' })).toThrow(expect.objectContaining({ field: 'code' }));
  });
});
