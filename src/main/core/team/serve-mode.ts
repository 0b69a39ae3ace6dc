import type { IncomingMessage } from 'node:http';
import { invalid } from '../errors';
import { allowedHosts, allowedOrigins, type AllowList } from '../../api/loopback-guard';

/**
 * How `promptdesk serve` may listen: the one rule for its flags (`--host`, `--team`,
 * `--public-url`, `--tls-cert`/`--tls-key`, `--trust-proxy`), checked before anything opens.
 *
 * - Without `--team`: loopback only (127.0.0.1, ::1, localhost); the team flags are refused.
 *   A headless server signs tabs in by API key or printed link, which is safe only on this machine.
 * - With `--team`: `--public-url` is required (an http(s) origin, no path). Members' cookies are
 *   `Secure`, so an `https` public URL needs TLS here (`--tls-cert` with `--tls-key`) or a proxy
 *   in front that terminates it (`--trust-proxy`), never both; an `http` public URL is accepted
 *   only on loopback (a browser treats http://127.0.0.1 as secure), and so is a non-loopback
 *   `--host` only with TLS or a proxy.
 */
export interface ServeFlags {
  host?: string;
  team?: boolean;
  publicUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
  trustProxy?: boolean;
}

export type ServeMode =
  | { team: false; host: string }
  | { team: true; host: string; publicUrl: string; tls: { certFile: string; keyFile: string } | null; trustProxy: boolean };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);
export const isLoopbackHost = (host: string): boolean => LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Resolves the flags into how to serve, or refuses them naming the flag at fault.
 *
 * @throws AppError `invalid_input` with field `host`, `team`, `public-url`, `tls-cert`, `tls-key` or `trust-proxy`
 * @example resolveServeMode({ host: '0.0.0.0', team: true, publicUrl: 'https://prompts.example.com', trustProxy: true })
 */
export function resolveServeMode(flags: ServeFlags): ServeMode {
  const host = flags.host ?? '127.0.0.1';
  if (!flags.team) {
    for (const [flag, set] of [['public-url', flags.publicUrl], ['tls-cert', flags.tlsCert], ['tls-key', flags.tlsKey], ['trust-proxy', flags.trustProxy]] as const) {
      if (set) throw invalid(`--${flag} is for a team server: add --team`, flag);
    }
    if (!isLoopbackHost(host)) throw invalid(`--host ${host} is not a loopback address: without --team, serve listens on this machine only (127.0.0.1, ::1 or localhost)`, 'host');
    return { team: false, host };
  }
  if (!flags.publicUrl) throw invalid('--public-url is required with --team: the address members open, like https://prompts.example.com', 'public-url');
  let url: URL;
  try {
    url = new URL(flags.publicUrl);
  } catch {
    throw invalid('--public-url must be an address like https://prompts.example.com', 'public-url');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw invalid('--public-url must be an http(s) origin without a path, like https://prompts.example.com', 'public-url');
  }
  if (!!flags.tlsCert !== !!flags.tlsKey) throw invalid('--tls-cert and --tls-key go together', flags.tlsCert ? 'tls-key' : 'tls-cert');
  const tls = flags.tlsCert && flags.tlsKey ? { certFile: flags.tlsCert, keyFile: flags.tlsKey } : null;
  if (tls && flags.trustProxy) throw invalid('Choose one: --tls-cert/--tls-key (TLS here) or --trust-proxy (a proxy in front terminates TLS)', 'trust-proxy');
  const local = isLoopbackHost(host);
  if (url.protocol === 'https:' && !tls && !flags.trustProxy) {
    throw invalid('An https --public-url needs --tls-cert and --tls-key, or --trust-proxy behind a proxy that terminates TLS', 'public-url');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalid('A team server is reached over https (its session cookies are Secure): use an https --public-url', 'public-url');
  }
  if (!local && !tls && !flags.trustProxy) throw invalid(`--host ${host} serves other machines: add --tls-cert/--tls-key, or --trust-proxy behind a TLS proxy`, 'host');
  return { team: true, host, publicUrl: url.origin, tls, trustProxy: !!flags.trustProxy };
}

const hostOf = (origin: string) => new URL(origin).host.toLowerCase();

/**
 * A team server's Host/Origin allow-list: the loopback ones of the bound port (an admin on the
 * machine itself, the proxy's upstream) plus the public URL's host and origin. With
 * `--trust-proxy`, an `X-Forwarded-Host` must name the public host too; without it, the header is ignored.
 */
export function teamAllowList(bindHost: string, publicUrl: () => string, trustProxy: boolean): AllowList {
  return {
    hosts: (port) => new Set([...allowedHosts(port, bindHost), hostOf(publicUrl())]),
    origins: (port) => new Set([...allowedOrigins(allowedHosts(port, bindHost)), new URL(publicUrl()).origin.toLowerCase()]),
    hostHint: 'Host not allowed: open this team server at its public address',
    check: (req: IncomingMessage) => {
      const forwarded = req.headers['x-forwarded-host'];
      if (!trustProxy || forwarded === undefined) return null;
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
      return first === hostOf(publicUrl()) ? null : 'X-Forwarded-Host not allowed: the proxy must forward the public host';
    },
  };
}
