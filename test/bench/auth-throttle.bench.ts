/**
 * What the failed-authentication limits cost per request, and their memory under a flood of
 * distinct wrong keys. Prints figures; asserts nothing. Run: node --expose-gc --import tsx test/bench/auth-throttle.bench.ts
 */
import { randomBytes } from 'node:crypto';
import { AuthThrottle } from '../../src/main/api/auth-throttle';

const N = 200_000;
const key = `pd_abcdefghijkl_${randomBytes(32).toString('base64url')}`;
const client = { address: '::ffff:127.0.0.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0', referer: 'http://evil.example/p', fetchSite: 'cross-site' };

function perOp(label: string, fn: (i: number) => void): void {
  for (let i = 0; i < 10_000; i++) fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - start) / N;
  console.log(`${label.padEnd(58)} ${ns.toFixed(0).padStart(6)} ns/request`);
}

const throttle = new AuthThrottle(30);
perOp('valid key: check before authenticating', () => throttle.waitBefore(client, key));
perOp('keyless request: check before authenticating', () => throttle.waitBefore(client, undefined));
perOp('failed wrong key (a new one each time): record', (i) => throttle.recordFailure({ ...client, userAgent: `ua-${i}` }, `${key}${i}`));

globalThis.gc?.();
const before = process.memoryUsage().heapUsed;
const flood = new AuthThrottle(30);
for (let i = 0; i < 1_000_000; i++) flood.recordFailure({ ...client, userAgent: `ua-${i}` }, `${key}${i}`);
globalThis.gc?.();
const grown = (process.memoryUsage().heapUsed - before) / 1048576;
// Using `flood` afterwards keeps it alive through the measurement.
console.log(`heap after 1,000,000 failures with distinct keys and user agents: +${grown.toFixed(1)} MiB (at most 50,000 buckets kept)`);
flood.recordFailure(client, key);
