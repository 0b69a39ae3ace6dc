import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, type Host } from '../../src/main/host';
import { mountBridge } from '../../src/main/headless/bridge';
import { mountRendererFiles } from '../../src/main/headless/renderer-files';
import { SessionRegistry } from '../../src/main/core/sessions/session-registry';
import type { RateLimits } from '../../src/main/api/rate-limit';
import type { Timeouts } from '../../src/main/api/server';
import type { ProviderLimits } from '../../src/main/core/integrations/guarded-fetch';
import { createKey } from '../../src/main/core/keys/keys-service';
import type { Ctx } from '../../src/main/core/context';
import { tempDir } from './workspace';
import { http, type RawResponse } from './http';
import { expect } from 'vitest';

export interface TestHost {
  host: Host;
  port: number;
  key: string;
  owner: Ctx;
  /** JSON request with the owner's key. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  stop(): Promise<void>;
}

/** A headless host on an ephemeral port with its own data folder and an owner key. */
export async function startTestHost(options: { limits?: RateLimits; timeouts?: Timeouts; providerLimits?: Partial<ProviderLimits> } = {}): Promise<TestHost> {
  const dir = tempDir();
  const host = await startHost({ dataDir: dir.dir, mode: 'headless', port: 0, limits: options.limits, timeouts: options.timeouts, providerLimits: options.providerLimits });
  const owner = host.workspace.as(host.workspace.owner.id);
  const key = createKey(owner, { userEmail: owner.actor.email, label: 'test' }).key;
  const port = host.server!.port;
  return {
    host,
    port,
    key,
    owner,
    call: (method, path, body, headers = {}) =>
      http(port, method, path, {
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    stop: async () => {
      await host.close();
      dir.cleanup();
    },
  };
}

export interface BridgeHost {
  host: Host;
  port: number;
  /** The data folder, as `promptdesk serve --data-dir` takes it. */
  dataDir: string;
  /** The owner's (an admin's) session, as `promptdesk serve` prints it. */
  ownerToken: string;
  /** `POST /bridge/<channel>` with a JSON body, as the session `token` (the owner's unless given). */
  bridge(channel: string, body: unknown, token?: string): Promise<RawResponse>;
  stop(): Promise<void>;
}

/**
 * A headless host as `promptdesk serve` runs it: the API, the browser bridge and a stand-in UI
 * (`index.html` only), on an ephemeral port with its own data folder. `failedSignInsPerMinute`
 * raises the bridge's sign-in limit for tests that sign in many times.
 */
export async function startBridgeHost(options: { failedSignInsPerMinute?: number } = {}): Promise<BridgeHost> {
  const dir = tempDir();
  const rendererDir = join(dir.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
  const sessions = new SessionRegistry();
  const dataDir = join(dir.dir, 'data');
  const host = await startHost({
    dataDir,
    mode: 'headless',
    port: 0,
    mount: (app, h) => {
      mountBridge(app, { workspace: h.workspace, handlers: h.handlers, sessions, failedSignInsPerMinute: options.failedSignInsPerMinute });
      mountRendererFiles(app, rendererDir);
    },
  });
  const port = host.server!.port;
  const ownerToken = sessions.create(host.workspace.owner.id);
  return {
    host,
    port,
    dataDir,
    ownerToken,
    bridge: (channel, body, token = ownerToken) =>
      http(port, 'POST', `/bridge/${channel}`, { headers: { 'content-type': 'application/json', 'x-promptdesk-session': token }, body: JSON.stringify(body) }),
    stop: async () => {
      await host.close();
      dir.cleanup();
    },
  };
}

/** Asserts an RFC 9457 problem response and returns its body. */
export function expectProblem(res: RawResponse, status: number, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  const problem = res.json();
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:promptdesk:problem:/), detail: expect.any(String) });
  if (field) expect(problem.field).toBe(field);
  expect(res.text).not.toMatch(/at .*\.ts|SQLITE|sqlite/);
  return problem;
}
