import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { RateLimiter } from './rate-limit';

/** What a request tells about the local program that sent it (all headers optional). */
export interface ClientSignals {
  /** The socket's remote address as Node reports it (`127.0.0.1`, `::1`, `::ffff:127.0.0.1`, …). */
  address: string | undefined;
  userAgent?: string;
  origin?: string;
  referer?: string;
  /** `Sec-Fetch-Site`: browsers mark a hostile page's `<img>` cross-site even with no Referer. */
  fetchSite?: string;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/**
 * The address a client is limited under. Every loopback spelling (127.0.0.0/8, `::1`, and their
 * IPv4-mapped forms) is one address: a program must not get a fresh budget by switching family.
 *
 * @example limitAddress('::ffff:127.0.0.1') === limitAddress('::1') // 'loopback'
 */
// limitAddress is pure and asked on every request, mostly for the same few addresses; the BlockList
// check builds a SocketAddress each time. Bounded: cleared whole past LIMIT_ADDRESS_MEMO entries.
const LIMIT_ADDRESS_MEMO = 1024;
const limitAddressMemo = new Map<string, string>();

export function limitAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  const known = limitAddressMemo.get(address);
  if (known !== undefined) return known;
  if (limitAddressMemo.size >= LIMIT_ADDRESS_MEMO) limitAddressMemo.clear();
  const answer = limitAddressOf(address);
  limitAddressMemo.set(address, answer);
  return answer;
}

function limitAddressOf(address: string): string {
  const bare = address.toLowerCase().replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return bare;
  if (LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6')) return 'loopback';
  // Other IPv4-mapped addresses (a --host on a LAN) are the IPv4 client they carry.
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1] ?? bare;
}

function originOf(value: string | undefined): string {
  if (!value) return '';
  try {
    return new URL(value).origin;
  } catch {
    return 'malformed';
  }
}

/**
 * Tells local clients apart: on loopback every program has the same address, so the address
 * alone would let one hostile page (say, 40 `<img>` tags pointing at the API) spend the budget
 * of every other program. User-Agent, the page a request came from (Origin, else Referer) and
 * the browser's own `Sec-Fetch-Site` separate a hostile page from the app's tab, curl, a script
 * or another browser. A client can forge these, but
 * forging them only moves it into another client's budget for requests *without* a valid key,
 * which {@link AuthThrottle} never applies to a key that authenticates.
 */
export function clientFingerprint(client: ClientSignals): string {
  const page = originOf(client.origin) || originOf(client.referer);
  return createHash('sha256')
    .update(`${limitAddress(client.address)}\n${client.userAgent ?? ''}\n${page}\n${client.fetchSite ?? ''}`)
    .digest('base64url');
}

const credentialId = (credential: string) => createHash('sha256').update(credential).digest('base64url');

/**
 * Limits failed authentications (API keys, UI sign-ins) without letting one client lock out
 * the rest:
 * - a request without a credential is limited per client ({@link clientFingerprint});
 * - a request with a credential is limited per credential (a hash of exactly what was
 *   presented), so retrying one wrong key is slowed but a different, valid key is not;
 * - a client that keeps presenting wrong credentials gets 429 instead of 401 once its own
 *   budget is spent, yet a credential that authenticates is always let through.
 *
 * Budgets are `failedPerMinute` failures, refilled evenly over a minute. Times are seconds.
 */
export class AuthThrottle {
  private readonly failures: RateLimiter;

  constructor(failedPerMinute: number, now?: () => number) {
    this.failures = new RateLimiter(failedPerMinute / 60, failedPerMinute, now);
  }

  /**
   * Before authenticating: seconds the request must wait (0: go ahead). Without a credential
   * the client's budget decides; with one, only that credential's.
   */
  waitBefore(client: ClientSignals, credential: string | undefined): number {
    // No failure recorded anywhere: no bucket to peek, so no wait, without hashing anything.
    if (this.failures.size === 0) return 0;
    return credential === undefined ? this.failures.peek(`client:${clientFingerprint(client)}`) : this.failures.peek(`cred:${credentialId(credential)}`);
  }

  /**
   * Records a failed authentication; returns seconds to wait when the client or credential has
   * now run out of budget (answer 429 with Retry-After instead of 401), else 0.
   */
  recordFailure(client: ClientSignals, credential: string | undefined): number {
    const byClient = this.failures.take(`client:${clientFingerprint(client)}`);
    const byCredential = credential === undefined ? 0 : this.failures.take(`cred:${credentialId(credential)}`);
    return Math.max(byClient, byCredential);
  }
}
