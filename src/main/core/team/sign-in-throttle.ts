/**
 * The limit on failed password sign-ins: per account (the email as typed, canonical, whether or
 * not a member has it, so an unknown email is limited exactly like a known one) and per client
 * address. The first {@link FREE_FAILURES} - 1 failures cost nothing; the {@link FREE_FAILURES}th
 * ({@link FREE_FAILURES_PER_ADDRESS}th for an address)
 * makes the next attempt wait 1 s, and each further one doubles the wait (2 s, 4 s, … up to
 * {@link MAX_WAIT_S}), during which attempts are refused without checking any password. A success clears the account's count, never the
 * address's. Entries are forgotten {@link FORGET_AFTER_MS} after their last failure, and at most
 * {@link MAX_ENTRIES} are kept (the oldest go first), so memory stays bounded under a flood.
 * Times are seconds; `now` is milliseconds.
 */

export const FREE_FAILURES = 5;
/** An address's budget is larger: one office behind one NAT address shares it. */
export const FREE_FAILURES_PER_ADDRESS = 20;
export const MAX_WAIT_S = 15 * 60;
export const FORGET_AFTER_MS = 24 * 3_600_000;
export const MAX_ENTRIES = 50_000;

interface Entry {
  failures: number;
  /** When the next attempt may be made (ms). */
  until: number;
  last: number;
}

export class SignInThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Seconds to wait before `account` may try again from `address` (0: go ahead), rounded up. */
  waitBefore(account: string, address: string): number {
    const now = this.now();
    const until = Math.max(this.entry(`acct:${account}`, now)?.until ?? 0, this.entry(`addr:${address}`, now)?.until ?? 0);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Records a failure; returns the seconds to wait now (0 before the {@link FREE_FAILURES}th). */
  recordFailure(account: string, address: string): number {
    const now = this.now();
    for (const [key, free] of [[`acct:${account}`, FREE_FAILURES], [`addr:${address}`, FREE_FAILURES_PER_ADDRESS]] as const) {
      const entry = this.entry(key, now) ?? { failures: 0, until: 0, last: now };
      entry.failures += 1;
      entry.last = now;
      const over = entry.failures - free + 1;
      entry.until = over > 0 ? now + Math.min(2 ** (over - 1), MAX_WAIT_S) * 1000 : 0;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return this.waitBefore(account, address);
  }

  /** A successful sign-in: the account starts afresh. */
  recordSuccess(account: string): void {
    this.entries.delete(`acct:${account}`);
  }

  private entry(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now - entry.last > FORGET_AFTER_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
