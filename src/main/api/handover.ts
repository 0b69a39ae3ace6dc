import type { IncomingMessage } from 'node:http';
import type { Admission } from './auth';

/**
 * What the fast render path (api/fast-render.ts) already did for a request it hands on to the
 * Hono app: the key check's outcome, which also counted the failed-authentication throttle and
 * the per-key rate limit, so the app's key middleware uses it instead of counting them twice.
 */
export type Handed = { admitted: Admission } | { refused: unknown };

// Per request object, so nothing outlives the request or reaches another one.
const handed = new WeakMap<IncomingMessage, Handed>();

/** Records the key check's outcome for `incoming` before the request goes on to the Hono app. */
export function handOver(incoming: IncomingMessage, outcome: Handed): void {
  handed.set(incoming, outcome);
}

/** The outcome the fast path recorded for the request behind a Hono context's `env` (@hono/node-server's `{ incoming }`), if any. */
export function handedAdmission(env: unknown): Handed | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming ? handed.get(incoming) : undefined;
}
