import type { ApiServerState } from '../../../shared/schemas/app';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import type { AppState, SliceCreator } from './store';

export interface ApiServerSlice {
  /** Settings → API server: turning the embedded server on or off and choosing its port. */
  apiServer: {
    applying: boolean;
    /** Why the last change failed; a `port` field error is shown next to the Port field. */
    error: FormError | null;
    notice: string | null;
    configure(enabled: boolean, port: number): Promise<void>;
    clearError(): void;
  };
}

/** Who may change the server here: admins, and only in the desktop app (headless serves this window). */
export function apiServerControl(s: AppState): 'loading' | 'allowed' | 'headless' | 'not-admin' {
  const info = s.session.info;
  if (!info) return 'loading';
  if (info.currentUser.role !== 'admin') return 'not-admin';
  if (info.mode === 'headless') return 'headless';
  return 'allowed';
}

export function describeApiServer(state: ApiServerState): string {
  if (state.error) return 'API server error';
  if (!state.enabled) return 'API server off';
  return state.url ? `API server listening on ${state.url}` : 'API server starting';
}

export const createApiServerSlice: SliceCreator<ApiServerSlice> = (set, get) => {
  const patch = (partial: Partial<ApiServerSlice['apiServer']>) => set((s) => ({ apiServer: { ...s.apiServer, ...partial } }));
  const storeState = (state: ApiServerState) =>
    set((s) => (s.session.info ? { session: { ...s.session, info: { ...s.session.info, api: state } } } : {}));

  return {
    apiServer: {
      applying: false,
      error: null,
      notice: null,
      async configure(enabled, port) {
        if (get().apiServer.applying) return;
        if (!Number.isInteger(port) || (port !== 0 && (port < 1024 || port > 65535))) {
          patch({ error: { message: 'Use a port from 1024 to 65535 (or 0 for any free port)', field: 'port' }, notice: null });
          return;
        }
        patch({ applying: true, error: null, notice: null });
        try {
          const state = await unwrap(api.api.configure({ enabled, port }));
          storeState(state);
          // The server keeps running without its API when the port is taken: the reason is the state's error.
          patch({
            applying: false,
            error: state.error ? { message: state.error, field: 'port' } : null,
            notice: state.error ? null : describeApiServer(state),
          });
        } catch (error) {
          patch({ applying: false, error: toFormError(error) });
        }
      },
      clearError() {
        if (get().apiServer.error) patch({ error: null });
      },
    },
  };
};
