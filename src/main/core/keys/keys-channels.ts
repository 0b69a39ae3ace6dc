import { channel, NoInput } from '../channel';
import { createKey, listKeys, revokeKey } from './keys-service';
import { CreateKeyInput, KeyRefInput } from '../../../shared/schemas/users';

/** The keys area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const KEYS_CHANNELS = {
  'keys:list': channel(NoInput, (ctx) => listKeys(ctx)),
  /** The plain key is in this answer only; it is never shown again. */
  'keys:create': channel(CreateKeyInput, (ctx, input) => createKey(ctx, input)),
  'keys:revoke': channel(KeyRefInput, (ctx, input) => revokeKey(ctx, input.keyId)),
};
