import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startHost, APP_VERSION, SERVED_URL_SETTING } from '../host';
import { DEFAULT_API_PORT } from '../api/server';
import { mountBridge } from './bridge';
import { mountRendererFiles } from './renderer-files';
import { openWorkspace } from '../core/workspace';
import { addUser } from '../core/users/users-service';
import { createKey } from '../core/keys/keys-service';
import { parseRateLimit } from '../core/keys/rate-limit-setting';
import { checkEndpoint } from '../core/telemetry/otlp-config';
import { AddUserInput, CreateKeyInput } from '../../shared/schemas/users';
import { parseWith } from '../api/body';
import { AppError } from '../core/errors';
import { StoreError } from '../store/open';
import { damagedErrorOf, storageErrorOf } from '../store/storage-errors';
import { SessionRegistry } from '../core/sessions/session-registry';
import { createLoginLink, LOGIN_LINK_TTL_MS } from '../core/sessions/sign-in';
import { serveMcpStdio } from '../mcp/mcp-doors';
import { resolveServeMode } from '../core/team/serve-mode';
import { mountTeamWeb } from './team-web';
import { createInvite, INVITE_TTL_MS, InviteInput } from '../core/team/invites';
import { joinTeam } from '../core/team/join-team';
import { hostname } from 'node:os';
import { checkCommand } from './check-command';

const USAGE = `promptdesk ${APP_VERSION}

Usage:
  promptdesk serve --data-dir DIR [--port PORT] [--host 127.0.0.1] [--provider-timeout SECONDS] [--rate-limit N] [--otlp-endpoint URL]
  promptdesk serve --team --data-dir DIR --public-url URL [--host 0.0.0.0] [--port PORT] [--tls-cert FILE --tls-key FILE | --trust-proxy]
  promptdesk users invite --data-dir DIR --email EMAIL [--name NAME] [--admin]    (team server: prints a one-time invite link)
  promptdesk users add --data-dir DIR --email EMAIL --name NAME [--admin]
  promptdesk users login-link --data-dir DIR --user EMAIL [--url http://127.0.0.1:PORT]
  promptdesk team join --data-dir DIR --url URL [--device-name NAME]    (join a team server: prints the address to sign in at)
  promptdesk keys create --data-dir DIR --user EMAIL [--name LABEL] [--scopes read,run,write,admin] [--expires YYYY-MM-DD]
  promptdesk mcp --data-dir DIR --key KEY    (MCP over stdio, as the key's member; or PROMPTDESK_API_KEY=KEY)
  promptdesk check --data-dir DIR [--quick]    (full check of the data folder, open or not: exit 0 healthy, 1 with what to do)
`;

class UsageError extends Error {}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError(`--port must be a number from 0 to 65535`);
  return Number(raw);
}

/** --provider-timeout SECONDS: how long a model provider may stay silent (default 60). */
function providerTimeout(raw: string | undefined) {
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new UsageError('--provider-timeout takes seconds, from 0.1 to 3600');
  return { responseTimeoutMs: seconds * 1000, idleTimeoutMs: seconds * 1000 };
}

/**
 * A flag whose value a core rule checks: `check`'s refusal (an AppError) becomes a usage error
 * naming the flag and the value as typed (cut at 80 characters).
 */
function checkedFlag<T>(flag: string, raw: string, check: (raw: string) => T): T {
  try {
    return check(raw);
  } catch (error) {
    if (error instanceof AppError) throw new UsageError(`--${flag} ${JSON.stringify(raw).slice(0, 80)}: ${error.message}`);
    throw error;
  }
}

/**
 * --rate-limit N: requests per second per key for this run (0 = no limit), over the value saved
 * in Settings; core/keys/rate-limit-setting.ts parseRateLimit is the rule.
 */
const rateLimitFlag = (raw: string | undefined): number | undefined =>
  raw === undefined ? undefined : checkedFlag('rate-limit', raw, (value) => parseRateLimit(value, 'rate-limit'));

/**
 * --otlp-endpoint URL: send every run as an OpenTelemetry span to this collector's traces URL
 * (over OTEL_EXPORTER_OTLP_* and Settings); core/telemetry/otlp-config.ts checkEndpoint is the rule.
 */
const otlpFlag = (raw: string | undefined): { flagEndpoint?: string } =>
  raw === undefined ? {} : { flagEndpoint: checkedFlag('otlp-endpoint', raw, (value) => checkEndpoint(value, '--otlp-endpoint')) };

/** Says why runs are not exported when the flag, a variable or Settings could not be used. */
function warnTelemetry(host: { workspace: { runtime: { telemetry: { config: { enabled: boolean; warning: string | null } | null; counters(): { lastError: { message: string } | null } } } } }): void {
  const { telemetry } = host.workspace.runtime;
  if (telemetry.config?.warning) process.stderr.write(`promptdesk: warning: runs are not exported to OpenTelemetry: ${telemetry.config.warning}\n`);
  const error = telemetry.counters().lastError;
  if (!telemetry.config?.enabled && error) process.stderr.write(`promptdesk: warning: runs are not exported to OpenTelemetry: ${error.message}\n`);
}

/** The serve flags as core/team/serve-mode.ts rules them; a refusal is a usage error naming the flag. */
function serveMode(values: { host?: string; team?: boolean; 'public-url'?: string; 'tls-cert'?: string; 'tls-key'?: string; 'trust-proxy'?: boolean }) {
  try {
    return resolveServeMode({ host: values.host, team: values.team, publicUrl: values['public-url'], tlsCert: values['tls-cert'], tlsKey: values['tls-key'], trustProxy: values['trust-proxy'] });
  } catch (error) {
    if (error instanceof AppError) throw new UsageError(error.message);
    throw error;
  }
}

/** Reads --tls-cert/--tls-key (PEM); an unreadable file is a usage error naming it. */
function readTls(files: { certFile: string; keyFile: string }) {
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(resolve(file));
    } catch (error) {
      throw new UsageError(`--${flag} ${file}: ${(error as Error).message}`);
    }
  };
  return { cert: read(files.certFile, 'tls-cert'), key: read(files.keyFile, 'tls-key') };
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'provider-timeout': { type: 'string' },
      'rate-limit': { type: 'string' },
      'otlp-endpoint': { type: 'string' },
      team: { type: 'boolean' },
      'public-url': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
    },
  });
  const mode = serveMode(values);
  const rateLimit = rateLimitFlag(values['rate-limit']);
  const telemetry = otlpFlag(values['otlp-endpoint']);
  if (mode.team) return serveTeam(values, mode, rateLimit, telemetry);
  const dataDir = resolve(required(values, 'data-dir'));
  // Each browser session acts as one member; the printed link is the workspace owner's.
  const sessions = new SessionRegistry();
  const rendererDir = join(__dirname, '../renderer');
  const host = await startHost({
    dataDir,
    mode: 'headless',
    port: parsePort(values.port),
    host: values.host,
    providerLimits: providerTimeout(values['provider-timeout']),
    rateLimit,
    telemetry,
    mount: (app, h) => {
      mountBridge(app, { workspace: h.workspace, handlers: h.handlers, sessions });
      mountRendererFiles(app, rendererDir);
    },
  });
  if (!host.server) throw new Error(host.api.error ?? 'The server did not start');
  // Before the first line is printed: a stop right after it still closes the folder cleanly
  // (a SIGTERM before the handler would leave the open marker, and the next start would check).
  const stop = () => {
    void host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`Promptdesk ${APP_VERSION} serving ${dataDir}\n`);
  process.stdout.write(`API: ${host.server.url}/api/v1\n`);
  process.stdout.write(`Open ${host.server.url}/#session=${sessions.create(host.workspace.owner.id)}\n`);
  for (const warning of host.storageWarnings()) process.stderr.write(`promptdesk: warning: ${warning}\n`);
  warnTelemetry(host);
  process.stdout.write(`Other members sign in with their API key, or a link from: promptdesk users login-link --data-dir ${values['data-dir']} --user EMAIL\n`);
}

/**
 * `serve --team`: the team server. Members sign in with email and password on the web UI
 * (headless/team-web.ts), so no owner link is printed and there is no "Acting as".
 */
async function serveTeam(values: { 'data-dir'?: string; port?: string; 'provider-timeout'?: string }, mode: Extract<ReturnType<typeof resolveServeMode>, { team: true }>, rateLimit?: number, telemetry: { flagEndpoint?: string } = {}): Promise<void> {
  const dataDir = resolve(required(values, 'data-dir'));
  const tls = mode.tls ? readTls(mode.tls) : undefined;
  const rendererDir = join(__dirname, '../renderer');
  const host = await startHost({
    dataDir,
    mode: 'headless',
    port: parsePort(values.port),
    host: mode.host,
    providerLimits: providerTimeout(values['provider-timeout']),
    rateLimit,
    telemetry,
    team: { publicUrl: mode.publicUrl, trustProxy: mode.trustProxy, tls },
    mount: (app, h) => {
      const team = mountTeamWeb(app, { workspace: h.workspace, trustProxy: mode.trustProxy });
      mountBridge(app, { workspace: h.workspace, handlers: h.handlers, sessions: new SessionRegistry(), team });
      mountRendererFiles(app, rendererDir);
    },
  });
  if (!host.server) throw new Error(host.api.error ?? 'The server did not start');
  // Before the first line is printed: a stop right after it still closes the folder cleanly
  // (a SIGTERM before the handler would leave the open marker, and the next start would check).
  const stop = () => {
    void host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`Promptdesk ${APP_VERSION} team server for ${dataDir}\n`);
  process.stdout.write(`Listening on ${host.server.url}; members open ${mode.publicUrl}\n`);
  for (const warning of host.storageWarnings()) process.stderr.write(`promptdesk: warning: ${warning}\n`);
  warnTelemetry(host);
  process.stdout.write(`Members sign in with email and password. Invite one with: promptdesk users invite --data-dir ${values['data-dir']} --email EMAIL\n`);
}

/**
 * `users invite`: a one-time invite to a team server (stdout: the link; stderr: the code and how
 * long it works). The folder must have been served with --team (its public URL is in the link).
 */
function usersInvite(args: string[]): void {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' } } });
  const email = required(values, 'email');
  const workspace = openWorkspace(resolve(required(values, 'data-dir')));
  try {
    const input = parseWith(InviteInput, { email, name: values.name, role: values.admin ? 'admin' : 'member' });
    // The CLI is run by whoever holds the data folder: it acts as the workspace owner.
    const { link, code } = createInvite(workspace.as(workspace.owner.id), input);
    process.stdout.write(`${link}\n`);
    process.stderr.write(`Invite code: ${code}\nWorks once, within ${INVITE_TTL_MS / 86_400_000} days: the member opens the link and sets a password.\n`);
  } finally {
    workspace.close();
  }
}

/**
 * `team join`: this data folder joins a team server as the member who signs in at the printed
 * address (RFC 8252 loopback redirect + PKCE, core/team/join-team.ts); the device token is kept
 * sealed in the folder. Waits until the member allows the device (or 5 minutes).
 */
async function teamJoin(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, url: { type: 'string' }, 'device-name': { type: 'string' } } });
  const serverUrl = required(values, 'url');
  const workspace = openWorkspace(resolve(required(values, 'data-dir')));
  try {
    const link = await joinTeam(workspace.store, workspace.runtime.secrets, {
      serverUrl,
      deviceName: values['device-name'] ?? `${hostname()} (headless)`,
      openBrowser: (url) => void process.stdout.write(`Open this address, sign in and allow the device:\n${url}\n`),
    });
    process.stdout.write(`Joined ${link.team.name} as ${link.member.email}\n`);
  } finally {
    workspace.close();
  }
}

function usersAdd(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: { 'data-dir': { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' } },
  });
  const workspace = openWorkspace(resolve(required(values, 'data-dir')));
  try {
    const input = parseWith(AddUserInput, { email: values.email, name: values.name, role: values.admin ? 'admin' : 'member' });
    // The CLI is run by whoever holds the data folder: it acts as the workspace owner.
    const user = addUser(workspace.as(workspace.owner.id), input);
    process.stdout.write(`${user.email}\n`);
  } finally {
    workspace.close();
  }
}

/**
 * Prints a one-time sign-in link for a member (stdout: the link only). The address is `--url`,
 * else the one the last `promptdesk serve` on this folder recorded, else the saved API port.
 */
function usersLoginLink(args: string[]): void {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, user: { type: 'string' }, url: { type: 'string' } } });
  const email = required(values, 'user');
  if (values.url !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(values.url)) throw new UsageError('--url takes the server address, like http://127.0.0.1:4319');
  const workspace = openWorkspace(resolve(required(values, 'data-dir')));
  try {
    const served = workspace.store.settings.get<string>(SERVED_URL_SETTING);
    const port = workspace.store.settings.get<{ port: number }>('api')?.port ?? DEFAULT_API_PORT;
    const base = (values.url ?? served ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');
    const { secret } = createLoginLink(workspace.store, workspace.clock, email);
    process.stdout.write(`${base}/#login=${secret}\n`);
    process.stderr.write(`Works once, within ${LOGIN_LINK_TTL_MS / 60_000} minutes, while promptdesk serve runs on this folder.\n`);
  } finally {
    workspace.close();
  }
}

function keysCreate(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      user: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      expires: { type: 'string' },
    },
  });
  const workspace = openWorkspace(resolve(required(values, 'data-dir')));
  try {
    const input = parseWith(CreateKeyInput, {
      userEmail: required(values, 'user'),
      label: values.name,
      scopes: values.scopes?.split(',').map((s) => s.trim()),
      expiresAt: values.expires,
    });
    const { key } = createKey(workspace.as(workspace.owner.id), input);
    // Only the key on stdout, so `KEY=$(promptdesk keys create ...)` works.
    process.stdout.write(`${key}\n`);
  } finally {
    workspace.close();
  }
}

/**
 * `promptdesk mcp`: serves MCP over stdin/stdout as the key's member until the client closes
 * stdin. The key comes from --key, else PROMPTDESK_API_KEY (kept out of `ps` listings).
 * stdout carries only JSON-RPC; messages for people go to stderr.
 */
async function mcp(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, key: { type: 'string' } } });
  const dataDir = resolve(required(values, 'data-dir'));
  const key = values.key ?? process.env.PROMPTDESK_API_KEY;
  if (!key) throw new UsageError('--key is required (or set PROMPTDESK_API_KEY)');
  const workspace = openWorkspace(dataDir);
  try {
    await serveMcpStdio(workspace, key, APP_VERSION);
  } finally {
    for (const run of workspace.runtime.runs.active()) run.abort.abort();
    await Promise.all(workspace.runtime.runs.active().map((run) => run.done));
    await workspace.runtime.logs.drain();
    workspace.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (command === 'serve') await serve(argv.slice(1));
    else if (command === 'users' && sub === 'add') usersAdd(rest);
    else if (command === 'users' && sub === 'login-link') usersLoginLink(rest);
    else if (command === 'users' && sub === 'invite') usersInvite(rest);
    else if (command === 'team' && sub === 'join') await teamJoin(rest);
    else if (command === 'keys' && sub === 'create') keysCreate(rest);
    else if (command === 'mcp') await mcp(argv.slice(1));
    else if (command === 'check') return checkCommand(argv.slice(1), (message) => new UsageError(message));
    else if (command === '--version' || command === '-v') process.stdout.write(`${APP_VERSION}\n`);
    else if (command === undefined || command === '--help' || command === 'help') process.stdout.write(USAGE);
    else throw new UsageError(`Unknown command: ${argv.join(' ')}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`promptdesk: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError || error instanceof StoreError) {
      const field = error instanceof AppError && error.field ? ` (${error.field})` : '';
      process.stderr.write(`promptdesk: ${error.message}${field}\n`);
      return 1;
    }
    // A full disk, read-only folder or damaged file gets the same sentence as in the app and the API.
    process.stderr.write(`promptdesk: ${(storageErrorOf(error) ?? damagedErrorOf(error))?.message ?? (error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
