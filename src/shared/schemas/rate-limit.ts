import { z } from 'zod';

/**
 * `keys:setRateLimit`: requests per second per key, as a number or as the text a field holds.
 * Only the shape is checked here; the value's rule (a whole number from 0 to the maximum) is
 * core/keys/rate-limit-setting.ts parseRateLimit, so every door refuses the same values alike.
 */
export const SetRateLimitInput = z.object({ perSecond: z.union([z.number(), z.string().max(40)]) }).strict();
