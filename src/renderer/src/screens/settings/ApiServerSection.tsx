import type { ApiServerState } from '../../../../shared/schemas/app';
import { useAppStore } from '../../state/store';
import { Detail, SettingsSection } from './SettingsSection';

function describeState(api: ApiServerState): { label: string; tone: 'ok' | 'off' | 'error' } {
  if (api.error) return { label: 'Error', tone: 'error' };
  if (!api.enabled) return { label: 'Off', tone: 'off' };
  if (api.url) return { label: 'Running', tone: 'ok' };
  return { label: 'Starting', tone: 'off' };
}

export function ApiServerSection() {
  const api = useAppStore((s) => s.session.info?.api);
  return (
    <SettingsSection
      title="API server"
      description={
        <p>
          Other tools on this computer can fetch and render prompts over HTTP. The server is bound to the loopback
          address, so it is not reachable from other machines on the network; every request needs an API key.
        </p>
      }
    >
      {!api ? (
        <p className="muted">Loading…</p>
      ) : (
        <dl className="details">
          <Detail label="State">
            <span className={`status-dot status-dot--${describeState(api).tone}`} aria-hidden="true" />
            {describeState(api).label}
            {api.error && <span className="detail__error"> — {api.error}</span>}
          </Detail>
          <Detail label="URL">{api.url ? <code>{api.url}</code> : <span className="muted">Not listening</span>}</Detail>
          <Detail label="Host">
            <code>{api.host}</code>
          </Detail>
          <Detail label="Port">
            <code>{api.port}</code>
          </Detail>
        </dl>
      )}
    </SettingsSection>
  );
}
