import type { AppInfo } from '../../../shared/schemas/app';
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
    theme: ThemePreference;
    /** A member switch is in flight. */
    switching: boolean;
    switchError: string | null;
    loadInfo(): Promise<void>;
    setTheme(theme: ThemePreference): void;
    /**
     * Makes this desktop act as another member. Everything on screen belonged to the previous
     * member, so it is all reloaded and the app starts again from the library.
     */
    switchMember(userId: string): Promise<void>;
  };
}

export const createSessionSlice: SliceCreator<SessionSlice> = (set, get) => {
  const patch = (partial: Partial<SessionSlice['session']>) => set((s) => ({ session: { ...s.session, ...partial } }));

  return {
    session: {
      info: null,
      infoStatus: 'idle',
      infoError: null,
      theme: readThemePreference(),
      switching: false,
      switchError: null,
      async loadInfo() {
        patch({ infoStatus: 'loading', infoError: null });
        try {
          patch({ info: await unwrap(api.app.info()), infoStatus: 'ready' });
        } catch (error) {
          patch({ infoStatus: 'error', infoError: toFormError(error).message });
        }
      },
      setTheme(theme) {
        storeThemePreference(theme);
        applyTheme(theme);
        patch({ theme });
      },
      async switchMember(userId) {
        if (get().session.switching) return;
        patch({ switching: true, switchError: null });
        try {
          await unwrap(api.session.switch({ userId }));
        } catch (error) {
          patch({ switching: false, switchError: toFormError(error).message });
          return;
        }
        const { editor, library, launcher, members, keys, integrations, route } = get();
        // The previous member's draft must not follow the new member around.
        editor.discardChanges();
        launcher.reset();
        members.reset();
        keys.reset();
        integrations.reset();
        await get().session.loadInfo();
        patch({ switching: false });
        route.navigate({ name: 'library' });
        library.clearFilters();
      },
    },
  };
};
