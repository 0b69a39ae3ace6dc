import type { AppInfo } from '../../../shared/schemas/app';
import { api, ApiError, unwrap } from '../lib/api';
import { isBrowserSession, signIn, SignInError, signOut, takeLoginSecret } from '../lib/bridge';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient } from '../lib/query-client';
import type { SignInInput } from '../../../shared/schemas/session';
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
    switchError: FormError | null;
    /** Headless only: this tab has no session yet (or it ended), so the sign-in screen shows. */
    needsSignIn: boolean;
    signingIn: boolean;
    signInError: FormError | null;
    /** Loads who this window acts as; a browser tab first redeems the sign-in link it was opened with. */
    loadInfo(): Promise<void>;
    /** Signs this browser tab in with an API key or a sign-in link, then loads the app. */
    signIn(input: SignInInput): Promise<void>;
    /** Ends this browser tab's session and shows the sign-in screen. */
    signOut(): Promise<void>;
    /** The server no longer knows this tab's session: ask to sign in again. */
    sessionEnded(): void;
    setTheme(theme: ThemePreference): void;
    /**
     * Makes this desktop act as another member. Everything on screen belonged to the previous
     * member, so it is all reloaded and the app starts again from the library.
     */
    switchMember(userId: string, key?: string): Promise<void>;
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
      needsSignIn: false,
      signingIn: false,
      signInError: null,
      async loadInfo() {
        const loginSecret = isBrowserSession() ? takeLoginSecret() : null;
        if (loginSecret) {
          // Screens stay down until the link's session exists: one mounted now would load as
          // nobody and keep "this browser session is not known" after the sign-in succeeds.
          patch({ needsSignIn: true });
          return get().session.signIn({ link: loginSecret });
        }
        patch({ infoStatus: 'loading', infoError: null });
        try {
          patch({ info: await unwrap(api.app.info()), infoStatus: 'ready', needsSignIn: false });
        } catch (error) {
          const signedOut = isBrowserSession() && error instanceof ApiError && error.code === 'unauthenticated';
          patch({ infoStatus: 'error', infoError: toFormError(error).message, needsSignIn: signedOut });
        }
      },
      async signIn(input) {
        patch({ signingIn: true, signInError: null });
        try {
          await signIn(input);
        } catch (error) {
          const failure = error instanceof SignInError ? { message: error.error.message, field: error.error.field } : toFormError(error);
          patch({ signingIn: false, needsSignIn: true, infoStatus: 'error', signInError: failure });
          return;
        }
        patch({ signingIn: false });
        // After a session ended mid-use, start clean: nothing of the previous member may stay on screen.
        if (get().session.info !== null) {
          location.reload();
          return;
        }
        await get().session.loadInfo();
      },
      sessionEnded() {
        // Only a tab that had a session: a first visit is told by loadInfo, without this message.
        if (get().session.needsSignIn || get().session.info === null) return;
        const why = '(you signed out, it was unused for a day, the server restarted, a key it rested on was revoked or expired, or a member it acted for was deactivated)';
        // The draft itself is kept by state/draft-keeper.ts and comes back after signing in as the same member.
        const message = get().editor.dirty ? `Your session has ended ${why}: sign in again; your unsaved changes are kept` : `Your session has ended ${why}: sign in again`;
        patch({ needsSignIn: true, signInError: { message } });
      },
      async signOut() {
        await signOut();
        // Nothing of the previous member may stay on screen.
        location.reload();
      },
      setTheme(theme) {
        storeThemePreference(theme);
        applyTheme(theme);
        patch({ theme });
      },
      async switchMember(userId, key) {
        if (get().session.switching) return;
        patch({ switching: true, switchError: null });
        try {
          await unwrap(api.session.switch({ userId, key: key || undefined }));
        } catch (error) {
          patch({ switching: false, switchError: toFormError(error) });
          return;
        }
        const { editor, library, launcher, chat, members, keys, integrations, route } = get();
        // The previous member's draft must not follow the new member around, nor their open chat.
        editor.discardChanges();
        launcher.reset();
        chat.reset();
        // Every answer cached for the previous member goes; what is on screen asks again as the new one.
        void queryClient.resetQueries();
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
