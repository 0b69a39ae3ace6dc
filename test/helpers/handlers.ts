import { createHandlers } from '../../src/main/core/handlers';

/**
 * The contract handlers for tests that dispatch service channels only: the host's own channels
 * (`app:info`, `api:configure`, the member switch) throw, since no Electron or headless host is there.
 */
export function serviceHandlers(): ReturnType<typeof createHandlers> {
  return createHandlers({
    appInfo: () => {
      throw new Error('not used');
    },
    configureApi: () => Promise.reject(new Error('not used')),
    switchMember: () => {
      throw new Error('not used');
    },
  });
}
