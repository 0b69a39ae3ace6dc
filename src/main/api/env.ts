import type { Clock, Ctx } from '../core/context';
import type { Store } from '../store/store';
import type { ApiKeyInfo } from '../../shared/schemas/users';

export interface ApiEnv {
  Variables: {
    ctx: Ctx;
    apiKey: ApiKeyInfo;
    /**
     * Set on a public credential exchange (Conductor's `POST /api/token`), where no key is
     * presented: runs `attempt` with the workspace's store and clock under the auth throttle for
     * `credential`, so failed exchanges count as failed keys do.
     */
    throttled: <T>(credential: string, attempt: (workspace: { store: Store; clock: Clock }) => T) => T;
  };
}
