import { useState, type FormEvent } from 'react';
import type { ApiServerState } from '../../../../shared/schemas/app';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Switch } from '../../components/Switch';
import { TextField } from '../../components/TextField';
import { messageForField } from '../../lib/field-errors';
import { apiServerControl } from '../../state/api-server-slice';
import { useAppStore } from '../../state/store';
import { Detail, SettingsSection } from './SettingsSection';
import { ActionNotice } from '../../components/ActionNotice';
import { useTeamState } from '../team/team-status';

function describeState(api: ApiServerState): { label: string; tone: 'ok' | 'off' | 'error' } {
  if (api.error) return { label: 'Error', tone: 'error' };
  if (!api.enabled) return { label: 'Off', tone: 'off' };
  if (api.url) return { label: 'Running', tone: 'ok' };
  return { label: 'Starting', tone: 'off' };
}

export function ApiServerSection() {
  const api = useAppStore((s) => s.session.info?.api);
  // Where the controls are shown, the error sits next to the Port field instead of in the State row.
  const errorByPort = useAppStore((s) => apiServerControl(s) === 'allowed');
  const team = useTeamState();
  const publicUrl = team.kind === 'team' ? team.status.team?.publicUrl : undefined;
  return (
    <SettingsSection
      title="API server"
      description={
        publicUrl ? (
          <p>
            This team server answers at its public address, <code>{publicUrl}</code>: members’ desktops sync there and
            programs call <code>{`${publicUrl}/api/v1`}</code> with a member’s API key.
          </p>
        ) : (
          <p>
            Other tools on this computer can fetch and render prompts over HTTP. The server is bound to the loopback
            address, so it is not reachable from other machines on the network. Calls need an API key unless a prompt
            allows keyless calls from this computer.
          </p>
        )
      }
    >
      {!api ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <dl className="details">
            <Detail label="State">
              <span className={`status-dot status-dot--${describeState(api).tone}`} aria-hidden="true" />
              {describeState(api).label}
              {api.error && !errorByPort && <span className="detail__error"> — {api.error}</span>}
            </Detail>
            <Detail label="URL">{api.url ? <code>{api.url}</code> : <span className="muted">Not listening</span>}</Detail>
            <Detail label="Host">
              <code>{api.host}</code>
            </Detail>
            <Detail label="Port">
              <code>{api.port}</code>
            </Detail>
            {api.url && (
              <>
                <Detail label="Docs">
                  <a href={`${api.url}/docs`} target="_blank" rel="noreferrer">
                    Docs
                  </a>
                  <span className="muted">
                    (<code>{`${api.url}/docs`}</code>)
                  </span>
                </Detail>
                <Detail label="OpenAPI">
                  <code className="break-all">{`${api.url}/api/v1/openapi.json`}</code>
                </Detail>
              </>
            )}
          </dl>
          <ServerControls api={api} />
        </>
      )}
    </SettingsSection>
  );
}

function ServerControls({ api }: { api: ApiServerState }) {
  const control = useAppStore(apiServerControl);
  if (control === 'loading' || control === 'not-admin') return null;
  // Keyed on the server's state so the form starts from it again after each change.
  return <ServerForm key={`${api.enabled}:${api.port}`} api={api} headless={control === 'headless'} />;
}

function ServerForm({ api, headless }: { api: ApiServerState; headless: boolean }) {
  const configure = useAppStore((s) => s.apiServer.configure);
  const applying = useAppStore((s) => s.apiServer.applying);
  const error = useAppStore((s) => s.apiServer.error);
  const notice = useAppStore((s) => s.apiServer.notice);
  const clearError = useAppStore((s) => s.apiServer.clearError);
  const [enabled, setEnabled] = useState(api.enabled);
  const [port, setPort] = useState(String(api.port));

  const portError = error && (error.field === 'port' || error.field === undefined) ? messageForField(error) : api.error;
  const otherError = error && error.field !== undefined && error.field !== 'port' ? error.message : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void configure(enabled, port.trim() === '' ? Number.NaN : Number(port));
  };

  return (
    <form className="server-form" onSubmit={submit} noValidate>
      {headless && (
        <p className="server-form__note">
          In headless mode this server also serves this window: restart <code>promptdesk serve --port N</code> to change it.
        </p>
      )}
      <fieldset className="server-form__fields" disabled={headless}>
        <legend className="visually-hidden">API server settings</legend>
        <Switch
          label="API server enabled"
          checked={enabled}
          disabled={headless || applying}
          onChange={(on) => {
            setEnabled(on);
            clearError();
          }}
        />
        <div className="server-form__port">
          <TextField
            label="Port"
            type="number"
            inputMode="numeric"
            min={0}
            max={65535}
            hint="1024–65535, or 0 for any free port."
            value={port}
            disabled={headless || !enabled}
            error={headless ? null : portError}
            onChange={(event) => {
              setPort(event.target.value);
              clearError();
            }}
          />
          <Button type="submit" variant="primary" disabled={headless || applying} className="server-form__apply">
            {applying ? 'Applying…' : 'Apply'}
          </Button>
        </div>
      </fieldset>
      {otherError && <Banner tone="error">{otherError}</Banner>}
      <ActionNotice notice={notice} />
    </form>
  );
}
