import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/SelectField';
import { Switch } from '../../components/Switch';
import { TextField } from '../../components/TextField';
import { messageForField, toFormError } from '../../lib/field-errors';
import { saveTelemetry, sendTestSpan, telemetryQuery } from '../../state/telemetry-queries';
import { useAppStore } from '../../state/store';
import { SettingsSection, Detail } from './SettingsSection';
import type { OtlpProtocol, TelemetryStatus } from '../../../../shared/schemas/telemetry';

const PROTOCOLS = [
  { value: 'http/protobuf', label: 'http/protobuf' },
  { value: 'http/json', label: 'http/json' },
];

const SOURCE_LABEL: Record<TelemetryStatus['effective']['endpointSource'], string> = {
  flag: 'the --otlp-endpoint flag',
  env: 'OTEL_EXPORTER_OTLP_* variables',
  settings: 'these settings',
  default: 'nothing',
};

/**
 * Settings → Telemetry: every run sent as an OpenTelemetry GenAI span to a collector (Langfuse,
 * Jaeger, any OTLP/HTTP endpoint). Admins only; the headers are sealed in the core and shown
 * back as a hint. The flag and OTEL_EXPORTER_OTLP_* variables win over the form (said here).
 */
export function TelemetrySection() {
  const isAdmin = useAppStore((s) => s.session.info?.currentUser.role === 'admin');
  return (
    <SettingsSection
      title="Telemetry"
      description="Send every run as an OpenTelemetry span (GenAI conventions) to a collector: Langfuse, Jaeger, or any OTLP/HTTP endpoint. Text is sent only for prompts whose data logging is Full. Off by default; runs never wait for the collector."
    >
      {isAdmin ? <TelemetryBody /> : <p className="muted">Only an admin can see and change where runs are exported.</p>}
    </SettingsSection>
  );
}

function TelemetryBody() {
  const q = useQuery(telemetryQuery);
  if (q.data) return <TelemetryForm status={q.data} />;
  if (q.isError)
    return (
      <p className="field__error" role="alert">
        {toFormError(q.error).message}
      </p>
    );
  return <p className="muted">Loading…</p>;
}

function TelemetryForm({ status }: { status: TelemetryStatus }) {
  const client = useQueryClient();
  const [enabled, setEnabled] = useState(status.settings.enabled);
  const [endpoint, setEndpoint] = useState(status.settings.endpoint);
  const [protocol, setProtocol] = useState<OtlpProtocol>(status.settings.protocol);
  const [headers, setHeaders] = useState('');
  const save = useMutation({
    mutationFn: saveTelemetry,
    onSuccess: (next) => {
      client.setQueryData(telemetryQuery.queryKey, next);
      setHeaders('');
    },
  });
  const test = useMutation({ mutationFn: sendTestSpan });
  const error = save.error ? toFormError(save.error) : null;
  const errorAt = (field: string) => (error && error.field === field ? messageForField(error) : null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ enabled, endpoint: endpoint.trim(), protocol, ...(headers.trim() ? { headers } : {}) });
  };
  const edited = () => {
    save.reset();
    test.reset();
  };
  const { effective, counters, lastError } = status;
  const overridden = effective.endpointSource === 'flag' || effective.endpointSource === 'env';
  return (
    <form className="server-form" onSubmit={submit} noValidate>
      <Switch
        label="Export runs"
        checked={enabled}
        disabled={save.isPending}
        onChange={(next) => {
          setEnabled(next);
          edited();
        }}
      />
      <TextField
        label="Collector URL"
        placeholder="http://localhost:4318/v1/traces"
        hint="The OTLP/HTTP traces endpoint (http:// or https://)."
        value={endpoint}
        error={errorAt('endpoint')}
        onChange={(event) => {
          setEndpoint(event.target.value);
          edited();
        }}
      />
      <SelectField
        label="Protocol"
        options={PROTOCOLS}
        value={protocol}
        onChange={(event) => {
          setProtocol(event.target.value as OtlpProtocol);
          edited();
        }}
      />
      <TextField
        label="Headers"
        type="password"
        autoComplete="off"
        placeholder={status.settings.headersHint ?? 'Authorization=Basic%20…'}
        hint={
          status.settings.headersHint
            ? `Stored sealed: ${status.settings.headersHint}. Leave empty to keep them; type new ones to replace them.`
            : 'key=value pairs separated by commas, as in OTEL_EXPORTER_OTLP_HEADERS. Kept sealed like provider keys.'
        }
        value={headers}
        error={errorAt('headers')}
        onChange={(event) => {
          setHeaders(event.target.value);
          edited();
        }}
      />
      {error && !error.field && (
        <p className="field__error" role="alert">
          {error.message}
        </p>
      )}
      <div className="server-form__port">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </Button>
        <Button type="button" disabled={test.isPending} onClick={() => test.mutate()}>
          {test.isPending ? 'Sending…' : 'Send a test span'}
        </Button>
        {test.data && (
          <span className={test.data.ok ? 'muted' : 'field__error'} role="status">
            {test.data.message}
          </span>
        )}
        {test.error && (
          <span className="field__error" role="status">
            {toFormError(test.error).message}
          </span>
        )}
      </div>
      {save.isSuccess && (
        <p className="muted" role="status">
          Saved; applied to the next run.
        </p>
      )}
      <dl className="details" aria-label="Export status">
        <Detail label="Exporting">{effective.enabled && effective.endpoint ? `Yes, to ${effective.endpoint} (${effective.protocol})` : 'No'}</Detail>
        {overridden && <Detail label="Set by">{`${SOURCE_LABEL[effective.endpointSource]}, over these settings`}</Detail>}
        {effective.warning && <Detail label="Warning">{`Runs are not exported: ${effective.warning}`}</Detail>}
        <Detail label="Exported">{counters.exported.toLocaleString('en-US')}</Detail>
        <Detail label="Dropped">{`${counters.dropped.toLocaleString('en-US')} (queue full at ${counters.maxQueueSize.toLocaleString('en-US')})`}</Detail>
        <Detail label="Failed">{counters.failed.toLocaleString('en-US')}</Detail>
        <Detail label="Last error">{lastError ? `${lastError.message} (${new Date(lastError.at).toLocaleString()})` : 'None'}</Detail>
      </dl>
    </form>
  );
}
