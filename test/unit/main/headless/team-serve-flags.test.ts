import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveServeMode, teamAllowList, type ServeFlags } from '../../../../src/main/core/team/serve-mode';
import type { IncomingMessage } from 'node:http';
import { main } from '../../../../src/main/headless/cli';
import { openWorkspace } from '../../../../src/main/core/workspace';
import { ensureTeam } from '../../../../src/main/core/team/team-server';
import { startHost } from '../../../../src/main/host';
import { mountTeamWeb } from '../../../../src/main/headless/team-web';
import { tempDir } from '../../../helpers/workspace';

const HOSTS = ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '192.168.1.5', '::'] as const;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const FLAG_SETS: Record<string, Omit<ServeFlags, 'host'>> = {
  plain: {},
  'team without url': { team: true },
  'team http loopback url': { team: true, publicUrl: 'http://127.0.0.1:4319' },
  'team http public url': { team: true, publicUrl: 'http://prompts.example.com' },
  'team https, no tls': { team: true, publicUrl: 'https://prompts.example.com' },
  'team https + tls': { team: true, publicUrl: 'https://prompts.example.com', tlsCert: 'c.pem', tlsKey: 'k.pem' },
  'team https + proxy': { team: true, publicUrl: 'https://prompts.example.com', trustProxy: true },
  'team tls + proxy': { team: true, publicUrl: 'https://prompts.example.com', tlsCert: 'c.pem', tlsKey: 'k.pem', trustProxy: true },
  'team cert only': { team: true, publicUrl: 'https://prompts.example.com', tlsCert: 'c.pem' },
  'team url with path': { team: true, publicUrl: 'https://prompts.example.com/app', trustProxy: true },
  'no team + public url': { publicUrl: 'https://prompts.example.com' },
  'no team + proxy': { trustProxy: true },
};

/** What the rule should decide, written independently of it: the field refused, or 'team'/'local'. */
function expected(host: string, name: string): string {
  const loopback = LOOPBACK.has(host);
  switch (name) {
    case 'plain':
      return loopback ? 'local' : 'host';
    case 'no team + public url':
      return 'public-url';
    case 'no team + proxy':
      return 'trust-proxy';
    case 'team without url':
    case 'team http public url':
    case 'team https, no tls':
    case 'team url with path':
      return 'public-url';
    case 'team http loopback url':
      return loopback ? 'team' : 'host';
    case 'team https + tls':
    case 'team https + proxy':
      return 'team';
    case 'team tls + proxy':
      return 'trust-proxy';
    case 'team cert only':
      return 'tls-key';
    default:
      throw new Error(name);
  }
}

describe('serve flags: host x flags matrix (core/team/serve-mode.ts)', () => {
  for (const host of HOSTS) {
    for (const [name, flags] of Object.entries(FLAG_SETS)) {
      it(`--host ${host}, ${name}`, () => {
        let outcome: string;
        try {
          const mode = resolveServeMode({ host, ...flags });
          outcome = mode.team ? 'team' : 'local';
        } catch (error) {
          outcome = (error as { field: string }).field;
        }
        expect(outcome).toBe(expected(host, name));
      });
    }
  }

  it('a team mode keeps the public URL as an origin', () => {
    const mode = resolveServeMode({ host: '0.0.0.0', team: true, publicUrl: 'https://Prompts.Example.com/', trustProxy: true });
    expect(mode).toEqual({ team: true, host: '0.0.0.0', publicUrl: 'https://prompts.example.com', tls: null, trustProxy: true });
  });
});

describe('promptdesk CLI: serve and users invite', () => {
  let dir: ReturnType<typeof tempDir>;
  let out = '';
  let err = '';
  beforeEach(() => {
    dir = tempDir();
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    dir.cleanup();
  });

  it.each([
    [['--host', '0.0.0.0'], /not a loopback address/],
    [['--host', '192.168.1.5', '--team'], /--public-url is required/],
    [['--team', '--public-url', 'https://p.example.com'], /needs --tls-cert and --tls-key, or --trust-proxy/],
    [['--public-url', 'https://p.example.com'], /--public-url is for a team server/],
  ])('serve %j is refused before anything opens (exit 2)', async (flags, message) => {
    expect(await main(['serve', '--data-dir', dir.dir, '--port', '0', ...flags])).toBe(2);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  it('users invite prints the link on a team folder and refuses elsewhere', async () => {
    expect(await main(['users', 'invite', '--data-dir', dir.dir, '--email', 'ada@example.com'])).toBe(1);
    expect(err).toMatch(/not a team server/);
    const ws = openWorkspace(dir.dir);
    ensureTeam(ws.store, 'https://prompts.example.com');
    ws.close();
    err = '';
    expect(await main(['users', 'invite', '--data-dir', dir.dir, '--email', 'ada@example.com', '--name', 'Ada', '--admin'])).toBe(0);
    expect(out).toMatch(/^https:\/\/prompts\.example\.com\/#invite=[A-Za-z0-9_-]{43}\n$/);
    expect(err).toContain(out.trim().split('#invite=')[1]);
    // Sign-in links would bypass passwords on a team server.
    expect(await main(['users', 'login-link', '--data-dir', dir.dir, '--user', ws.owner.email])).toBe(1);
    expect(err).toMatch(/team server/);
  });
});

describe('team server over TLS (node:https)', () => {
  it('serves https with the given certificate: the team answers over TLS at its https address', async () => {
    const dir = tempDir();
    try {
      const cert = join(dir.dir, 'cert.pem');
      const key = join(dir.dir, 'key.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
      const host = await startHost({
        dataDir: join(dir.dir, 'data'),
        mode: 'headless',
        port: 0,
        team: { tls: { cert: readFileSync(cert), key: readFileSync(key) } },
        mount: (app, h) => void mountTeamWeb(app, { workspace: h.workspace, trustProxy: false }),
      });
      try {
        expect(host.server!.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: host.server!.port, path: '/team/status', ca: readFileSync(cert), servername: undefined, checkServerIdentity: () => undefined }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end();
        });
        expect(status.code).toBe(200);
        expect(JSON.parse(status.body).team.publicUrl).toBe(host.server!.url);
      } finally {
        await host.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});

describe('team allow-list (Host / Origin / X-Forwarded-Host)', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  it('answers the public host and origin besides loopback; X-Forwarded-Host counts only with --trust-proxy', () => {
    const proxied = teamAllowList('127.0.0.1', () => 'https://prompts.example.com', true);
    expect(proxied.hosts(4319)).toEqual(new Set(['127.0.0.1:4319', 'localhost:4319', '[::1]:4319', 'prompts.example.com']));
    expect(proxied.origins(4319).has('https://prompts.example.com')).toBe(true);
    expect(proxied.origins(4319).has('http://prompts.example.com')).toBe(false);
    expect(proxied.check!(req({ 'x-forwarded-host': 'prompts.example.com' }), 4319)).toBeNull();
    expect(proxied.check!(req({ 'x-forwarded-host': 'evil.example' }), 4319)).toMatch(/X-Forwarded-Host/);
    expect(proxied.check!(req({}), 4319)).toBeNull();
    const direct = teamAllowList('0.0.0.0', () => 'https://prompts.example.com', false);
    expect(direct.check!(req({ 'x-forwarded-host': 'evil.example' }), 4319)).toBeNull();
  });
});
