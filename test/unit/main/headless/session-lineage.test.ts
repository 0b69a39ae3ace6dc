import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../../src/main/host';
import { MAX_SESSIONS, MAX_SESSIONS_PER_MEMBER, SessionRegistry } from '../../../../src/main/core/sessions/session-registry';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { createLoginLink } from '../../../../src/main/core/sessions/sign-in';
import { addUser } from '../../../../src/main/core/users/users-service';
import { AddUserInput, type User } from '../../../../src/shared/schemas/users';
import { http } from '../../../helpers/http';
import { startBridgeHost, type BridgeHost } from '../../../helpers/host';

/**
 * A session made by "Acting as" (a switch) rests on what the session it was switched from
 * rested on, and on the consent key it was given: revoking or expiring either key, or
 * deactivating either member, ends it. Without this, switching to yourself laundered a session
 * off the key it was signed in with, and a member kept acting as an admin after the admin
 * revoked the key they had consented with.
 */
let host: Host;
let port: number;
let served: BridgeHost;
let adminToken: string;
let admin: User;
let bob: User;
let carol: User;
let n = 0;

beforeAll(async () => {
  served = await startBridgeHost({ failedSignInsPerMinute: 1000 });
  ({ host, port, ownerToken: adminToken } = served);
  const owner = host.workspace.as(host.workspace.owner.id);
  admin = addUser(owner, AddUserInput.parse({ email: 'alice@example.com', name: 'Alice', role: 'admin' }));
  bob = addUser(owner, AddUserInput.parse({ email: 'bob@example.com', name: 'Bob' }));
  carol = addUser(owner, AddUserInput.parse({ email: 'carol@example.com', name: 'Carol' }));
});
afterAll(() => served.stop());

const bridgeCall = (token: string, channel: string, body: unknown) => served.bridge(channel, body, token);
const keyFor = (user: User) => createKey(host.workspace.as(host.workspace.owner.id), { userEmail: user.email, label: `k${n++}` });
const signIn = async (key: string) => {
  const res = await http(port, 'POST', '/bridge/sign-in', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  expect(res.status).toBe(200);
  return res.json().session as string;
};
const switchTo = async (token: string, input: { userId: string; key?: string }) => {
  const res = await bridgeCall(token, 'session:switch', input);
  expect(res.json()).toMatchObject({ ok: true, value: { id: input.userId } });
  return res.headers['x-promptdesk-session'] as string;
};
const works = async (token: string) => (await bridgeCall(token, 'app:info', {})).status === 200;
const revoke = async (keyId: string) => expect((await bridgeCall(adminToken, 'keys:revoke', { keyId })).json()).toMatchObject({ ok: true });
const setActive = async (user: User, isActive: boolean) =>
  expect((await bridgeCall(adminToken, 'users:set-active', { userId: user.id, isActive })).json()).toMatchObject({ ok: true });

describe('a switched session ends with what it was switched from', () => {
  it('switching to yourself does not take a session off the key it was signed in with', async () => {
    const k = keyFor(bob);
    const signedIn = await signIn(k.key);
    const self = await switchTo(signedIn, { userId: bob.id });
    const again = await switchTo(self, { userId: bob.id });
    expect(await works(self)).toBe(true);
    await revoke(k.info.id);
    expect(await works(signedIn)).toBe(false);
    expect(await works(self)).toBe(false);
    expect(await works(again)).toBe(false);
  });

  it("a member acting as an admin with the admin's consent stops when the admin revokes that key", async () => {
    const bobTab = await signIn(keyFor(bob).key);
    const consent = keyFor(admin);
    const asAdmin = await switchTo(bobTab, { userId: admin.id, key: consent.key });
    expect((await bridgeCall(asAdmin, 'users:list', {})).json()).toMatchObject({ ok: true });
    await revoke(consent.info.id);
    expect(await works(asAdmin)).toBe(false);
    // Bob's own session is untouched.
    expect(await works(bobTab)).toBe(true);
  });

  it("an admin's switch into a member ends when the admin's sign-in key is revoked, or the admin deactivated", async () => {
    const k = keyFor(admin);
    const adminTab = await signIn(k.key);
    const asCarol = await switchTo(adminTab, { userId: carol.id });
    const asCarolAgain = await switchTo(asCarol, { userId: carol.id });
    expect(await works(asCarolAgain)).toBe(true);
    await revoke(k.info.id);
    expect(await works(asCarol)).toBe(false);
    expect(await works(asCarolAgain)).toBe(false);

    const adminTab2 = await signIn(keyFor(admin).key);
    const asCarol2 = await switchTo(adminTab2, { userId: carol.id });
    await setActive(admin, false);
    expect(await works(asCarol2)).toBe(false);
    await setActive(admin, true);
  });

  it('a consented switch ends when the member who asked for it is deactivated', async () => {
    const dan = addUser(host.workspace.as(host.workspace.owner.id), AddUserInput.parse({ email: 'dan@example.com', name: 'Dan' }));
    const danTab = await signIn(keyFor(dan).key);
    const asCarol = await switchTo(danTab, { userId: carol.id, key: keyFor(carol).key });
    expect(await works(asCarol)).toBe(true);
    await setActive(dan, false);
    expect(await works(asCarol)).toBe(false);
  });

  it('sessions nothing was revoked for keep working (the printed link, a link-less admin switch)', async () => {
    const asBob = await switchTo(adminToken, { userId: bob.id });
    const back = await switchTo(asBob, { userId: bob.id });
    expect(await works(asBob)).toBe(true);
    expect(await works(back)).toBe(true);
    expect(await works(adminToken)).toBe(true);
  });
});

describe('deactivation ends sessions for good', () => {
  it('a session of a member deactivated, then reactivated, stays ended (also one switched from it)', async () => {
    const erin = addUser(host.workspace.as(host.workspace.owner.id), AddUserInput.parse({ email: 'erin@example.com', name: 'Erin' }));
    const viaKey = await signIn(keyFor(erin).key);
    const self = await switchTo(viaKey, { userId: erin.id });
    const adminAsErin = await switchTo(adminToken, { userId: erin.id });
    // No request arrives while Erin is deactivated: reactivation must not bring the sessions back.
    await setActive(erin, false);
    await setActive(erin, true);
    for (const token of [viaKey, self, adminAsErin]) expect(await works(token)).toBe(false);
    // Over the API too (PATCH /api/v1/members/{id}), and a new sign-in works afterwards.
    const again = await signIn(keyFor(erin).key);
    const ownerKey = keyFor(host.workspace.owner).key;
    const patch = (isActive: boolean) =>
      http(port, 'PATCH', `/api/v1/members/${erin.id}`, {
        headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ isActive }),
      });
    expect((await patch(false)).status).toBe(200);
    expect((await patch(true)).status).toBe(200);
    expect(await works(again)).toBe(false);
    expect(await works(await signIn(keyFor(erin).key))).toBe(true);
    expect(await works(adminToken)).toBe(true);
  });
});

describe('deactivation voids sign-in links', () => {
  it('a link printed before the member was deactivated does not work after they are reactivated', async () => {
    const fay = addUser(host.workspace.as(host.workspace.owner.id), AddUserInput.parse({ email: 'fay@example.com', name: 'Fay' }));
    const before = createLoginLink(host.workspace.store, host.workspace.clock, fay.email).secret;
    const tried = createLoginLink(host.workspace.store, host.workspace.clock, fay.email).secret;
    const link = (secret: string) => http(port, 'POST', '/bridge/sign-in', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link: secret }) });
    await setActive(fay, false);
    expect((await link(tried)).status).toBe(401);
    await setActive(fay, true);
    expect((await link(before)).status).toBe(401);
    expect((await link(tried)).status).toBe(401);
    // A link printed after reactivation works.
    expect((await link(createLoginLink(host.workspace.store, host.workspace.clock, fay.email).secret)).status).toBe(200);
  });
});

describe('a session signed in with a key makes no key that outlives it', () => {
  const expiring = (user: User, expiresAt: string) =>
    createKey(host.workspace.as(host.workspace.owner.id), { userEmail: user.email, label: `e${n++}`, expiresAt });
  const createIn = async (token: string, input: Record<string, unknown>) => (await bridgeCall(token, 'keys:create', input)).json();

  it('a key made in the session expires no later than the key it signed in with (left out: the same expiry)', async () => {
    const k = expiring(bob, '2099-01-01');
    const tab = await signIn(k.key);
    expect(await createIn(tab, { userEmail: bob.email, label: 'default' })).toMatchObject({ ok: true, value: { info: { expiresAt: k.info.expiresAt } } });
    expect(await createIn(tab, { userEmail: bob.email, label: 'sooner', expiresAt: '2098-01-01' })).toMatchObject({ ok: true });
    expect(await createIn(tab, { userEmail: bob.email, label: 'later', expiresAt: '2100-01-01' })).toMatchObject({ ok: false, error: { code: 'forbidden', field: 'expiresAt' } });
    // Switching to yourself changes nothing.
    const self = await switchTo(tab, { userId: bob.id });
    expect(await createIn(self, { userEmail: bob.email, label: 'self' })).toMatchObject({ ok: true, value: { info: { expiresAt: k.info.expiresAt } } });
  });

  it("acting as an admin with the admin's expiring key makes no key past that expiry, for anyone", async () => {
    const bobTab = await signIn(keyFor(bob).key);
    const consent = expiring(admin, '2098-06-30');
    const asAdmin = await switchTo(bobTab, { userId: admin.id, key: consent.key });
    for (const who of [admin, bob]) {
      expect(await createIn(asAdmin, { userEmail: who.email, label: 'x' })).toMatchObject({ ok: true, value: { info: { expiresAt: consent.info.expiresAt } } });
      expect(await createIn(asAdmin, { userEmail: who.email, label: 'y', expiresAt: '2099-01-01' })).toMatchObject({ ok: false, error: { field: 'expiresAt' } });
    }
  });

  it('sessions without a key (the printed link, a sign-in link) choose freely', async () => {
    expect(await createIn(adminToken, { userEmail: bob.email, label: 'free' })).toMatchObject({ ok: true, value: { info: { expiresAt: null } } });
  });
});

describe('one member cannot push everyone else out of the session store', () => {
  it("a member signing in over and over ends only their own oldest sessions, never the owner's printed link", () => {
    const sessions = new SessionRegistry();
    const ownerLink = sessions.create('owner');
    const carolTab = sessions.create('carol', 'carol-key');
    const bobFirst = sessions.create('bob', 'bob-key');
    for (let i = 0; i < MAX_SESSIONS + 500; i++) sessions.create('bob', 'bob-key');
    expect(sessions.memberOf(ownerLink)).toBe('owner');
    expect(sessions.memberOf(carolTab)).toBe('carol');
    expect(() => sessions.memberOf(bobFirst)).toThrowError(/Sign in again/);
    expect(sessions.size).toBeLessThanOrEqual(2 + MAX_SESSIONS_PER_MEMBER);
  });

  it('switching counts against the member who started the chain, not the one switched to', () => {
    const sessions = new SessionRegistry();
    const carolTab = sessions.create('carol', 'carol-key');
    const bobTab = sessions.create('bob', 'bob-key');
    const parent = { userId: 'bob', keyId: 'bob-key', from: [], createdAt: 0, usedAt: 0 };
    for (let i = 0; i < MAX_SESSIONS_PER_MEMBER * 3; i++) sessions.create('carol', 'carol-consent', parent);
    expect(sessions.memberOf(carolTab)).toBe('carol');
    expect(() => sessions.memberOf(bobTab)).toThrowError(/Sign in again/);
  });
});
