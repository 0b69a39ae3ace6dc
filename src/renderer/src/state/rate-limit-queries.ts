import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../lib/api';

/**
 * Settings → API server's rate limit: the figure in force, the saved one and whether this run's
 * `serve --rate-limit` set it (channel keys:rateLimit; core/keys/rate-limit-setting.ts).
 */
export const rateLimitQuery = queryOptions({ queryKey: ['settings', 'rate-limit'] as const, queryFn: () => unwrap(api.keys.rateLimit()) });

/** Saves the rate limit as typed (the core parses and refuses it, naming `perSecond`); the server applies it to the next request. */
export const saveRateLimit = (perSecond: string) => unwrap(api.keys.setRateLimit({ perSecond }));
