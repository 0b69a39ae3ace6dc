/** Buckets kept at most: a client presenting endless distinct wrong keys must not grow memory without bound. */
export const MAX_BUCKETS = 50_000;

/**
 * Token buckets in memory: each key refills `perSecond` tokens up to `burst`. A loopback API
 * has one process and few clients, so nothing shared or persistent is needed. At most
 * {@link MAX_BUCKETS} are kept: idle ones (a minute) go first, then the oldest.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** The id take() last inserted: its bucket is the Map's last entry until another id is inserted. */
  private lastTaken: string | undefined;

  constructor(
    private perSecond: number,
    private burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Changes the refill rate and burst (a saved setting, applied to the next request). Buckets
   * keep their tokens, capped at the new burst when next refilled.
   */
  setRate(perSecond: number, burst: number): void {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** Takes a token; returns 0 when allowed, else the seconds to wait before retrying. */
  take(id: string): number {
    const now = this.now();
    const existing = this.buckets.get(id);
    if (!existing && this.buckets.size >= MAX_BUCKETS) this.prune(now);
    const bucket = existing ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    // Re-inserted so the Map's order is least recently refilled first (prune); a bucket taken last
    // time too is already last (only take inserts), which spares one key's stream of requests two
    // Map writes each.
    if (!existing || this.lastTaken !== id) {
      this.buckets.delete(id);
      this.buckets.set(id, bucket);
      this.lastTaken = id;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  /** A failure that only costs a token (failed authentications), without a check. */
  peek(id: string): number {
    const bucket = this.buckets.get(id);
    if (!bucket) return 0;
    const tokens = Math.min(this.burst, bucket.tokens + ((this.now() - bucket.at) / 1000) * this.perSecond);
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
  }

  /** How many buckets are kept (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private prune(now: number): void {
    for (const [id, bucket] of this.buckets) if (now - bucket.at > 60_000) this.buckets.delete(id);
    // Still full: drop the least recently refilled tenth (a Map iterates in insertion order, and
    // take() re-inserts a bucket it touches).
    if (this.buckets.size >= MAX_BUCKETS) {
      let drop = Math.ceil(MAX_BUCKETS / 10);
      for (const id of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(id);
      }
    }
  }
}

export interface RateLimits {
  /** Requests per second per key, and the burst allowed above it. */
  perKeyPerSecond: number;
  perKeyBurst: number;
  /** Failed authentications per minute per presented key and per client (see AuthThrottle) before it is made to wait. */
  failedAuthPerMinute: number;
}

/** Fixed limits for hosts that pass none of their own; the per-key figures are the setting's default (core/keys/rate-limit-setting.ts). */
export const DEFAULT_RATE_LIMITS: RateLimits = { perKeyPerSecond: 1000, perKeyBurst: 2000, failedAuthPerMinute: 30 };
