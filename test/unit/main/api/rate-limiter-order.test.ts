import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_BUCKETS, RateLimiter } from '../../../../src/main/api/rate-limit';

// RateLimiter.take keeps its buckets least recently refilled first (prune drops from the front
// when MAX_BUCKETS is reached) and skips the re-insertion for the id it took last: on every
// sequence of takes the order must be the one re-inserting every time gives.
describe('RateLimiter bucket order', () => {
  const orderOf = (limiter: RateLimiter) => [...(limiter as unknown as { buckets: Map<string, unknown> }).buckets.keys()];

  it('is least recently taken first after any sequence of takes, repeated ids included', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 40 }), (ids) => {
        const limiter = new RateLimiter(1000, 2000, () => 0);
        const reference: string[] = [];
        for (const id of ids) {
          limiter.take(id);
          reference.splice(reference.indexOf(id) >>> 0, reference.includes(id) ? 1 : 0);
          reference.push(id);
        }
        expect(orderOf(limiter)).toEqual(reference);
      }),
    );
  });

  it('keeps the bucket taken last when full: the least recently taken tenth goes, not it', () => {
    const limiter = new RateLimiter(1000, 2000, () => 0);
    for (let i = 0; i < MAX_BUCKETS; i++) limiter.take(`k${i}`);
    // k0 taken again twice (the second take skips the re-insertion), then a new id fills past the bound.
    limiter.take('k0');
    limiter.take('k0');
    limiter.take('new');
    const order = orderOf(limiter);
    expect(order.slice(-2)).toEqual(['k0', 'new']);
    expect(order.includes('k1')).toBe(false);
    expect(order.length).toBe(MAX_BUCKETS - Math.ceil(MAX_BUCKETS / 10) + 1);
  });
});
