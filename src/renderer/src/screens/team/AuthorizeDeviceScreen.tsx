import { useState } from 'react';
import { Button } from '../../components/Button';
import { authorizeDevice, TeamError } from '../../lib/team';

/**
 * "Allow <device> to sync as you?": a desktop asked to join (RFC 8252: it opened
 * `/team/authorize` in this browser). Allowing sends the browser back to the desktop's loopback
 * address with a one-time code; the server has already refused any address that is not loopback.
 */
export function AuthorizeDeviceScreen({ request, memberName, onDone }: { request: URLSearchParams; memberName: string; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const device = request.get('device_name') ?? 'A device';

  const allow = async () => {
    setBusy(true);
    setError(null);
    try {
      const { redirect } = await authorizeDevice(Object.fromEntries(request));
      location.assign(redirect);
    } catch (failure) {
      setError(failure instanceof TeamError ? failure.error.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" aria-labelledby="authorize-title">
      <div className="sign-in__card">
        <h1 id="authorize-title" className="sign-in__title">
          Allow {device} to sync as you?
        </h1>
        <p className="muted">
          {device} will keep a copy of everything you, {memberName}, may see, and send your changes and runs here. You can revoke it any time in
          Settings → Your devices.
        </p>
        {error && (
          <p className="field__error" role="alert">
            {error}
          </p>
        )}
        <div className="team-actions">
          <Button variant="primary" disabled={busy} onClick={() => void allow()}>
            Allow
          </Button>
          <Button disabled={busy} onClick={onDone}>
            Don’t allow
          </Button>
        </div>
      </div>
    </main>
  );
}
