import { AppError } from '../errors';

/**
 * Bounds on the long-lived change streams one process serves (issue 13, attack F1): the change
 * feed (`GET /api/v1/changes`), the browser tab's `/bridge/changes` and `/mcp`'s standing GET
 * streams all take a slot here before they start and give it back when they end, so no key, member
 * or the whole server can hold more open streams than this.
 */
export interface StreamLimitSettings {
  /** Open streams one credential (API key, or browser session) may hold. */
  perKey: number;
  /** Open streams one member may hold over all their keys and sessions (a member can make many keys). */
  perMember: number;
  /** Open streams in all; past this every new stream is refused (503). */
  total: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterS: number;
}

/** The defaults, documented in the README ("Change feed limits"). */
export const DEFAULT_STREAM_LIMITS: Readonly<StreamLimitSettings> = { perKey: 16, perMember: 32, total: 512, retryAfterS: 5 };

/**
 * Events one stream may have queued for a client that does not read. Past it the stream ends
 * (its slot is freed and its queue dropped); the client resumes with Last-Event-ID, and gets
 * `reset` if what it missed is no longer kept. Events are shared between a member's streams, so
 * this bounds references, not copies.
 */
export const MAX_BUFFERED_EVENTS = 1_000;

/** Who holds a stream: the member, and the credential (API key id, or `session:<id>` for a browser tab). */
export interface StreamHolder {
  memberId: string;
  credential: string;
}

/** The open-stream counter; one per workspace (ChangeFeed.streams). */
export class StreamLimits {
  settings: StreamLimitSettings = { ...DEFAULT_STREAM_LIMITS };
  private readonly byCredential = new Map<string, number>();
  private readonly byMember = new Map<string, number>();
  private open = 0;

  /**
   * Takes a slot for a new stream of `holder`, or refuses it: 429 (`rate_limited`, Retry-After)
   * when the credential or the member already holds its cap, 503 (`unavailable`, Retry-After)
   * when the server holds `total`. The per-member cap is checked before the total, so one member
   * filling the server meets their own cap first.
   * @returns release (idempotent): call when the stream ends, however it ends
   * @throws AppError rate_limited | unavailable
   */
  acquire(holder: StreamHolder): () => void {
    const { perKey, perMember, total, retryAfterS } = this.settings;
    if ((this.byCredential.get(holder.credential) ?? 0) >= perKey) {
      throw AppError.rateLimited(`This key (or session) already has ${perKey} open change streams: close one first`, retryAfterS);
    }
    if ((this.byMember.get(holder.memberId) ?? 0) >= perMember) {
      throw AppError.rateLimited(`You already have ${perMember} open change streams: close one first`, retryAfterS);
    }
    if (this.open >= total) {
      const error = new AppError('unavailable', `The server has ${total} open change streams, its limit: retry later`);
      error.retryAfter = retryAfterS;
      throw error;
    }
    bump(this.byCredential, holder.credential, 1);
    bump(this.byMember, holder.memberId, 1);
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      bump(this.byCredential, holder.credential, -1);
      bump(this.byMember, holder.memberId, -1);
      this.open--;
    };
  }

  /** Streams open now (in all, or one member's). */
  count(memberId?: string): number {
    return memberId === undefined ? this.open : (this.byMember.get(memberId) ?? 0);
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
