import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { clientFingerprint, limitAddress } from '../../../../src/main/api/auth-throttle';
import { MAX_BUCKETS, RateLimiter } from '../../../../src/main/api/rate-limit';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http, type RawResponse } from '../../../helpers/http';
import { seedPrompt } from '../../../helpers/workspace';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';

const LIMIT = 5;
const ATTEMPTS = 40;
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const HOSTILE_PAGE = 'http://evil.example/page.html';

/** A GET over IPv4 or IPv6 loopback, with full control of headers. */
const send = (port: number, family: 4 | 6, path: string, headers: Record<string, string>): Promise<RawResponse> => http(port, 'GET', path, { headers, family });

const wrongKey = () => `pd_${randomBytes(9).toString('hex').slice(0, 12)}_${randomBytes(32).toString('base64url')}`;

/** How a hostile local client fails to authenticate; `i` numbers its attempts. */
interface Attack {
  name: string;
  family: 4 | 6;
  request(i: number, t: TestHost): { path: string; headers: Record<string, string> };
}

const browser = { 'user-agent': BROWSER_UA, referer: HOSTILE_PAGE, 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image' };
const ONE_WRONG = wrongKey();
const ATTACKS: Attack[] = [
  { name: '<img> tags on a page: keyless GETs with the browser UA', family: 4, request: (i) => ({ path: `/api/v1/prompts?img=${i}`, headers: browser }) },
  { name: '<img> tags over ::1', family: 6, request: (i) => ({ path: `/api/v1/logs?i=${i}`, headers: browser }) },
  { name: 'keyless requests with no headers (a script)', family: 4, request: () => ({ path: '/api/v1/members', headers: {} }) },
  { name: 'one wrong key, repeated', family: 4, request: () => ({ path: '/api/v1/prompts', headers: { ...browser, authorization: `Bearer ${ONE_WRONG}` } }) },
  { name: 'a new wrong key each time', family: 4, request: () => ({ path: '/api/v1/prompts', headers: { ...browser, authorization: `Bearer ${wrongKey()}` } }) },
  { name: 'new wrong keys over ::1 in X-Authorization', family: 6, request: () => ({ path: '/api/v1/prompts', headers: { ...browser, 'x-authorization': wrongKey() } }) },
  { name: 'garbage Authorization headers', family: 4, request: (i) => ({ path: '/api/v1/prompts', headers: { ...browser, authorization: `Basic ${'x'.repeat(i + 1)}` } }) },
  { name: 'keys in the query string', family: 4, request: (i) => ({ path: `/api/v1/prompts?api_key=${i}`, headers: browser }) },
  {
    name: "the victim's key prefix with a wrong secret",
    family: 4,
    request: (_i, t) => ({ path: '/api/v1/prompts', headers: { ...browser, authorization: `Bearer ${t.key.slice(0, 16)}${randomBytes(32).toString('base64url')}` } }),
  },
  { name: "the victim's own User-Agent, no Referer", family: 6, request: () => ({ path: '/api/v1/prompts', headers: { 'user-agent': BROWSER_UA } }) },
  {
    name: '<img> with referrerpolicy=no-referrer',
    family: 4,
    request: (i) => ({ path: `/api/v1/logs?n=${i}`, headers: { 'user-agent': BROWSER_UA, 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image' } }),
  },
];

/** The real client: the valid key, from the same browser, page and either loopback family; or keyless where a prompt allows it. */
const VICTIMS: Array<{ name: string; family: 4 | 6; headers: (key: string) => Record<string, string> }> = [
  { name: 'Bearer over 127.0.0.1', family: 4, headers: (key) => ({ ...browser, authorization: `Bearer ${key}` }) },
  { name: 'X-Authorization over ::1', family: 6, headers: (key) => ({ ...browser, 'x-authorization': key }) },
  { name: 'Bearer with no other headers', family: 4, headers: (key) => ({ authorization: `Bearer ${key}` }) },
];
/** Keyless clients of a prompt whose key requirement is off: the app's own tab, and a script. */
const KEYLESS_VICTIMS: Array<{ name: string; family: 4 | 6; headers: Record<string, string> }> = [
  { name: "the app's own tab", family: 4, headers: { 'user-agent': BROWSER_UA, referer: 'http://127.0.0.1/', 'sec-fetch-site': 'same-origin' } },
  { name: 'curl over ::1', family: 6, headers: { 'user-agent': 'curl/8.5.0' } },
];

let t: TestHost;
beforeEach(async () => {
  t = await startTestHost({ limits: { perKeyPerSecond: 1e6, perKeyBurst: 1e6, failedAuthPerMinute: LIMIT } });
  seedPrompt(t.owner, 'open', 'hello {{x}}', { api: true });
  setApiSettings(t.owner, { name: 'open', keyRequired: false });
});
afterEach(() => t.stop());

describe('one hostile local client cannot lock out the rest', () => {
  it.each(ATTACKS)('$name: the attacker is slowed, a valid key is never refused', async (attack) => {
    const statuses: number[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      const { path, headers } = attack.request(i, t);
      statuses.push((await send(t.port, attack.family, path, headers)).status);
    }
    // The limit still bites the attacker: its first failures are 401, then 429 with Retry-After.
    expect(statuses.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LIMIT + 1).every((s) => s === 429)).toBe(true);
    for (const victim of VICTIMS) {
      const res = await send(t.port, victim.family, '/api/v1/prompts', victim.headers(t.key));
      expect(res.status, `${victim.name} after "${attack.name}"`).toBe(200);
    }
    for (const victim of KEYLESS_VICTIMS) {
      const res = await send(t.port, victim.family, '/api/v1/prompts/open', victim.headers);
      expect(res.status, `${victim.name} (keyless) after "${attack.name}"`).toBe(200);
    }
  });

  it('answers 429 with Retry-After once a client has spent its budget', async () => {
    let last: RawResponse | undefined;
    for (let i = 0; i <= LIMIT; i++) last = await send(t.port, 4, '/api/v1/prompts', browser);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('counts IPv4 and IPv6 loopback as one address', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await send(t.port, 6, '/api/v1/prompts', { 'user-agent': 'tool/1' })).status).toBe(401);
    // The same program switching family gets no fresh budget.
    expect((await send(t.port, 4, '/api/v1/prompts', { 'user-agent': 'tool/1' })).status).toBe(429);
    // Another program (another User-Agent) keeps its own.
    expect((await send(t.port, 4, '/api/v1/prompts', { 'user-agent': 'other/2' })).status).toBe(401);
  });
});

describe('limitAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.4.5.6', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::FFFF:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback'],
    ['::1%lo', 'loopback'],
    ['192.168.1.5', '192.168.1.5'],
    ['::ffff:192.168.1.5', '192.168.1.5'],
    ['fe80::1', 'fe80::1'],
    ['::2', '::2'],
    [undefined, 'unknown'],
  ])('%s -> %s', (address, expected) => {
    expect(limitAddress(address)).toBe(expected);
  });

  it('gives every loopback spelling the same client fingerprint', () => {
    const prints = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].map((address) => clientFingerprint({ address, userAgent: 'x' }));
    expect(new Set(prints).size).toBe(1);
    expect(clientFingerprint({ address: '::1', userAgent: 'x', referer: 'http://a.example/' })).not.toBe(prints[0]);
  });
});

describe('RateLimiter memory', () => {
  it('keeps at most MAX_BUCKETS however many distinct credentials are presented; a busy bucket is not evicted', () => {
    let now = 0;
    const limiter = new RateLimiter(1 / 3600, 1, () => now);
    limiter.take('busy');
    let largest = 0;
    let busyRefused = 0;
    for (let i = 0; i < MAX_BUCKETS * 3; i++) {
      now += 1;
      limiter.take(`wrong-key-${i}`);
      // The busy client keeps failing: eviction must not hand it a fresh budget.
      if (i % 1000 === 0 && limiter.take('busy') > 0) busyRefused++;
      largest = Math.max(largest, limiter.size);
    }
    expect(largest).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(busyRefused).toBe(MAX_BUCKETS * 3 / 1000);
  });
});
