import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors';

/** Who a session acts as, and the API key it was signed in with (null: the printed link, or a switch). */
export interface Session {
  userId: string;
  keyId: string | null;
  createdAt: number;
}

/**
 * Browser sessions of the headless UI, kept server-side: each token stands for exactly one
 * member, fixed when the session is made (signing in, or an allowed switch, makes a new one).
 * Tabs hold their own tokens, so two tabs can act as two members without affecting each other.
 * Sessions live in memory and end when the server stops. Tokens are looked up by their SHA-256,
 * so lookup time says nothing about a token's bytes.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  /**
   * A new session acting as `userId`; returns its bearer token (43 url-safe characters).
   * `keyId`: the API key it was signed in with, so revoking that key ends the session too.
   */
  create(userId: string, keyId: string | null = null): string {
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(SessionRegistry.id(token), { userId, keyId, createdAt: Date.now() });
    return token;
  }

  /** The session a token stands for; `unauthenticated` for a missing or unknown token. */
  get(token: string | undefined): Session {
    const session = token ? this.sessions.get(SessionRegistry.id(token)) : undefined;
    if (!session) throw new AppError('unauthenticated', 'Sign in again: this browser session is not known (the server may have restarted)');
    return session;
  }

  /** The member a token acts as; `unauthenticated` for a missing or unknown token. */
  memberOf(token: string | undefined): string {
    return this.get(token).userId;
  }

  /** Ends one session (sign out). */
  end(token: string | undefined): void {
    if (token) this.sessions.delete(SessionRegistry.id(token));
  }

  private static id(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }
}
