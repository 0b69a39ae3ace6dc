import type { Clock, Ctx } from '../core/context';
import type { Store } from '../store/store';
import type { ApiKeyInfo } from '../../shared/schemas/users';
import type { AuthenticatedDevice } from '../core/team/devices';

export interface ApiEnv {
  Variables: {
    ctx: Ctx;
    apiKey: ApiKeyInfo;
    /** Set when a team server's desktop called a sync/team route with its device token (`c.get('ctx')` acts as its member). */
    device: AuthenticatedDevice;
    /**
     * Set on a public credential exchange (Conductor's `POST /api/token`), where no key is
     * presented: runs `attempt` with the workspace's store and clock under the auth throttle for
     * `credential`, so failed exchanges count as failed keys do.
     */
    throttled: <T>(credential: string, attempt: (workspace: { store: Store; clock: Clock }) => T) => T;
  };
}
