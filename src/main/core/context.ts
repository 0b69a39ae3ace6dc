import type { Store } from '../store/store';
import type { Runtime } from './runtime';
import type { ApiKeyInfo, User } from '../../shared/schemas/users';

/** How a call arrived over the HTTP API: the key used (null for a keyless read) and from where. */
export interface ApiVia {
  kind: 'api';
  key: ApiKeyInfo | null;
  loopback: boolean;
}

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** What every service call needs: the store, the time, and who is acting. */
export interface Ctx {
  store: Store;
  clock: Clock;
  actor: User;
  runtime: Runtime;
  /** Set for HTTP API calls: API exposure, key scopes and keyless access apply. */
  via?: ApiVia;
  /**
   * A browser session signed in (or switched with consent) with API keys: the keys it rests on.
   * A key made in it is bounded by them as by a calling key (see keys-service `withinCallerKey`).
   */
  sessionKeys?: readonly ApiKeyInfo[];
}

export const nowIso = (ctx: { clock: Clock }) => ctx.clock.now().toISOString();
