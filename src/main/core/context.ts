import type { Store } from '../store/store';
import type { User } from '../../shared/schemas/users';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** What every service call needs: the store, the time, and who is acting. */
export interface Ctx {
  store: Store;
  clock: Clock;
  actor: User;
}

export const nowIso = (ctx: { clock: Clock }) => ctx.clock.now().toISOString();
