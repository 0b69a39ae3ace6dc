import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { startDesktop, startTeamServer, type TeamDesktop, type TeamServer } from '../../../helpers/team';
import type { Fault } from '../../../helpers/fault-proxy';
import { seedPrompt } from '../../../helpers/workspace';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { addShare, removeShare, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { AppError } from '../../../../src/main/core/errors';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import type { Ctx } from '../../../../src/main/core/context';
import type { Store } from '../../../../src/main/store/store';
import type { SyncStatus } from '../../../../src/main/core/sync/sync-engine';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { startFakeProvider } from '../../../helpers/fake-provider';
import { http } from '../../../helpers/http';

/**
 * Issue 14's sync proven across processes: a team server (`promptdesk serve --team`) and two
 * desktop hosts, each its own OS process with its own data folder, each desktop joined through
 * the real device grant and talking to the server through its own fault-injecting TCP proxy
 * (test/helpers/team.ts). The test process is the members' hands: it saves, promotes and logs
 * runs in a desktop's folder as its member (the desktop process sees them as another process's
 * writes), then tells the desktop process to sync, and reads every folder to check the invariants.
 */

let server: TeamServer;
let a: TeamDesktop;
let b: TeamDesktop;
/** Every version id saved anywhere (server, A, B) with its prompt's name, and every run id logged on a desktop. */
const savedVersions = new Map<string, string>();
const loggedRuns = new Set<string>();
/** The final number the server gave each version id, as seen at every check: a number given is never given again. */
const finalNumbers = new Map<string, number>();

beforeAll(async () => {
  server = await startTeamServer();
  [a, b] = await Promise.all([startDesktop(server, 'ada-laptop', 'ada@example.com'), startDesktop(server, 'bob-desktop', 'bob@example.com')]);
  // The first sync brings each member into their replica.
  expect(await a.sync()).toMatchObject({ state: 'online', pending: 0 });
  expect(await b.sync()).toMatchObject({ state: 'online', pending: 0 });
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await server?.stop();
});

const owner = (): Ctx => server.workspace.as(server.workspace.owner.id);
/** A prompt on the server every member may edit and promote. */
function teamPrompt(name: string, text = `${name} v1 {{who}}`): void {
  savedVersions.set(seedPrompt(owner(), name, text).id, name);
  setSharingLevel(owner(), { name, level: 'library_edit' });
}
function save(ctx: Ctx, name: string, text: string): { id: string; number: number } {
  const v = saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
  savedVersions.set(v.id, name);
  return v;
}
/** A run of `name` as the desktop's run service logs it (full data), on its newest version. */
function logRun(d: TeamDesktop, name: string): string {
  const store = d.workspace.store;
  const row = store.prompts.getRowByName(name)!;
  const id = crypto.randomUUID();
  store.logs.insertMany([
    { id, promptId: row.id, promptName: name, version: row.latest_version, source: 'chat', userId: d.memberId, keyLabel: null, model: 'local:echo', status: 'success',
      startedAt: Date.now(), latencyMs: 5, ttftMs: 1, tokensIn: 3, tokensOut: 4, dataLogging: 'full', variableNames: '["who"]', variables: '{"who":"x"}',
      messages: '[]', output: 'ok', outputChars: 2, error: null, conversationId: null },
  ]);
  loggedRuns.add(id);
  return id;
}

type VersionRow = { id: string; number: number; status: string; state: string | null };
const versions = (store: Store, name: string): VersionRow[] =>
  store.db
    .prepare('SELECT v.id, v.number, v.status, v.sync_state AS state FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = ? ORDER BY v.number')
    .all(name) as VersionRow[];
const promotions = (store: Store, name: string) =>
  store.db.prepare('SELECT h.id, h.version, h.previous_version AS previous FROM promotions h JOIN prompts p ON p.id = h.prompt_id WHERE p.name = ? ORDER BY h.seq').all(name) as {
    id: string;
    version: number;
    previous: number | null;
  }[];
const teamNames = (store: Store) => (store.db.prepare('SELECT name FROM prompts WHERE team_id IS NOT NULL ORDER BY name').all() as { name: string }[]).map((r) => r.name);
const runIds = (store: Store, ids: Iterable<string>) => {
  const one = store.db.prepare('SELECT count(*) AS n FROM run_logs WHERE id = ?');
  return [...ids].map((id) => [id, (one.get(id) as { n: number }).n] as const);
};

/** Syncs A and B in turn until both are online with nothing pending twice in a row (bounded: queued faults are used up one per connection). */
async function settle(): Promise<void> {
  let quiet = 0;
  for (let round = 0; round < 40 && quiet < 2; round++) {
    const [sa, sb] = [await a.sync(), await b.sync()];
    quiet = sa.state === 'online' && sb.state === 'online' && sa.pending === 0 && sb.pending === 0 ? quiet + 1 : 0;
  }
  expect(quiet, 'A and B reached online with nothing pending').toBe(2);
}

/**
 * The invariants, after {@link settle}: for every team prompt, the server's version numbers are
 * dense from 1; every version saved anywhere is there exactly once, under the number it got
 * first; each replica holds exactly the server's versions (ids, numbers, statuses, all synced)
 * and its promotion history; the history is linear (each promotion names the one before) with
 * one published version at most; every run logged on a desktop is in the server's log once.
 */
function checkConverged(names: string[]): void {
  const s = server.workspace.store;
  const onServer = new Set<string>();
  for (const name of names) {
    const here = versions(s, name);
    expect(here.map((v) => v.number), `${name}: dense numbers`).toEqual(here.map((_, i) => i + 1));
    for (const v of here) {
      onServer.add(v.id);
      const first = finalNumbers.get(v.id);
      expect(first ?? v.number, `${name}: version ${v.id} keeps its number`).toBe(v.number);
      finalNumbers.set(v.id, v.number);
    }
    const history = promotions(s, name);
    history.forEach((p, i) => expect(p.previous, `${name}: linear history`).toBe(i === 0 ? null : history[i - 1]!.version));
    const published = here.filter((v) => v.status === 'published');
    expect(published.map((v) => v.number), `${name}: one published version, the last promoted`).toEqual(history.length ? [history.at(-1)!.version] : []);
    for (const d of [a, b]) {
      expect(versions(d.workspace.store, name), `${d.name}: ${name}`).toEqual(here.map((v) => ({ ...v, state: 'synced' })));
      expect(promotions(d.workspace.store, name).map((p) => [p.version, p.previous]), `${d.name}: ${name} history`).toEqual(history.map((p) => [p.version, p.previous]));
    }
  }
  const lost = [...savedVersions].filter(([id, name]) => names.includes(name) && !onServer.has(id));
  expect(lost, 'no saved version lost').toEqual([]);
  expect(runIds(s, loggedRuns).filter(([, n]) => n !== 1), 'every run on the server exactly once').toEqual([]);
}

/** Connections the desktop's proxy has accepted so far. */
const connections = (d: TeamDesktop) => d.proxy.log.length;

describe('offline work on two desktops converges through the team server', () => {
  it('offline saves on both: numbers are the server\'s, dense, none lost, duplicated or reused', async () => {
    teamPrompt('offline');
    await a.sync();
    await b.sync();
    a.proxy.offline();
    b.proxy.offline();
    const mine = [save(a.as(), 'offline', 'A1 {{who}}'), save(a.as(), 'offline', 'A2 {{who}}')];
    const theirs = [1, 2, 3].map((n) => save(b.as(), 'offline', `B${n} {{who}}`));
    // Real versions locally, not yet synced; a sync attempt while offline changes nothing.
    expect(versions(a.workspace.store, 'offline').map((v) => v.state)).toEqual(['synced', 'pending', 'pending']);
    expect(await a.sync()).toMatchObject({ state: 'offline', pending: 2 });
    save(owner(), 'offline', 'Server v2 {{who}}');
    a.proxy.online();
    b.proxy.online();
    await settle();
    checkConverged(['offline']);
    const final = versions(server.workspace.store, 'offline');
    expect(final).toHaveLength(7);
    expect(final.map((v) => v.id)).toEqual(expect.arrayContaining([...mine, ...theirs].map((v) => v.id)));
  });

  it('concurrent offline promotions: one published version, a linear history, and the loser is told who promoted what', async () => {
    teamPrompt('race');
    save(owner(), 'race', 'race v2 {{who}}');
    promoteVersion(owner(), { name: 'race', number: 1, notes: 'first' });
    await a.sync();
    await b.sync();
    a.proxy.offline();
    b.proxy.offline();
    promoteVersion(a.as(), { name: 'race', number: 2, notes: 'ada ships v2' });
    const v3 = save(b.as(), 'race', 'Bob v3 {{who}}');
    promoteVersion(b.as(), { name: 'race', number: v3.number, notes: 'bob ships v3' });
    a.proxy.online();
    b.proxy.online();
    expect(await a.sync()).toMatchObject({ state: 'online', pending: 0 });
    const lost = await b.sync();
    expect(lost.notices.find((n) => n.kind === 'promotion.conflict')?.message).toMatch(/ada promoted version 2 at \d{4}-/);
    await settle();
    checkConverged(['race']);
    expect(promotions(server.workspace.store, 'race').map((p) => p.version)).toEqual([1, 2]);
  });

  it('runs made on both desktops reach the server\'s log exactly once, even when a push answer is lost', async () => {
    teamPrompt('runs');
    await a.sync();
    await b.sync();
    const made = [logRun(a, 'runs'), logRun(a, 'runs'), logRun(b, 'runs')];
    // Runs leave after the pull (their logging level as the server has it now): the pull passes;
    // A's push of runs reaches the server and is committed, its answer cut after 20 bytes.
    a.proxy.queue({ kind: 'pass' }, { kind: 'cutResponse', afterBytes: 20 });
    expect(await a.sync()).toMatchObject({ state: 'offline', pending: 2 });
    expect(runIds(server.workspace.store, made.slice(0, 2))).toEqual(made.slice(0, 2).map((id) => [id, 1]));
    await settle();
    checkConverged(['runs']);
    const rows = server.workspace.store.db.prepare("SELECT user_id AS user FROM run_logs WHERE prompt_name = 'runs' ORDER BY user_id").all() as { user: string }[];
    expect(rows.map((r) => r.user).sort()).toEqual([a.memberId, a.memberId, b.memberId].sort());
  });

  it('a run through a desktop\'s local API (a real run against a model provider) reaches the team log once', async () => {
    const provider = await startFakeProvider();
    try {
      teamPrompt('api-run');
      setApiSettings(owner(), { name: 'api-run', apiAccess: true });
      await a.sync();
      // The desktop's own settings: a model provider, and an API key of its member for local apps.
      const local = a.workspace.as(a.workspace.owner.id);
      saveIntegration(local, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
      const key = createKey(local, { userEmail: 'ada@example.com', label: 'local app' }).key;
      const res = await http(a.port, 'POST', '/api/v1/prompts/api-run/run', {
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ variables: { who: 'local app' }, model: 'local:echo' }),
      });
      expect(res.status, res.text).toBe(200);
      const runId = res.json().runId as string;
      loggedRuns.add(runId);
      await vi.waitFor(() => expect(a.workspace.store.logs.get(runId)).toBeTruthy(), { timeout: 10_000, interval: 10 });
      // The pull passes; the push of the run (after it) loses its answer.
      a.proxy.queue({ kind: 'pass' }, { kind: 'cutResponse', afterBytes: 40 });
      await settle();
      checkConverged(['api-run']);
      expect(server.workspace.store.db.prepare('SELECT user_id AS user, source FROM run_logs WHERE id = ?').get(runId)).toEqual({ user: a.memberId, source: 'api' });
    } finally {
      await provider.close();
    }
  });

  it('a member who loses access loses the prompt (and its runs) from their replica at the next sync', async () => {
    seedPrompt(owner(), 'secret', 'Shh {{x}}');
    addShare(owner(), { name: 'secret', email: 'bob@example.com', permission: 'view' });
    await b.sync();
    expect(teamNames(b.workspace.store)).toContain('secret');
    expect(teamNames(a.workspace.store)).not.toContain('secret');
    removeShare(owner(), { name: 'secret', userId: b.memberId });
    expect(await b.sync()).toMatchObject({ state: 'online' });
    expect(teamNames(b.workspace.store)).not.toContain('secret');
    expect(b.workspace.store.db.prepare("SELECT count(*) AS n FROM run_logs WHERE prompt_name = 'secret'").get()).toEqual({ n: 0 });
  });
});

describe('faults between desktop and server', () => {
  it('a push cut mid-body applies nothing; the retry applies it once', async () => {
    teamPrompt('cut');
    await a.sync();
    const long = save(a.as(), 'cut', `${'x'.repeat(4000)} {{who}}`);
    a.proxy.queue({ kind: 'cutRequest', afterBytes: 1500 });
    expect(await a.sync()).toMatchObject({ state: 'offline', pending: 1 });
    expect(versions(server.workspace.store, 'cut').map((v) => v.id)).not.toContain(long.id);
    expect(a.proxy.log.at(-1)).toMatchObject({ fault: 'cutRequest', requestBytes: 1500 });
    await settle();
    checkConverged(['cut']);
  });

  it('a push whose answer is lost after the server committed is not applied twice', async () => {
    teamPrompt('lost-answer');
    await a.sync();
    const v = save(a.as(), 'lost-answer', 'After commit {{who}}');
    a.proxy.queue({ kind: 'cutResponse', afterBytes: 30 });
    expect(await a.sync()).toMatchObject({ state: 'offline', pending: 1 });
    expect(versions(server.workspace.store, 'lost-answer').map((r) => r.id)).toContain(v.id);
    await settle();
    checkConverged(['lost-answer']);
    expect(versions(server.workspace.store, 'lost-answer')).toHaveLength(2);
  });

  it('a pull stream closed mid-page is not applied; the next sync resumes and loses nothing', async () => {
    for (let i = 0; i < 40; i++) teamPrompt(`page-${String(i).padStart(2, '0')}`, `${'y'.repeat(500)} ${i} {{who}}`);
    // Nothing is pending on B: its first connection is the pull, cut after 3000 bytes of the answer.
    b.proxy.queue({ kind: 'cutResponse', afterBytes: 3000 });
    expect(await b.sync()).toMatchObject({ state: 'offline' });
    expect(b.proxy.log.at(-1)).toMatchObject({ fault: 'cutResponse', responseBytes: 3000 });
    expect(teamNames(b.workspace.store).filter((n) => n.startsWith('page-'))).toEqual([]);
    b.proxy.queue({ kind: 'delay', ms: 50 }, { kind: 'refuse' });
    await settle();
    expect(teamNames(b.workspace.store).filter((n) => n.startsWith('page-'))).toHaveLength(40);
    checkConverged(Array.from({ length: 40 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
  });

  it('a seeded random schedule of saves, promotions, runs, offline spells and faults ends converged', async () => {
    const names = ['mix-0', 'mix-1', 'mix-2'];
    for (const name of names) teamPrompt(name);
    await settle();
    const who = fc.constantFrom<'a' | 'b'>('a', 'b');
    const prompt = fc.constantFrom(...names);
    const fault: fc.Arbitrary<Fault> = fc.oneof(
      { weight: 3, arbitrary: fc.constant<Fault>({ kind: 'refuse' }) },
      { weight: 3, arbitrary: fc.integer({ min: 5, max: 80 }).map((ms): Fault => ({ kind: 'delay', ms })) },
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 2500 }).map((afterBytes): Fault => ({ kind: 'cutRequest', afterBytes })) },
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 4000 }).map((afterBytes): Fault => ({ kind: 'cutResponse', afterBytes })) },
      { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'blackhole' }) },
    );
    const step = fc.oneof(
      fc.record({ kind: fc.constant('save' as const), who: fc.constantFrom<'a' | 'b' | 'server'>('a', 'b', 'server'), prompt }),
      fc.record({ kind: fc.constant('promote' as const), who: fc.constantFrom<'a' | 'b' | 'server'>('a', 'b', 'server'), prompt }),
      fc.record({ kind: fc.constant('run' as const), who, prompt }),
      fc.record({ kind: fc.constant('fault' as const), who, fault }),
      fc.record({ kind: fc.constant('offline' as const), who }),
      fc.record({ kind: fc.constant('online' as const), who }),
      fc.record({ kind: fc.constant('sync' as const), who }),
      fc.record({ kind: fc.constant('sync' as const), who }),
    );
    const seed = Number(process.env['CONVERGENCE_SEED'] ?? 20261130);
    const [schedule] = fc.sample(fc.array(step, { minLength: 60, maxLength: 60 }), { seed, numRuns: 1 });
    const desktop = (w: 'a' | 'b') => (w === 'a' ? a : b);
    /** Each promotion requested on a desktop: who, which version, and which version it expected in production (ids: numbers move). */
    const requests: { member: string; versionId: string; expectedId: string | null }[] = [];
    const versionIdAt = (store: Store, name: string, where: string, value?: number) =>
      (store.db.prepare(`SELECT v.id FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = ? AND ${where}`).get(...(value === undefined ? [name] : [name, value])) as { id: string } | undefined)?.id ?? null;
    const faultsBefore = a.proxy.log.length + b.proxy.log.length;
    for (const [i, s] of schedule!.entries()) {
      const ctx = s.kind === 'save' || s.kind === 'promote' ? (s.who === 'server' ? owner() : desktop(s.who).as()) : null;
      try {
        if (s.kind === 'save') save(ctx!, s.prompt, `${s.who} step ${i} {{who}}`);
        else if (s.kind === 'promote') {
          const newest = ctx!.store.prompts.getRowByName(s.prompt)!.latest_version!;
          const expectedId = versionIdAt(ctx!.store, s.prompt, "v.status = 'published'");
          const versionId = versionIdAt(ctx!.store, s.prompt, 'v.number = ?', newest)!;
          promoteVersion(ctx!, { name: s.prompt, number: newest, notes: `step ${i}` });
          if (s.who !== 'server' && versionId !== expectedId) requests.push({ member: ctx!.actor.id, versionId, expectedId });
        } else if (s.kind === 'run') logRun(desktop(s.who), s.prompt);
        else if (s.kind === 'fault') desktop(s.who).proxy.queue(s.fault);
        else if (s.kind === 'offline') desktop(s.who).proxy.offline();
        else if (s.kind === 'online') desktop(s.who).proxy.online();
        else await desktop(s.who).sync();
      } catch (error) {
        // Promoting what is already published (or archived meanwhile) is refused locally: a user's mistake, not the sync's.
        if (!(error instanceof AppError && error.code === 'conflict')) throw new Error(`seed ${seed}, step ${i} ${JSON.stringify(s)}: ${String(error)}`);
      }
    }
    a.proxy.online();
    b.proxy.online();
    await settle();
    checkConverged(names);
    // A promotion requested offline was applied only if what it expected was still in production.
    const store = server.workspace.store;
    for (const name of names) {
      const applied = store.db
        .prepare('SELECT h.version, h.previous_version AS previous, h.promoted_by AS by FROM promotions h JOIN prompts p ON p.id = h.prompt_id WHERE p.name = ? ORDER BY h.seq')
        .all(name) as { version: number; previous: number | null; by: string }[];
      for (const h of applied.filter((row) => row.by === a.memberId || row.by === b.memberId)) {
        const versionId = versionIdAt(store, name, 'v.number = ?', h.version);
        const previousId = h.previous === null ? null : versionIdAt(store, name, 'v.number = ?', h.previous);
        expect(requests, `seed ${seed}: ${name} v${h.version} promoted over v${h.previous} as requested`).toContainEqual({ member: h.by, versionId, expectedId: previousId });
      }
    }
    // The schedule really went through faulty connections.
    const kinds = new Set([...a.proxy.log, ...b.proxy.log].slice(faultsBefore).map((e) => e.fault));
    expect([...kinds].filter((k) => k !== 'pass').length, `seed ${seed}: faults used ${[...kinds].join(', ')}`).toBeGreaterThanOrEqual(3);
  });
});

describe('background sync across processes', () => {
  it('promptdesk serve on a joined folder syncs in the background: a server save arrives and its own is sent without being told, through its proxy', async () => {
    const c = await startDesktop(server, 'cy-laptop', 'cy@example.com', { background: true });
    try {
      teamPrompt('background');
      const inC = (id: string) => versions(c.workspace.store, 'background').some((v) => v.id === id && v.state === 'synced');
      const first = versions(server.workspace.store, 'background')[0]!;
      // The server's change signal (a stream through the proxy) wakes C's engine: no sync command is sent.
      await vi.waitFor(() => expect(inC(first.id)).toBe(true), { timeout: 15_000, interval: 20 });
      const mine = save(c.as(), 'background', 'From C {{who}}');
      await vi.waitFor(() => expect(versions(server.workspace.store, 'background').map((v) => v.id)).toContain(mine.id), { timeout: 15_000, interval: 20 });
      await vi.waitFor(() => expect(inC(mine.id)).toBe(true), { timeout: 15_000, interval: 20 });
      expect(c.proxy.log.length).toBeGreaterThan(1);
      // "Sync now" through the host's own door (the sync:now channel over its bridge).
      expect(await c.sync()).toMatchObject({ state: 'online', pending: 0, lastError: null });
    } finally {
      await c.stop();
    }
    await settle();
    checkConverged(['background']);
  });
});

describe('crashes (kill -9)', () => {
  it('a desktop killed mid-push, after the server committed, re-sends on restart and nothing is duplicated', async () => {
    teamPrompt('crash-push');
    await a.sync();
    const saved = [1, 2, 3, 4, 5].map((n) => save(a.as(), 'crash-push', `crash ${n} {{who}}`));
    // Every byte both ways waits 400 ms in the proxy: the server commits, its answer is still on the way.
    a.proxy.setDefault({ kind: 'delay', ms: 400 });
    const before = connections(a);
    a.syncInFlight();
    await vi.waitFor(() => expect(versions(server.workspace.store, 'crash-push').map((v) => v.id)).toEqual(expect.arrayContaining(saved.map((v) => v.id))), { timeout: 10_000, interval: 5 });
    await a.kill9();
    expect(connections(a)).toBeGreaterThan(before);
    // The answer never arrived: the desktop still holds the five as not yet synced.
    expect(versions(a.workspace.store, 'crash-push').filter((v) => v.state === 'pending')).toHaveLength(5);
    a.proxy.setDefault({ kind: 'pass' });
    await a.restart();
    await settle();
    checkConverged(['crash-push']);
    expect(versions(server.workspace.store, 'crash-push')).toHaveLength(6);
  });

  it('the server killed mid-pull: after its restart the replica converges, nothing lost or duplicated', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
    for (const name of names) teamPrompt(name, `${'z'.repeat(300)} ${name} {{who}}`);
    save(b.as(), 'mix-0', 'made while the server dies {{who}}');
    // Pages of 100 prompts; each byte waits 30 ms in B's proxy so the pull spans the kill.
    b.proxy.setDefault({ kind: 'delay', ms: 30 });
    const before = connections(b);
    const during = b.sync();
    await vi.waitFor(() => expect(connections(b) - before).toBeGreaterThanOrEqual(3), { timeout: 10_000, interval: 2 });
    await server.kill9();
    const status: SyncStatus = await during;
    expect(status.state).toBe('offline');
    // Some pages may have been applied before the kill, never all of them.
    expect(teamNames(b.workspace.store).filter((n) => n.startsWith('bulk-')).length).toBeLessThan(names.length);
    // Work goes on while the server is down.
    save(a.as(), 'mix-1', 'made while the server is down {{who}}');
    expect(await a.sync()).toMatchObject({ state: 'offline', pending: 1 });
    b.proxy.setDefault({ kind: 'pass' });
    await server.restart();
    await settle();
    expect(teamNames(b.workspace.store).filter((n) => n.startsWith('bulk-'))).toEqual(names);
    checkConverged(['mix-0', 'mix-1', ...names.slice(0, 20), ...names.slice(-5)]);
  });
});
