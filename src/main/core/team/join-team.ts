import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, invalid } from '../errors';
import type { Store } from '../../store/store';
import type { SecretBox } from '../integrations/secret-box';
import type { User } from '../../../shared/schemas/users';
import { isTeamServer, type TeamInfo } from './team-server';
import { running } from '../../store/open-markers';

/**
 * The desktop side of "Join a team workspace" (RFC 8252 §7.3 loopback redirect + PKCE, RFC 7636):
 * listen on 127.0.0.1 at a free port, open the server's `/team/authorize` in the member's browser,
 * receive the one-time code at the loopback address (checking `state`), exchange it with the
 * `code_verifier` for a device token, and keep the token sealed with the workspace's secret box
 * (Electron: safeStorage; headless: the key file), never in clear. The server side is
 * core/team/device-grants.ts.
 */

/** Where a desktop keeps the team it joined (the token sealed). */
export const TEAM_LINK_SETTING = 'team.link';
/** How long the member has to sign in and allow the device (ms). */
export const JOIN_TIMEOUT_MS = 5 * 60_000;

interface StoredLink {
  serverUrl: string;
  team: TeamInfo;
  member: User;
  /** The device token sealed with the secret box, base64. */
  sealedToken: string;
  joinedAt: string;
  /** How this device is listed under the member's devices (absent in links stored before it was kept). */
  deviceName?: string;
}

/** A joined team, as the sync engine needs it: where, as whom, and the device token (unsealed). */
export interface TeamLink {
  serverUrl: string;
  team: TeamInfo;
  member: User;
  token: string;
  joinedAt: string;
  /** How this device is listed on the server ('' when the link predates it). */
  deviceName: string;
}

export interface JoinTeamOptions {
  /** The team server's address (`https://prompts.example.com`). */
  serverUrl: string;
  /** How this device is listed under the member's devices. */
  deviceName: string;
  /** Opens the address in the member's browser (Electron: shell.openExternal of this exact URL; headless: print it). */
  openBrowser: (url: string) => void | Promise<void>;
  /** The fetch for the code exchange (tests, a proxy). */
  fetch?: typeof fetch;
  /** Milliseconds to wait for the member (default {@link JOIN_TIMEOUT_MS}). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Whether a URL's host is this machine's loopback (where plain http carries nothing over a network). */
const isLoopbackHost = (hostname: string): boolean => hostname === '[::1]' || hostname === 'localhost' || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * The team server's origin from what the member typed: `https://…`, or `http://` on loopback
 * only (a device token and a sign-in must never cross a network in clear; tests serve on
 * 127.0.0.1). No user name or password in it. The one rule for the CLI's `team join` and the
 * app's Settings → Team.
 *
 * @throws AppError `invalid_input` on field `serverUrl`
 * @example teamServerOrigin(' https://prompts.example.com/team ') // 'https://prompts.example.com'
 */
export function teamServerOrigin(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw.trim());
  } catch {
    // refused below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw invalid('Enter the team server’s address, like https://prompts.example.com', 'serverUrl');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalid('Use https:// for a team server (http:// only on this computer’s loopback address)', 'serverUrl');
  }
  return url.origin;
}

/**
 * Whether this data folder may start joining a team: not a team server itself, and not joined
 * already (a second join would put another member's replica over this one's, and its unsent
 * changes would leave as someone else). The one rule for Settings → Team and `promptdesk team
 * join`; checked again just before a join is kept, so two joins at once cannot both land.
 *
 * @throws AppError `invalid_input` on field `serverUrl`
 */
export function assertMayJoin(store: Store, secrets: SecretBox): void {
  if (isTeamServer(store)) throw invalid('This is a team server: desktops join it, it joins no other', 'serverUrl');
  if (teamLinkOf(store, secrets)) throw invalid('This workspace already joined a team: leave it first', 'serverUrl');
}

/** Settings key of the join under way in this folder: {@link JoinLease}. */
export const JOIN_LEASE_SETTING = 'team.joining';

/** What a second join of one folder is told while the first one waits for its member (attack 14b N6). */
export const JOIN_IN_PROGRESS = 'Another join of this folder is in progress (another window or promptdesk team join): finish or cancel it there, or wait until it gives up, then try again';

/** The join holding a folder: its process, its own token, and when it gives up for sure (epoch ms). */
interface JoinLease {
  pid: number;
  token: string;
  until: number;
}

/**
 * The one place two joins of one folder meet (two `promptdesk team join`, or the CLI and the app,
 * started together): the first takes the folder's join lease in an immediate transaction, any
 * other process is refused with {@link JOIN_IN_PROGRESS} until it ends. A lease of a process gone
 * (kill -9) or past its time is taken over; within one process a new join replaces the one still
 * waiting (Settings → Team's "a new call replaces a join still waiting").
 *
 * @returns the token that releases the lease ({@link releaseJoinLease})
 * @throws AppError `conflict` at `serverUrl` while another process joins this folder
 */
export function takeJoinLease(store: Store, timeoutMs: number): string {
  return store.tx(() => {
    const held = store.settings.get<JoinLease | null>(JOIN_LEASE_SETTING);
    if (held && held.pid !== process.pid && held.until > Date.now() && running(held.pid)) {
      throw new AppError('conflict', JOIN_IN_PROGRESS, 'serverUrl');
    }
    const token = randomBytes(12).toString('base64url');
    // A minute past the member's time: the code exchange after the browser answers is covered too.
    store.settings.set(JOIN_LEASE_SETTING, { pid: process.pid, token, until: Date.now() + timeoutMs + 60_000 } satisfies JoinLease);
    return token;
  });
}

/** Ends a join's lease, unless a newer join of this process took it over. */
export function releaseJoinLease(store: Store, token: string): void {
  store.tx(() => {
    if (store.settings.get<JoinLease | null>(JOIN_LEASE_SETTING)?.token === token) store.settings.set(JOIN_LEASE_SETTING, null);
  });
}

const PAGE = (text: string) => `<!doctype html><meta charset="utf-8"><title>Promptdesk</title><p>${text}</p>`;

/** Waits for the browser at `http://127.0.0.1:PORT/callback?code=…&state=…`; resolves with the code. */
function awaitCallback(server: Server, state: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new AppError('unauthenticated', 'Nobody allowed this device in time: join again')), timeoutMs);
    signal?.addEventListener('abort', () => reject(new AppError('invalid_input', 'Joining was cancelled')), { once: true });
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const code = url.searchParams.get('code');
      // Anything but our own callback with our own state (another page, a forged request) is turned away; we keep waiting.
      if (url.pathname !== '/callback' || !code || url.searchParams.get('state') !== state) {
        res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE('This is not the answer Promptdesk is waiting for.'));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE('This device may now sync. You can close this tab and go back to Promptdesk.'));
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/**
 * Joins a team server as the member who signs in in the browser, and keeps the device token
 * sealed in this workspace (see the module comment).
 *
 * @returns the team, the member and the token (to hand to the sync engine)
 * @throws AppError `invalid_input` (field `serverUrl`: a bad address, a team server, or a folder
 *   that already joined: {@link assertMayJoin}), `conflict` at `serverUrl` (another process is
 *   joining this folder: {@link takeJoinLease}), `unauthenticated` (timed out, or the server refused the code)
 */
export async function joinTeam(store: Store, secrets: SecretBox, options: JoinTeamOptions): Promise<TeamLink> {
  assertMayJoin(store, secrets);
  const origin = teamServerOrigin(options.serverUrl);
  const lease = takeJoinLease(store, options.timeoutMs ?? JOIN_TIMEOUT_MS);
  try {
    return await joinHolding(store, secrets, options, origin);
  } finally {
    releaseJoinLease(store, lease);
  }
}

/** joinTeam once it holds the folder's join lease. */
async function joinHolding(store: Store, secrets: SecretBox, options: JoinTeamOptions, origin: string): Promise<TeamLink> {
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  // RFC 8252 §8.3: the loopback IP literal, not "localhost"; any free port.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  try {
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    const authorize = new URL('/team/authorize', origin);
    for (const [k, v] of Object.entries({ redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', device_name: options.deviceName, state })) {
      authorize.searchParams.set(k, v);
    }
    const code = awaitCallback(server, state, options.timeoutMs ?? JOIN_TIMEOUT_MS, options.signal);
    await options.openBrowser(authorize.toString());
    const granted = await code;
    // Another door may have joined while the member was signing in (the app and the CLI on one
    // folder): refuse before the code becomes a device token nobody would hold.
    assertMayJoin(store, secrets);
    const answer = await (options.fetch ?? fetch)(new URL('/api/v1/team/token', origin).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: granted, code_verifier: verifier, redirect_uri: redirectUri }),
    });
    if (!answer.ok) {
      const problem = (await answer.json().catch(() => null)) as { detail?: string } | null;
      throw new AppError('unauthenticated', problem?.detail ?? `The team server refused this device (${answer.status})`);
    }
    const body = (await answer.json()) as { deviceToken: string; member: User; team: TeamInfo };
    const link: StoredLink = {
      serverUrl: origin,
      team: body.team,
      member: body.member,
      sealedToken: secrets.encrypt(body.deviceToken).toString('base64'),
      joinedAt: new Date().toISOString(),
      deviceName: options.deviceName,
    };
    assertMayJoin(store, secrets);
    store.settings.set(TEAM_LINK_SETTING, link);
    return { serverUrl: origin, team: body.team, member: body.member, token: body.deviceToken, joinedAt: link.joinedAt, deviceName: options.deviceName };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The team this desktop joined, with its device token unsealed; null when it joined none (or left). */
export function teamLinkOf(store: Store, secrets: SecretBox): TeamLink | null {
  const link = store.settings.get<StoredLink | null>(TEAM_LINK_SETTING);
  if (!link) return null;
  return { serverUrl: link.serverUrl, team: link.team, member: link.member, token: secrets.decrypt(Buffer.from(link.sealedToken, 'base64')), joinedAt: link.joinedAt, deviceName: link.deviceName ?? '' };
}

/** Forgets the joined team and its token here (the member revokes the device on the server to end it there too). */
export function leaveTeam(store: Store): void {
  store.settings.set(TEAM_LINK_SETTING, null);
}
