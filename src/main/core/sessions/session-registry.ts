import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors';

/** A member, and the API key they proved themselves with (null: the printed link, a sign-in link). */
export interface SessionGround {
  userId: string;
  keyId: string | null;
}

/**
 * Who a session acts as, and the API key it was signed in with (null: the printed link, a
 * sign-in link, or a switch made without a key).
 */
export interface Session {
  userId: string;
  keyId: string | null;
  /**
   * What the session it was switched from rested on ("Acting as"): a switched session ends when
   * any of these would end a session of its own (its member deactivated, its key revoked or expired).
   */
  from: readonly SessionGround[];
  createdAt: number;
  /** Milliseconds since the epoch of its last use. */
  usedAt: number;
}

/** A session unused this long ends (milliseconds). */
export const SESSION_IDLE_MS = 24 * 3_600_000;
/** Sessions kept at most; past it the least recently used one ends, so memory stays bounded. */
export const MAX_SESSIONS = 10_000;
/**
 * Sessions one member may have started (signing in, or switching from one of theirs); past it
 * their own least recently used one ends. So a member signing in in a loop cannot push every
 * other member's sessions (the owner's printed link among them) out of {@link MAX_SESSIONS}.
 */
export const MAX_SESSIONS_PER_MEMBER = 1_000;

/**
 * Browser sessions of the headless UI, kept server-side: each token stands for exactly one
 * member, fixed when the session is made (signing in, or an allowed switch, makes a new one).
 * Tabs hold their own tokens, so two tabs can act as two members without affecting each other.
 * Sessions live in memory and end when the server stops, after {@link SESSION_IDLE_MS} unused,
 * or when {@link MAX_SESSIONS} newer ones push them out. Tokens are looked up by their SHA-256,
 * so lookup time says nothing about a token's bytes.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /**
   * A new session acting as `userId`; returns its bearer token (43 url-safe characters).
   * `keyId`: the API key it was signed in with (or consented with), so revoking that key ends the
   * session too. `from`: for a switch, the session it was switched from, which this one cannot outlive.
   */
  create(userId: string, keyId: string | null = null, from?: Session): string {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: Session = { userId, keyId, from: from ? groundsOf(from) : [], createdAt: now, usedAt: now };
    // A Map keeps insertion order and get() re-inserts, so the first entry is the least recently used.
    const starter = startedBy(session);
    const theirs = [...this.sessions].filter(([, s]) => startedBy(s) === starter);
    if (theirs.length >= MAX_SESSIONS_PER_MEMBER) this.sessions.delete(theirs[0]![0]);
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(SessionRegistry.id(token), session);
    return token;
  }

  /** The session a token stands for; `unauthenticated` for a missing or unknown token. */
  get(token: string | undefined): Session {
    const id = token ? SessionRegistry.id(token) : '';
    const session = this.sessions.get(id);
    const now = this.now();
    if (!session || now - session.usedAt > SESSION_IDLE_MS) {
      this.sessions.delete(id);
      throw new AppError('unauthenticated', 'Sign in again: this browser session is not known (it expired, or the server restarted)');
    }
    session.usedAt = now;
    this.sessions.delete(id);
    this.sessions.set(id, session);
    return session;
  }

  /** Sessions kept (for tests). */
  get size(): number {
    return this.sessions.size;
  }

  /** The member a token acts as; `unauthenticated` for a missing or unknown token. */
  memberOf(token: string | undefined): string {
    return this.get(token).userId;
  }

  /** Ends every session acting as `userId` or switched from one of theirs (the member was deactivated). */
  endMember(userId: string): void {
    for (const [id, session] of this.sessions) {
      if (session.userId === userId || session.from.some((g) => g.userId === userId)) this.sessions.delete(id);
    }
  }

  /** Ends one session (sign out). */
  end(token: string | undefined): void {
    if (token) this.sessions.delete(SessionRegistry.id(token));
  }

  private static id(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }
}

/** The member who started a session's chain: who signed in, before any switch. */
const startedBy = (session: Session): string => session.from[0]?.userId ?? session.userId;

/** Everything a session rests on: its own member and key, and those of the sessions it was switched from (each once). */
export function groundsOf(session: Pick<Session, 'userId' | 'keyId' | 'from'>): SessionGround[] {
  const all = [...session.from, { userId: session.userId, keyId: session.keyId }];
  return all.filter((g, i) => all.findIndex((o) => o.userId === g.userId && o.keyId === g.keyId) === i);
}
