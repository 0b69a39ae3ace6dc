import { overrideRateLimit } from './core/keys/rate-limit-setting';
import type { Hono } from 'hono';
import { createApiApp } from './api/app';
import type { RateLimits } from './api/rate-limit';
import type { ApiEnv } from './api/env';
import { DEFAULT_API_PORT, listen, type RunningServer, type Timeouts, type TlsFiles } from './api/server';
import { createHandlers } from './core/handlers';
import { openWorkspace, type OpenWorkspaceOptions, type Workspace } from './core/workspace';
import { applyRetention } from './core/logs/logs-service';
import { redactLoggedErrors } from './core/integrations/integrations';
import { assertAdmin } from './core/users/users-service';
import { grantSwitch } from './core/sessions/member-switch';
import { sessionStillValid } from './core/sessions/sign-in';
import { invalid } from './core/errors';
import { storageWarnings } from './core/storage/storage-warnings';
import { ensureTeam, teamOf } from './core/team/team-server';
import { teamAllowList } from './core/team/serve-mode';
import { startTeamSync, stopTeamSync } from './core/sync/sync-service';
import { watchTeamLink } from './core/team/team-link-watch';
import { routedFetch } from './core/sync/routed-fetch';
import type { ApiServerState, AppInfo } from '../shared/schemas/app';
import packageJson from '../../package.json';

export const APP_VERSION: string = packageJson.version;

/**
 * How long after the server listens the start jobs (retention purge, redaction of logged provider
 * errors) run: both read the run log, so they wait until the first screens and API calls are answered.
 */
const START_JOBS_DELAY_MS = 1000;

/** Where a headless host records the address it serves on (read by `users login-link`). */
export const SERVED_URL_SETTING = 'headless.url';

export interface HostOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  /** Overrides the saved API port (CLI --port). 0 picks a free port. */
  port?: number;
  host?: string;
  nativeBinding?: string;
  /** How provider keys are sealed (Electron: safeStorage); headless default: the key file. */
  secrets?: OpenWorkspaceOptions['secrets'];
  /** Provider timeouts and response cap (tests make them small). */
  providerLimits?: OpenWorkspaceOptions['limits'];
  exportsDir?: string;
  /** OpenTelemetry export of runs (`serve --otlp-endpoint`, environment, export bounds): core/telemetry. */
  telemetry?: OpenWorkspaceOptions['telemetry'];
  /** API rate limits and slow-client timeouts (tests make them small). */
  limits?: RateLimits;
  /** `serve --rate-limit N`: requests per second per key for this run, over the saved setting (core/keys/rate-limit-setting.ts). */
  rateLimit?: number;
  timeouts?: Timeouts;
  /** Internal (tests), not a setting: false serves render without its fast path (api/fast-render.ts). Default on. */
  fastRender?: boolean;
  /** Adds routes to the API app before it listens (the headless renderer and bridge). */
  mount?: (app: Hono<ApiEnv>, host: Host) => void;
  /**
   * Serve as a team server (`serve --team`, flags checked by core/team/serve-mode.ts): the Host and
   * Origin allow-list adds the public URL (default: the server's own address, for tests on
   * loopback), TLS when given. The folder records it is a team's (core/team/team-server.ts).
   */
  team?: { publicUrl?: string; trustProxy?: boolean; tls?: TlsFiles; name?: string };
  /**
   * Opens a team server's sign-in page in the system browser when this folder joins a team
   * (Electron: electron/open-external.ts). Absent (headless), the renderer opens it in a tab.
   */
  openExternal?: (url: string) => Promise<void>;
}

export interface Host {
  workspace: Workspace;
  /** The member this desktop acts as; the owner at start (headless, each browser session has its own: see SessionRegistry). */
  currentUserId(): string;
  /** Data in the folder other users can read (see core/storage/storage-warnings.ts). */
  storageWarnings(): string[];
  handlers: ReturnType<typeof createHandlers>;
  api: ApiServerState;
  server: RunningServer | null;
  close(): Promise<void>;
}

/**
 * PROMPTDESK_TEAM_SYNC_URL (`http://HOST:PORT`): the sync's connections go to that address (a TCP
 * proxy between, as in tests) while each request keeps the team server's own URL and Host, which
 * the team server checks against its public URL. Unset or malformed: straight to the server.
 */
function teamSyncRoute(): { fetch?: ReturnType<typeof routedFetch> } {
  const raw = process.env['PROMPTDESK_TEAM_SYNC_URL'];
  if (!raw) return {};
  try {
    const via = new URL(raw);
    return { fetch: routedFetch(Number(via.port || (via.protocol === 'https:' ? 443 : 80)), via.hostname.replace(/^\[|\]$/g, '')) };
  } catch {
    return {};
  }
}

interface ApiSettings {
  enabled: boolean;
  port: number;
}

/**
 * Opens the data folder and starts the API server: the part of the main process that the
 * Electron shell and `promptdesk serve` share.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const workspace = openWorkspace(options.dataDir, {
    nativeBinding: options.nativeBinding,
    secrets: options.secrets,
    limits: options.providerLimits,
    exportsDir: options.exportsDir,
    telemetry: options.telemetry,
  });
  if (options.rateLimit !== undefined) overrideRateLimit(workspace.store, options.rateLimit);
  // Retention is applied soon after start and then daily; with provider errors logged before
  // redaction (or before the key they quote was stored), it runs after the server listens, so the
  // first answers do not wait for work that grows with the logs (see START_JOBS_DELAY_MS).
  const retain = () => applyRetention(workspace);
  const retention = setInterval(retain, 86_400_000).unref();
  const startJobs = setTimeout(() => {
    try {
      retain();
      redactLoggedErrors(workspace);
    } catch (error) {
      console.error('[host] retention or error redaction at start failed; retried daily', error);
    }
  }, START_JOBS_DELAY_MS).unref();
  const saved = workspace.store.settings.get<ApiSettings>('api') ?? { enabled: true, port: DEFAULT_API_PORT };
  const bindHost = options.host ?? '127.0.0.1';
  const port = options.port ?? saved.port;
  const api: ApiServerState = { enabled: saved.enabled || options.port !== undefined, host: bindHost, port, url: null, error: null };

  // Desktop "Acting as": the member this window acts as, and the key they consented with (null
  // for the owner, or a switch an admin made). Checked on every call, as a browser session is,
  // so revoking the consent key or deactivating the member returns the window to the owner.
  let acting: { userId: string; keyId: string | null } = { userId: workspace.owner.id, keyId: null };
  let stopLinkWatch: () => void = () => undefined;
  const host: Host = {
    workspace,
    api,
    server: null,
    currentUserId: () => {
      if (acting.userId !== workspace.owner.id && !sessionStillValid(workspace.store, workspace.clock, acting)) {
        acting = { userId: workspace.owner.id, keyId: null };
      }
      return acting.userId;
    },
    storageWarnings: () => storageWarnings(workspace.dataDir, { exportsDir: options.exportsDir }),
    handlers: createHandlers({
      appInfo: (ctx): AppInfo => ({
        version: APP_VERSION,
        mode: options.mode,
        dataDir: workspace.dataDir,
        currentUser: ctx.actor,
        api: { ...api },
        // Read again on each call, so a folder fixed with chmod stops warning without a restart.
        storageWarnings: host.storageWarnings(),
      }),
      switchMember: (ctx, input) => {
        const { target, consentKeyId } = grantSwitch(ctx, input);
        // Headless, each browser session acts as its own member (the bridge makes a new session).
        if (options.mode !== 'headless') acting = { userId: target.id, keyId: consentKeyId };
        return target;
      },
      configureApi: async (ctx, settings) => {
        assertAdmin(ctx.actor);
        if (options.mode === 'headless') {
          // The same server carries this page and its bridge: turning it off or moving it would cut the UI off.
          throw invalid('In headless mode the API server also serves this window: restart `promptdesk serve` with --port to change it', 'port');
        }
        workspace.store.settings.set('api', settings);
        await applyApi(settings.enabled, settings.port);
        return { ...api };
      },
      team: {
        openBrowser: options.openExternal ?? null,
        // PROMPTDESK_TEAM_SYNC_URL: as at start (below), a proxy between in tests.
        startSync: () => void startTeamSync(workspace, teamSyncRoute()),
        stopSync: () => stopTeamSync(workspace),
      },
    }),
    async close() {
      clearInterval(retention);
      clearTimeout(startJobs);
      stopLinkWatch();
      stopTeamSync(workspace);
      for (const run of workspace.runtime.runs.active()) run.abort.abort();
      await Promise.all(workspace.runtime.runs.active().map((run) => run.done));
      await host.server?.close();
      await workspace.runtime.logs.drain();
      workspace.close();
    },
  };

  const { team } = options;
  if (team?.publicUrl) ensureTeam(workspace.store, team.publicUrl, team.name);
  const app = createApiApp({ workspace, version: APP_VERSION, limits: options.limits, mount: (a) => options.mount?.(a, host) });
  const listenOptions = team
    ? { tls: team.tls, allow: teamAllowList(bindHost, () => teamOf(workspace.store)?.publicUrl ?? host.server?.url ?? 'http://127.0.0.1', !!team.trustProxy), fastRender: options.fastRender }
    : { fastRender: options.fastRender };
  async function applyApi(enabled: boolean, port: number): Promise<void> {
    await host.server?.close();
    host.server = null;
    Object.assign(api, { enabled, port, url: null, error: null });
    if (!enabled) return;
    try {
      host.server = await listen(app, bindHost, port, options.timeouts, listenOptions);
      api.port = host.server.port;
      api.url = host.server.url;
    } catch (error) {
      // The app still works without its API; Settings shows why and lets the user pick a port.
      api.error = (error as Error).message;
    }
  }

  await applyApi(api.enabled, port);
  // Without --public-url (tests), the team is reached at the address it listens on.
  if (team && !team.publicUrl && host.server) ensureTeam(workspace.store, host.server.url, team.name);
  // `promptdesk users login-link` runs in another process: it finds the server's address here.
  if (options.mode === 'headless' && host.server) workspace.store.settings.set(SERVED_URL_SETTING, host.server.url);
  // A desktop (or headless host) that joined a team syncs in the background (docs/sync.md);
  // PROMPTDESK_TEAM_SYNC_URL sends it through another address (a proxy between, in tests).
  if (!team) {
    startTeamSync(workspace, teamSyncRoute());
    // A `promptdesk team join` made from another process while this host runs: sync without a restart.
    stopLinkWatch = watchTeamLink(workspace.store, () => void startTeamSync(workspace, teamSyncRoute()));
  }
  return host;
}
