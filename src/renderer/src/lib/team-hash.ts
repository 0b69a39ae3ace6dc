/**
 * Takes `#invite=CODE` (the link `promptdesk users invite` prints) and `#authorize=…` (where
 * `GET /team/authorize` sends a desktop's join request) out of the address bar before the router
 * reads it, so neither stays in history. Imported first by App.tsx, so it runs before the store
 * reads the hash.
 */
function take(): { invite: string | null; authorize: URLSearchParams | null } {
  if (typeof location === 'undefined') return { invite: null, authorize: null };
  const params = new URLSearchParams(location.hash.slice(1));
  const invite = params.get('invite');
  const authorize = params.get('authorize');
  if (invite !== null || authorize !== null) history.replaceState(null, '', location.pathname + location.search);
  return { invite, authorize: authorize === null ? null : new URLSearchParams(authorize) };
}

const taken = take();

/** The invite code this tab was opened with, if any. */
export const pendingInvite = (): string | null => taken.invite;

/** A desktop's join request this tab was opened with (redirect_uri, code_challenge, device_name, state), if any. */
export const pendingAuthorize = (): URLSearchParams | null => taken.authorize;

/** Forgets the join request (allowed or declined). */
export function clearPendingAuthorize(): void {
  taken.authorize = null;
}
