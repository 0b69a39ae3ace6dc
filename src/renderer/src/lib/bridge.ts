import { buildDesktopApi, type DesktopApi } from '../../../shared/contract/desktop-api';

const SESSION_KEY = 'promptdesk.session';

/**
 * In headless mode there is no preload: the same named API is built over HTTP to the host's
 * bridge, authorised by the session token the server printed (`#session=...` in the URL).
 */
function sessionToken(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('session');
  if (fromHash) {
    sessionStorage.setItem(SESSION_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem(SESSION_KEY) ?? '';
}

/**
 * Headers that authorise a plain `fetch` to the headless host, for what is not a bridge call
 * (an export's download URL). Empty under Electron, where there is no session token.
 */
export function bridgeAuthHeaders(): Record<string, string> {
  const token = sessionStorage.getItem(SESSION_KEY);
  return token ? { 'X-Promptdesk-Session': token } : {};
}

export function createBrowserBridge(): DesktopApi {
  const token = sessionToken();
  return buildDesktopApi(async (channel, input) => {
    const response = await fetch(`/bridge/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Promptdesk-Session': token },
      body: JSON.stringify(input),
    });
    if (response.headers.get('content-type')?.includes('problem+json')) {
      const problem = (await response.json()) as { code?: string; detail?: string; field?: string };
      return { ok: false, error: { code: problem.code ?? 'internal', message: problem.detail ?? response.statusText, field: problem.field } };
    }
    return response.json();
  });
}
