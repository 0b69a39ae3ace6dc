import { buildDesktopApi, type DesktopApi } from '../../../shared/contract/desktop-api';
import type { Channel } from '../../../shared/contract/contract';
import type { AppErrorShape } from '../../../shared/schemas/common';
import type { User } from '../../../shared/schemas/users';
import type { SignInInput } from '../../../shared/schemas/session';
import { csrfHeaders } from './team';

/** The contract's channel names (core/channel-map.ts), inlined at build time by electron.vite.config.ts (and vitest.config.ts). */
declare const __PROMPTDESK_CHANNELS__: readonly Channel[];

const SESSION_KEY = 'promptdesk.session';
const SESSION_HEADER = 'X-Promptdesk-Session';

/**
 * In headless mode there is no preload: the same named API is built over HTTP to the host's
 * bridge, authorised by this tab's session token. The token lives in sessionStorage, which is
 * per tab, so two tabs can act as two members; the server decides who a token acts as.
 */
function currentToken(): string {
  return sessionStorage.getItem(SESSION_KEY) ?? '';
}

const tokenListeners = new Set<() => void>();

/** Calls `listener` whenever this tab's session token changes (sign-in, a member switch, sign-out). */
export function onSessionTokenChanged(listener: () => void): () => void {
  tokenListeners.add(listener);
  return () => tokenListeners.delete(listener);
}

function keepToken(token: string): void {
  const changed = sessionStorage.getItem(SESSION_KEY) !== token;
  sessionStorage.setItem(SESSION_KEY, token);
  if (changed) for (const listener of tokenListeners) listener();
}

let pendingLoginSecret: string | null = null;

/**
 * Takes `#session=…` (the link `promptdesk serve` prints) or `#login=…` (a one-time link from
 * `promptdesk users login-link`) out of the address bar before the router reads it, so neither
 * is left in history. A login link's secret waits for {@link takeLoginSecret}.
 */
function takeSessionFromUrl(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const session = params.get('session');
  pendingLoginSecret = params.get('login');
  if (session) keepToken(session);
  if (session || pendingLoginSecret) history.replaceState(null, '', location.pathname + location.search);
}

/** The secret of the sign-in link this tab was opened with, once (then null). */
export function takeLoginSecret(): string | null {
  const secret = pendingLoginSecret;
  pendingLoginSecret = null;
  return secret;
}

/** True in a browser tab of `promptdesk serve` (no Electron preload). */
export const isBrowserSession = () => window.promptdesk === undefined;

/**
 * Headers that authorise a plain `fetch` to the headless host, for what is not a bridge call
 * (an export's download URL). Empty under Electron, where there is no session token.
 */
export function bridgeAuthHeaders(): Record<string, string> {
  const token = currentToken();
  // A team server's session is an HttpOnly cookie the browser sends itself; its CSRF token goes along (lib/team.ts).
  return token ? { [SESSION_HEADER]: token } : csrfHeaders();
}

/** A team server's cookie session started or ended (lib/team.ts): what follows the session reconnects. */
export function sessionCookieChanged(): void {
  for (const listener of tokenListeners) listener();
}

/** A failed sign-in, with the field at fault (`key` or `link`). */
export class SignInError extends Error {
  constructor(readonly error: AppErrorShape) {
    super(error.message);
  }
}

async function problemOf(response: Response): Promise<AppErrorShape> {
  if (response.headers.get('content-type')?.includes('problem+json')) {
    const problem = (await response.json()) as { code?: AppErrorShape['code']; detail?: string; field?: string };
    return { code: problem.code ?? 'internal', message: problem.detail ?? response.statusText, field: problem.field };
  }
  return { code: 'internal', message: `Sign-in failed (${response.status})` };
}

/** Signs this tab in with an API key or a sign-in link; throws {@link SignInError}. */
export async function signIn(input: SignInInput): Promise<User> {
  const response = await fetch('/bridge/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
  if (!response.ok) throw new SignInError(await problemOf(response));
  const body = (await response.json()) as { session: string; user: User };
  keepToken(body.session);
  return body.user;
}

/** Ends this tab's session on the server and forgets it. */
export async function signOut(): Promise<void> {
  await fetch('/bridge/sign-out', { method: 'POST', headers: bridgeAuthHeaders() });
  sessionStorage.removeItem(SESSION_KEY);
  for (const listener of tokenListeners) listener();
}

const sessionEndedListeners = new Set<() => void>();

/** Calls `listener` when the server no longer knows this tab's session (restart, sign-out, deactivation). */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

/**
 * The server refused this tab's session (a 401 on a bridge call or on the change stream): the
 * sign-in screen comes back at once, not at the next click.
 */
export function reportSessionEnded(): void {
  for (const listener of sessionEndedListeners) listener();
}

export function createBrowserBridge(): DesktopApi {
  takeSessionFromUrl();
  return buildDesktopApi(__PROMPTDESK_CHANNELS__, async (channel, input) => {
    const response = await fetch(`/bridge/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [SESSION_HEADER]: currentToken(), ...csrfHeaders() },
      body: JSON.stringify(input),
    });
    if (response.headers.get('content-type')?.includes('problem+json')) {
      if (response.status === 401) reportSessionEnded();
      return { ok: false, error: await problemOf(response) };
    }
    // An allowed member switch comes with this tab's new session.
    const next = response.headers.get(SESSION_HEADER);
    if (next) keepToken(next);
    return response.json();
  });
}
