import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, type Host } from '../../src/main/host';
import { mountBridge } from '../../src/main/headless/bridge';
import { mountRendererFiles } from '../../src/main/headless/renderer-files';
import { mountTeamWeb } from '../../src/main/headless/team-web';
import { SessionRegistry } from '../../src/main/core/sessions/session-registry';
import { createInvite } from '../../src/main/core/team/invites';
import type { Ctx } from '../../src/main/core/context';
import type { Hono } from 'hono';
import type { ApiEnv } from '../../src/main/api/env';
import { tempDir } from './workspace';
import { http, type RawResponse } from './http';

/** A browser's cookies for one team server session: the Cookie header to send and the CSRF token to echo. */
export interface TeamBrowser {
  cookie: string;
  csrf: string;
}

export interface TeamHost {
  host: Host;
  port: number;
  origin: string;
  dataDir: string;
  owner: Ctx;
  /** The Hono app as mounted (its routes, for tests that iterate them). */
  app: Hono<ApiEnv>;
  /** An invite code for `email`, made by the owner. */
  invite(email: string, role?: 'admin' | 'member'): string;
  /** A request with this site's Origin, and the browser's cookies and CSRF header when given. */
  call(method: string, path: string, body?: unknown, as?: TeamBrowser | null, headers?: Record<string, string>): Promise<RawResponse>;
  /** Invite -> accept with `password` -> the signed-in browser. */
  join(email: string, password: string, role?: 'admin' | 'member'): Promise<TeamBrowser & { userId: string }>;
  signIn(email: string, password: string): Promise<TeamBrowser>;
  stop(): Promise<void>;
}

/** The cookies a response sets, as one Cookie header, and the CSRF cookie's value. */
export function browserOf(res: RawResponse): TeamBrowser {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const pairs = set.map((line) => line.split(';', 1)[0]!);
  const csrf = pairs.find((p) => p.startsWith('__Host-promptdesk_csrf='))?.split('=')[1] ?? '';
  return { cookie: pairs.join('; '), csrf };
}

/** A team server as `promptdesk serve --team` runs it (web door, bridge, a stand-in index.html) on loopback, port 0. */
export async function startTeamHost(): Promise<TeamHost> {
  const dir = tempDir();
  const rendererDir = join(dir.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
  const dataDir = join(dir.dir, 'data');
  let mounted: Hono<ApiEnv> | null = null;
  const host = await startHost({
    dataDir,
    mode: 'headless',
    port: 0,
    team: {},
    mount: (app, h) => {
      mounted = app;
      const team = mountTeamWeb(app, { workspace: h.workspace, trustProxy: false });
      mountBridge(app, { workspace: h.workspace, handlers: h.handlers, sessions: new SessionRegistry(), team });
      mountRendererFiles(app, rendererDir);
    },
  });
  const port = host.server!.port;
  const origin = `http://127.0.0.1:${port}`;
  const owner = host.workspace.as(host.workspace.owner.id);
  // A header given as '' is left out (a request without Origin, without a CSRF token).
  const call: TeamHost['call'] = (method, path, body, as, headers = {}) => {
    const all: Record<string, string> = {
      origin,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(as ? { cookie: as.cookie, 'x-csrf-token': as.csrf } : {}),
      ...headers,
    };
    return http(port, method, path, { headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== '')), body: body === undefined ? undefined : JSON.stringify(body) });
  };
  const invite = (email: string, role: 'admin' | 'member' = 'member') => createInvite(owner, { email, role }).code;
  return {
    host,
    port,
    origin,
    dataDir,
    owner,
    app: mounted!,
    invite,
    call,
    async join(email, password, role) {
      const res = await call('POST', '/team/accept-invite', { code: invite(email, role), password });
      if (res.status !== 200) throw new Error(`accept-invite: ${res.status} ${res.text}`);
      return { ...browserOf(res), userId: res.json().member.id as string };
    },
    async signIn(email, password) {
      const res = await call('POST', '/team/sign-in', { email, password });
      if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${res.text}`);
      return browserOf(res);
    },
    stop: async () => {
      await host.close();
      dir.cleanup();
    },
  };
}
