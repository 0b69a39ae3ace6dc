import type { Ctx } from '../core/context';
import type { ApiKeyInfo } from '../../shared/schemas/users';

export interface ApiEnv {
  Variables: {
    ctx: Ctx;
    apiKey: ApiKeyInfo;
  };
}
