import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHost, type Host } from '../../../../src/main/host';
import { dispatch } from '../../../../src/main/core/handlers';
import type { Ctx } from '../../../../src/main/core/context';
import { main } from '../../../../src/main/headless/cli';
import { MAX_SESSIONS, SESSION_IDLE_MS, SessionRegistry } from '../../../../src/main/core/sessions/session-registry';
import { createLoginLink, LOGIN_LINK_TTL_MS } from '../../../../src/main/core/sessions/sign-in';
import { createKey, revokeKey } from '../../../../src/main/core/keys/keys-service';
import { addUser } from '../../../../src/main/core/users/users-service';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { CHANNELS, type Channel } from '../../../../src/main/core/channel-map';
import { AddUserInput, type User } from '../../../../src/shared/schemas/users';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { tempDir } from '../../../helpers/workspace';
import { http } from '../../../helpers/http';
import { readLastCheck } from '../../../../src/main/store/full-check';
import { startBridgeHost, type BridgeHost } from '../../../helpers/host';

let host: Host;
let port: number;
let dataDir: string;
let served: BridgeHost;
let adminToken: string;
let bob: User;
let carol: User;
let bobKey: string;
let bobNarrowKey: string;
let carolKey: string;
let zedKeyId: string;
let adminNarrowKey: string;
let integrationId: string;
let zed: User;

beforeAll(async () => {
  served = await startBridgeHost({ failedSignInsPerMinute: 1000 });
  // adminToken is what `promptdesk serve` prints: the owner's (an admin's) session.
  ({ host, port, dataDir, ownerToken: adminToken } = served);
  const owner = host.workspace.as(host.workspace.owner.id);
  bob = addUser(owner, AddUserInput.parse({ email: 'bob@example.com', name: 'Bob' }));
  carol = addUser(owner, AddUserInput.parse({ email: 'carol@example.com', name: 'Carol' }));
  zed = addUser(owner, AddUserInput.parse({ email: 'zed@example.com', name: 'Zed' }));
  bobKey = createKey(owner, { userEmail: bob.email, label: 'bob' }).key;
  bobNarrowKey = createKey(owner, { userEmail: bob.email, label: 'bob-read', scopes: ['read'] }).key;
  carolKey = createKey(owner, { userEmail: carol.email, label: 'carol' }).key;
  zedKeyId = createKey(owner, { userEmail: zed.email, label: 'zed' }).info.id;
  adminNarrowKey = createKey(owner, { userEmail: owner.actor.email, label: 'admin-run', scopes: ['read', 'run'] }).key;
  integrationId = (await saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', models: ['m'] }))).id;
});
afterAll(() => served.stop());

const bridgeCall = (token: string, channel: string, body: unknown) => served.bridge(channel, body, token);
const call = async (token: string, channel: string, body: unknown) => (await bridgeCall(token, channel, body)).json();
const signIn = (body: unknown, headers: Record<string, string> = {}) =>
  http(port, 'POST', '/bridge/sign-in', { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const sessionOf = async (body: unknown) => {
  const res = await signIn(body);
  expect(res.status).toBe(200);
  return res.json().session as string;
};
const actingAs = async (token: string) => (await call(token, 'app:info', {})).value.currentUser.email as string;

/**
 * Every call only an admin may make, with an input an admin's call gets past the permission
 * check with. Calls that act on another member's things (their key, their access report) count.
 */
const ADMIN_CALLS: Partial<Record<Channel, () => unknown>> = {
  'api:configure': () => ({ enabled: true, port: 4400 }),
  'users:add': () => ({ email: 'eve@example.com', name: 'Eve' }),
  'users:set-active': () => ({ userId: zed.id, isActive: false }),
  'users:access': () => ({ userId: carol.id }),
  'keys:create': () => ({ userEmail: carol.email, label: 'taken' }),
  'keys:revoke': () => ({ keyId: zedKeyId }),
  'keys:setRateLimit': () => ({ perSecond: 50 }),
  'integrations:save': () => ({ name: 'sneaky', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:2/v1', models: ['x'] }),
  'integrations:delete': () => ({ id: integrationId }),
  'integrations:test': () => ({ kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' }),
  'logs:set-retention': () => ({ days: 1 }),
  'logs:purge': () => ({}),
  'readiness:set-required': () => ({ required: true }),
  'session:switch': () => ({ userId: host.workspace.owner.id }),
  // Joining or leaving a team changes the whole folder (core/team/team-link-service.ts): an admin's.
  'team:join': () => ({ serverUrl: 'http://127.0.0.1:1' }),
  'team:leave': () => ({}),
  // Where runs are exported and with which credentials (core/telemetry): the workspace's, an admin's.
  'telemetry:status': () => ({}),
  'telemetry:save': () => ({ enabled: true, endpoint: 'http://127.0.0.1:1/v1/traces' }),
  'telemetry:test': () => ({}),
  // The data folder's full check (core/storage/data-check.ts): its status and "Check now" are an admin's.
  'storage:checkStatus': () => ({}),
  'storage:checkNow': () => ({}),
};
/** Calls any member may make (on what they may see). A new channel must be put in one list. */
const MEMBER_CHANNELS: Channel[] = [
  'app:info', 'prompts:list', 'prompts:runnable', 'prompts:get', 'prompts:create', 'prompts:delete', 'prompts:set-api',
  'versions:save', 'versions:list', 'versions:get', 'versions:commit', 'versions:promote', 'versions:unarchive', 'versions:restore',
  'versions:delete', 'versions:compare', 'promotions:list', 'deployment:get', 'deployment:pin', 'sharing:get', 'sharing:set-level',
  'sharing:add', 'sharing:remove', 'render:preview', 'users:list', 'users:search', 'keys:list', 'keys:rateLimit', 'integrations:list', 'integrations:check-models',
  'integrations:secret-storage', 'prompts:set-logging', 'runs:prepare', 'runs:start', 'runs:watch', 'runs:cancel', 'testcases:list',
  'refine:prepare', 'refine:start', 'refine:watch', 'refine:cancel', 'refine:save',
  'testcases:save', 'testcases:delete', 'logs:list', 'logs:get', 'logs:stats', 'logs:rate', 'logs:export', 'logs:export-status',
  'logs:settings', 'prompts:update', 'readiness:get', 'readiness:tick', 'readiness:settings',
  'team:link', 'sync:status', 'sync:now', 'sync:unsynced-versions', 'sync:move-to-team',
];

/** What an admin call could change, to check a refused call changed nothing. */
const adminState = () => ({
  users: host.workspace.store.users.list().map((u) => `${u.email}:${u.isActive}`),
  keys: host.workspace.store.keys.listAll().map((k) => `${k.id}:${k.revokedAt}`),
  integrations: host.workspace.store.integrations.list().map((i) => i.id),
  api: host.workspace.store.settings.get('api') ?? null,
  retention: host.workspace.store.settings.get('logs.retention') ?? null,
  readinessRequired: host.workspace.store.settings.get('readiness.requiredForWidening') ?? null,
  rateLimit: host.workspace.store.settings.get('api.rateLimitPerSecond') ?? null,
  telemetry: host.workspace.store.settings.get('telemetry.otlp') ?? null,
  lastCheck: readLastCheck(host.workspace.store.path),
});

describe('a member session cannot call any admin channel', () => {
  it('classifies every channel of the contract', () => {
    expect([...Object.keys(ADMIN_CALLS), ...MEMBER_CHANNELS].sort()).toEqual([...CHANNELS].sort());
  });

  it.each(Object.keys(ADMIN_CALLS) as Channel[])('%s: refused directly, and after every way of switching', async (channel) => {
    const token = await sessionOf({ key: bobKey });
    const before = adminState();
    const attempts: Array<{ userId: string; key?: string }> = [
      { userId: host.workspace.owner.id },
      { userId: host.workspace.owner.id, key: bobKey },
      { userId: host.workspace.owner.id, key: adminNarrowKey },
      { userId: host.workspace.owner.id, key: 'pd_AAAAAAAAAAAA_' + 'b'.repeat(43) },
      { userId: carol.id },
      { userId: carol.id, key: bobKey },
    ];
    const refused = async () => {
      const result = await call(token, channel, ADMIN_CALLS[channel]!());
      expect(result.ok, `${channel} as Bob`).toBe(false);
      expect(['forbidden', 'not_found']).toContain(result.error.code);
    };
    await refused();
    for (const attempt of attempts) {
      const res = await bridgeCall(token, 'session:switch', attempt);
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'forbidden', field: 'key' } });
      expect(res.headers['x-promptdesk-session']).toBeUndefined();
      expect(await actingAs(token)).toBe(bob.email);
      await refused();
    }
    expect(adminState()).toEqual(before);
  });

  it('the same calls pass the permission check for an admin (the inputs are real)', async () => {
    for (const [channel, input] of Object.entries(ADMIN_CALLS)) {
      const result = await call(adminToken, channel, input());
      if (!result.ok) expect(['forbidden', 'not_found'], `${channel} as admin: ${result.error.message}`).not.toContain(result.error.code);
    }
  });
});

describe('each browser session acts as its own member', () => {
  it('keeps two tabs as two members apart, and a switch makes a new session for that tab only', async () => {
    const tabA = adminToken;
    const tabB = await sessionOf({ key: bobKey });
    expect(await actingAs(tabA)).toBe(host.workspace.owner.email);
    expect(await actingAs(tabB)).toBe(bob.email);
    // The admin switches tab A to Carol: that tab gets a new session; the link's session and tab B stay.
    const switched = await bridgeCall(tabA, 'session:switch', { userId: carol.id });
    expect(switched.json()).toMatchObject({ ok: true, value: { id: carol.id } });
    const tabA2 = switched.headers['x-promptdesk-session'] as string;
    expect(await actingAs(tabA2)).toBe(carol.email);
    expect(await actingAs(tabA)).toBe(host.workspace.owner.email);
    expect(await actingAs(tabB)).toBe(bob.email);
    // Bob may act as Carol with her consent (her key), and only in his own tab.
    const consented = await bridgeCall(tabB, 'session:switch', { userId: carol.id, key: carolKey });
    expect(consented.json()).toMatchObject({ ok: true });
    expect(await actingAs(consented.headers['x-promptdesk-session'] as string)).toBe(carol.email);
    expect(await actingAs(tabB)).toBe(bob.email);
    // A session's member cannot be picked by the client: there is nothing else to send.
    expect((await http(port, 'POST', '/bridge/app:info', { headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
  });

  it('refuses a wrong or narrowed key at sign-in, naming the field', async () => {
    const wrong = await signIn({ key: 'pd_AAAAAAAAAAAA_' + 'c'.repeat(43) });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ field: 'key' });
    const narrow = await signIn({ key: bobNarrowKey });
    expect(narrow.status).toBe(403);
    expect(narrow.json()).toMatchObject({ field: 'key' });
    const empty = await signIn({ key: '' });
    expect(empty.status).toBe(400);
    expect(empty.json()).toMatchObject({ field: 'key' });
  });

  it('ends the sessions of a deactivated member, of a revoked key, and on sign-out', async () => {
    const dave = addUser(host.workspace.as(host.workspace.owner.id), AddUserInput.parse({ email: 'dave@example.com', name: 'Dave' }));
    const daveKey = createKey(host.workspace.as(host.workspace.owner.id), { userEmail: dave.email, label: 'd' }).key;
    const token = await sessionOf({ key: daveKey });
    expect(await call(adminToken, 'users:set-active', { userId: dave.id, isActive: false })).toMatchObject({ ok: true });
    expect((await bridgeCall(token, 'app:info', {})).status).toBe(401);
    // Revoking the key a session signed in with ends that session.
    const carolTemp = createKey(host.workspace.as(host.workspace.owner.id), { userEmail: carol.email, label: 'temp' });
    const carolTab = await sessionOf({ key: carolTemp.key });
    expect(await actingAs(carolTab)).toBe(carol.email);
    expect(await call(adminToken, 'keys:revoke', { keyId: carolTemp.info.id })).toMatchObject({ ok: true });
    expect((await bridgeCall(carolTab, 'app:info', {})).status).toBe(401);
    const bobTab = await sessionOf({ key: bobKey });
    expect((await http(port, 'POST', '/bridge/sign-out', { headers: { 'x-promptdesk-session': bobTab } })).status).toBe(204);
    expect((await bridgeCall(bobTab, 'app:info', {})).status).toBe(401);
  });
});

describe('promptdesk users login-link', () => {
  const runCli = async (args: string[]) => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      return { code: await main(args), out: out.trim() };
    } finally {
      vi.restoreAllMocks();
    }
  };

  it('prints a link that signs the member in once', async () => {
    const { code, out } = await runCli(['users', 'login-link', '--data-dir', dataDir, '--user', 'BOB@example.com']);
    expect(code).toBe(0);
    // Without --url it points at the address this folder's server recorded.
    expect(out).toMatch(new RegExp(`^${host.server!.url}/#login=[A-Za-z0-9_-]{43}$`));
    const first = await signIn({ link: out });
    expect(first.status).toBe(200);
    expect(first.json().user.email).toBe(bob.email);
    expect(await actingAs(first.json().session)).toBe(bob.email);
    const again = await signIn({ link: out });
    expect(again.status).toBe(401);
    expect(again.json()).toMatchObject({ field: 'link' });
  });

  it('expires', async () => {
    const past = { now: () => new Date(Date.now() - LOGIN_LINK_TTL_MS - 1000) };
    const { secret } = createLoginLink(host.workspace.store, past, carol.email);
    const res = await signIn({ link: secret });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ field: 'link' });
  });

  it('refuses an unknown member, and a link can be pointed at another address', async () => {
    expect((await runCli(['users', 'login-link', '--data-dir', dataDir, '--user', 'ghost@example.com'])).code).toBe(1);
    const { code, out } = await runCli(['users', 'login-link', '--data-dir', dataDir, '--user', carol.email, '--url', 'http://127.0.0.1:9999']);
    expect(code).toBe(0);
    expect(out).toMatch(/^http:\/\/127\.0\.0\.1:9999\/#login=/);
  });
});

describe('the desktop (one window)', () => {
  /** A desktop host (one window, owner Ann's admin) with members Ann and Ben; `as()` is the window's context. */
  async function withDesktop(body: (world: { desktop: Host; owner: Ctx; ann: User; ben: User; as: () => Ctx }) => Promise<void>): Promise<void> {
    const dir = tempDir();
    const desktop = await startHost({ dataDir: dir.dir, mode: 'desktop', port: 0 });
    try {
      const owner = desktop.workspace.as(desktop.workspace.owner.id);
      const ann = addUser(owner, AddUserInput.parse({ email: 'ann@example.com', name: 'Ann' }));
      const ben = addUser(owner, AddUserInput.parse({ email: 'ben@example.com', name: 'Ben' }));
      await body({ desktop, owner, ann, ben, as: () => desktop.workspace.as(desktop.currentUserId()) });
    } finally {
      await desktop.close();
      dir.cleanup();
    }
  }
  it('switches only with consent or as an admin', async () => {
    await withDesktop(async ({ desktop, owner, ann, ben, as }) => {
      const benKey = createKey(owner, { userEmail: ben.email, label: 'b' }).key;
      const ownerKey = createKey(owner, { userEmail: owner.actor.email, label: 'o' }).key;
      // The admin may act as anyone.
      expect(await dispatch(desktop.handlers, as(), 'session:switch', { userId: ann.id })).toMatchObject({ ok: true });
      expect(desktop.currentUserId()).toBe(ann.id);
      // Ann, a member, can become neither Ben nor the admin on her own say.
      for (const userId of [ben.id, owner.actor.id]) {
        expect(await dispatch(desktop.handlers, as(), 'session:switch', { userId })).toMatchObject({ ok: false, error: { code: 'forbidden', field: 'key' } });
        expect(desktop.currentUserId()).toBe(ann.id);
      }
      expect(await dispatch(desktop.handlers, as(), 'session:switch', { userId: owner.actor.id, key: benKey })).toMatchObject({ ok: false, error: { field: 'key' } });
      // With Ben's key (his consent) she may act as Ben; with the admin's, as the admin.
      expect(await dispatch(desktop.handlers, as(), 'session:switch', { userId: ben.id, key: benKey })).toMatchObject({ ok: true });
      expect(desktop.currentUserId()).toBe(ben.id);
      expect(await dispatch(desktop.handlers, as(), 'session:switch', { userId: owner.actor.id, key: ownerKey })).toMatchObject({ ok: true });
      expect(desktop.currentUserId()).toBe(owner.actor.id);
    });
  });

  it('returns the window to the owner when the consent it acts on is withdrawn', async () => {
    await withDesktop(async ({ desktop, owner, ann, ben, as }) => {
      const { key: benKey, info: benKeyInfo } = createKey(owner, { userEmail: ben.email, label: 'b' });
      expect(await dispatch(desktop.handlers, as(), 'session:switch', { userId: ann.id })).toMatchObject({ ok: true });
      expect(await dispatch(desktop.handlers, as(), 'session:switch', { userId: ben.id, key: benKey })).toMatchObject({ ok: true });
      expect(desktop.currentUserId()).toBe(ben.id);
      // Ben revokes the key he consented with: the window no longer acts as him.
      revokeKey(desktop.workspace.as(ben.id), benKeyInfo.id);
      expect(desktop.currentUserId()).toBe(owner.actor.id);
      // A switch an admin made rests on no key, and ends when the member is deactivated.
      expect(await dispatch(desktop.handlers, as(), 'session:switch', { userId: ann.id })).toMatchObject({ ok: true });
      expect(desktop.currentUserId()).toBe(ann.id);
      expect(await dispatch(desktop.handlers, owner, 'users:set-active', { userId: ann.id, isActive: false })).toMatchObject({ ok: true });
      expect(desktop.currentUserId()).toBe(owner.actor.id);
    });
  });
});

describe('SessionRegistry', () => {
  it('ends a session unused for a day, and keeps at most MAX_SESSIONS (least recently used go first)', () => {
    let now = 0;
    const sessions = new SessionRegistry(() => now);
    const idle = sessions.create('a');
    const busy = sessions.create('b');
    now += SESSION_IDLE_MS - 1;
    expect(sessions.memberOf(busy)).toBe('b');
    now += 2;
    expect(() => sessions.memberOf(idle)).toThrowError(/Sign in again/);
    expect(sessions.memberOf(busy)).toBe('b');
    for (let i = 0; i < MAX_SESSIONS + 500; i++) {
      sessions.create(`u${i}`);
      if (i % 1000 === 0) sessions.memberOf(busy);
    }
    expect(sessions.size).toBeLessThanOrEqual(MAX_SESSIONS);
    expect(sessions.memberOf(busy)).toBe('b');
  });
});
