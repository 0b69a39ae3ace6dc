import type { AppInfo } from '../../../shared/schemas/app';
import type { User } from '../../../shared/schemas/users';
import { api, unwrap } from '../lib/api';
import { toFormError } from '../lib/field-errors';
import type { SliceCreator } from './store';
import { applyTheme, readThemePreference, storeThemePreference, type ThemePreference } from './theme';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface SessionSlice {
  session: {
    info: AppInfo | null;
    infoStatus: LoadStatus;
    infoError: string | null;
    users: User[];
    usersStatus: LoadStatus;
    usersError: string | null;
    theme: ThemePreference;
    loadInfo(): Promise<void>;
    loadUsers(): Promise<void>;
    setTheme(theme: ThemePreference): void;
  };
}

export const createSessionSlice: SliceCreator<SessionSlice> = (set, get) => {
  const patch = (partial: Partial<SessionSlice['session']>) => set((s) => ({ session: { ...s.session, ...partial } }));

  return {
    session: {
      info: null,
      infoStatus: 'idle',
      infoError: null,
      users: [],
      usersStatus: 'idle',
      usersError: null,
      theme: readThemePreference(),
      async loadInfo() {
        patch({ infoStatus: 'loading', infoError: null });
        try {
          patch({ info: await unwrap(api.app.info()), infoStatus: 'ready' });
        } catch (error) {
          patch({ infoStatus: 'error', infoError: toFormError(error).message });
        }
      },
      async loadUsers() {
        patch({ usersStatus: get().session.users.length ? 'ready' : 'loading', usersError: null });
        try {
          patch({ users: await unwrap(api.users.list()), usersStatus: 'ready' });
        } catch (error) {
          patch({ usersStatus: 'error', usersError: toFormError(error).message });
        }
      },
      setTheme(theme) {
        storeThemePreference(theme);
        applyTheme(theme);
        patch({ theme });
      },
    },
  };
};
