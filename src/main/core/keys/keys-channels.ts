import { channel, NoInput } from '../channel';
import { createKey, listKeys, revokeKey } from './keys-service';
import { CreateKeyInput, KeyRefInput } from '../../../shared/schemas/users';
import { getRateLimit, setRateLimit } from './rate-limit-setting';
import { SetRateLimitInput } from '../../../shared/schemas/rate-limit';

/** The keys area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const KEYS_CHANNELS = {
  'keys:list': channel(NoInput, (ctx) => listKeys(ctx)),
  /** The plain key is in this answer only; it is never shown again. */
  'keys:create': channel(CreateKeyInput, (ctx, input) => createKey(ctx, input)),
  'keys:revoke': channel(KeyRefInput, (ctx, input) => revokeKey(ctx, input.keyId)),
  /** The per-key request limit in force, the saved one, and whether `serve --rate-limit` set it (rate-limit-setting.ts). */
  'keys:rateLimit': channel(NoInput, (ctx) => getRateLimit(ctx)),
  /** Saves the per-key request limit (admins) and applies it to the next request. */
  'keys:setRateLimit': channel(SetRateLimitInput, (ctx, input) => setRateLimit(ctx, input)),
};
