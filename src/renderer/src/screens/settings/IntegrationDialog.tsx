import { useMutation, type UseMutationResult } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { INTEGRATION_KINDS, type Integration, type IntegrationKind, type IntegrationTestResult } from '../../../../shared/schemas/integrations';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { LockIcon } from '../../components/LockIcon';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { fieldIsUnder, messageForField, toFormError, type FormError } from '../../lib/field-errors';
import {
  INTEGRATION_KIND_LABELS,
  addModels,
  draftFrom,
  integrationById,
  emptyDraft,
  testConnection,
  type IntegrationDraft,
} from '../../state/integrations-slice';
import { useAppStore } from '../../state/store';
import { useIntegrations, useMembers } from '../../state/workspace-queries';
import { BASE_URL_PRESETS, baseUrlForKind } from './integration-presets';
import { ModelListField } from './ModelListField';

const KIND_OPTIONS = INTEGRATION_KINDS.map((kind) => ({ value: kind, label: INTEGRATION_KIND_LABELS[kind] }));

const FORM_FIELDS = ['name', 'kind', 'baseUrl', 'apiKey', 'models', 'access', 'memberIds', 'allowWeakKeyStorage'] as const;
type FormField = (typeof FORM_FIELDS)[number];

const CONNECTION_FIELDS: FormField[] = ['kind', 'baseUrl', 'apiKey'];

/** The add/edit dialog, open while the slice has an editor target. */
export function IntegrationDialog() {
  const target = useAppStore((s) => s.integrations.editor);
  const editing = integrationById(useIntegrations().items, target?.id);
  if (!target) return null;
  // Editing one that disappeared (deleted elsewhere): nothing left to edit.
  if (target.id !== null && !editing) return <MissingIntegration />;
  // Keyed so the form starts from the integration again each time it opens.
  return <IntegrationForm key={target.id ?? 'new'} integration={editing} />;
}

function MissingIntegration() {
  const close = useAppStore((s) => s.integrations.closeEditor);
  return (
    <Dialog title="Integration not found" description={<p>It may have been deleted or renamed.</p>} onClose={close} size="sm">
      <div className="dialog__actions">
        <Button variant="primary" autoFocus onClick={close}>
          Close
        </Button>
      </div>
    </Dialog>
  );
}

function IntegrationForm({ integration }: { integration: Integration | null }) {
  const save = useAppStore((s) => s.integrations.save);
  const saving = useAppStore((s) => s.integrations.saving);
  const saveError = useAppStore((s) => s.integrations.saveError);
  const clearFieldError = useAppStore((s) => s.integrations.clearFieldError);
  // Test connection: one attempt at a time, for the settings as they were when pressed.
  const connection = useMutation({ mutationFn: (tried: IntegrationDraft) => testConnection(tried, integration?.id ?? null) });
  const testResult = connection.data ?? null;
  // The test call itself failed (bad input, no permission), as opposed to the provider refusing.
  const testError = connection.error ? toFormError(connection.error) : null;
  const close = useAppStore((s) => s.integrations.closeEditor);
  const [draft, setDraft] = useState<IntegrationDraft>(() => (integration ? draftFrom(integration) : emptyDraft()));
  const [pendingModel, setPendingModel] = useState('');

  const errorFrom = (error: FormError | null, field: FormField) => (error && fieldIsUnder(error.field, field) ? messageForField(error) : null);
  const errorFor = (field: FormField) => errorFrom(saveError, field) ?? errorFrom(testError, field);
  const formError = saveError && !FORM_FIELDS.some((f) => fieldIsUnder(saveError.field, f)) ? saveError.message : null;

  const update = (field: FormField, changes: Partial<IntegrationDraft>) => {
    setDraft((d) => ({ ...d, ...changes }));
    clearFieldError(field);
    // New connection settings: the last result (or one still on its way) no longer describes them.
    // Any field clears a test error that belongs to no field or to this one.
    const errorHere = testError !== null && (testError.field === undefined || fieldIsUnder(testError.field, field));
    if (CONNECTION_FIELDS.includes(field) || errorHere) connection.reset();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // A model typed but not yet added is meant to be in the list.
    let models = pendingModel.trim() === '' ? draft.models : addModels(draft.models, pendingModel);
    // "Keep it or edit it by hand": with no list chosen, the one Test connection just fetched is
    // kept; saved without models, the integration ran nothing and Chat said "No model available".
    if (models.length === 0 && testResult?.ok && testResult.models.length > 0) models = [...testResult.models];
    if (models !== draft.models) {
      setDraft((d) => ({ ...d, models }));
      setPendingModel('');
    }
    await save({ ...draft, models });
  };

  const name = draft.name.trim();
  return (
    <Dialog
      title={integration ? `Edit integration ${integration.name}` : 'Add integration'}
      description={<p>A model provider. Prompts and chats name its models as <code>{name || 'name'}:model</code>.</p>}
      onClose={close}
    >
      <form className="form integration-form" onSubmit={(event) => void submit(event)} noValidate>
        {formError && <Banner tone="error">{formError}</Banner>}
        <div className="field-row">
          <TextField
            label="Name"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. local"
            hint="Letters, digits, “.”, “_” or “-”."
            value={draft.name}
            error={errorFor('name')}
            onChange={(e) => update('name', { name: e.target.value })}
          />
          <SelectField
            label="Kind"
            options={KIND_OPTIONS}
            value={draft.kind}
            onChange={(e) => {
              const kind = e.target.value as IntegrationKind;
              update('kind', { kind, baseUrl: baseUrlForKind(kind, draft.baseUrl) });
            }}
          />
        </div>
        <BaseUrlField draft={draft} error={errorFor('baseUrl')} onChange={(baseUrl) => update('baseUrl', { baseUrl })} />
        <ApiKeyField
          draft={draft}
          integration={integration}
          error={errorFor('apiKey')}
          weakError={errorFor('allowWeakKeyStorage')}
          onChange={(changes, field = 'apiKey') => update(field, changes)}
        />
        <ConnectionTest draft={draft} connection={connection} onUseModels={(models) => update('models', { models })} />
        <ModelListField
          models={draft.models}
          error={errorFor('models')}
          pending={pendingModel}
          onPendingChange={setPendingModel}
          onChange={(models) => update('models', { models })}
        />
        <AccessField
          draft={draft}
          error={errorFor('access') ?? errorFor('memberIds')}
          onChange={(changes) => update(changes.memberIds ? 'memberIds' : 'access', changes)}
        />
        <div className="dialog__actions">
          <Button onClick={close} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={saving}>
            {saving ? 'Saving…' : integration ? 'Save changes' : 'Add integration'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function BaseUrlField({ draft, error, onChange }: { draft: IntegrationDraft; error: string | null; onChange(baseUrl: string): void }) {
  const presetsId = useId();
  const presets = BASE_URL_PRESETS[draft.kind];
  return (
    <div className="integration-form__base-url">
      <TextField
        label="Base URL"
        type="url"
        autoComplete="off"
        spellCheck={false}
        placeholder={presets[0]?.url}
        value={draft.baseUrl}
        error={error}
        onChange={(e) => onChange(e.target.value)}
      />
      <div className="url-presets" role="group" aria-labelledby={presetsId}>
        <span id={presetsId} className="url-presets__label">
          Presets
        </span>
        {presets.map((preset) => (
          <button
            key={preset.url}
            type="button"
            className="url-preset"
            title={preset.url}
            aria-pressed={draft.baseUrl.trim() === preset.url}
            onClick={() => onChange(preset.url)}
          >
            {preset.label}
          </button>
        ))}
      </div>
    </div>
  );
}

interface ApiKeyFieldProps {
  draft: IntegrationDraft;
  integration: Integration | null;
  error: string | null;
  weakError: string | null;
  onChange(changes: Partial<IntegrationDraft>, field?: FormField): void;
}

function ApiKeyField({ draft, integration, error, weakError, onChange }: ApiKeyFieldProps) {
  const storage = useAppStore((s) => s.integrations.storage);
  const storedHint = integration?.hasApiKey ? integration.apiKeyHint : null;
  const hasStoredKey = integration?.hasApiKey === true;
  const isStoringKey = draft.apiKey.trim() !== '';

  let hint = 'Local servers such as Ollama and LM Studio need no key.';
  if (hasStoredKey && draft.removeKey) hint = 'The stored key is removed when you save. Local servers such as Ollama and LM Studio need no key.';
  else if (hasStoredKey) hint = `Stored key ${storedHint ?? ''} is kept when this is left empty. Local servers such as Ollama and LM Studio need no key.`;

  return (
    <div className="integration-form__key">
      <div className="integration-form__key-row">
        <TextField
          label="API key"
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          placeholder={hasStoredKey && !draft.removeKey ? 'Unchanged' : 'Optional'}
          hint={hint}
          value={draft.apiKey}
          error={error}
          onChange={(e) => onChange({ apiKey: e.target.value, removeKey: false })}
        />
        {hasStoredKey &&
          (draft.removeKey ? (
            <Button size="sm" className="integration-form__key-action" onClick={() => onChange({ removeKey: false })}>
              Keep key
            </Button>
          ) : (
            <Button size="sm" variant="ghost" className="integration-form__key-action" onClick={() => onChange({ apiKey: '', removeKey: true })}>
              Remove key
            </Button>
          ))}
      </div>
      {storage?.backend === 'weak' && (
        <div className="integration-form__weak">
          <Banner tone="warning">
            <strong>Keys can only be obfuscated on this system.</strong>{' '}
            {storage.message ||
              'There is no secret store (such as GNOME Keyring or KWallet), so anyone who can read your files could recover a stored key.'}
          </Banner>
          {isStoringKey && (
            <WeakStorageConsent
              checked={draft.allowWeakKeyStorage}
              error={weakError}
              onChange={(allowWeakKeyStorage) => onChange({ allowWeakKeyStorage }, 'allowWeakKeyStorage')}
            />
          )}
        </div>
      )}
      {storage?.backend === 'file' && (
        <p className="integration-form__storage">
          <LockIcon size={12} />
          <span>{storage.message}</span>
        </p>
      )}
    </div>
  );
}

function WeakStorageConsent({ checked, error, onChange }: { checked: boolean; error: string | null; onChange(checked: boolean): void }) {
  const errorId = useId();
  return (
    <div className="integration-form__consent">
      <label className="check-option">
        <input
          type="checkbox"
          required
          checked={checked}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span>Store the key anyway</span>
      </label>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

interface ConnectionTestProps {
  draft: IntegrationDraft;
  connection: UseMutationResult<IntegrationTestResult, unknown, IntegrationDraft>;
  onUseModels(models: string[]): void;
}

function ConnectionTest({ draft, connection, onUseModels }: ConnectionTestProps) {
  const testing = connection.isPending;
  const result = connection.data ?? null;
  const testError = connection.error ? toFormError(connection.error) : null;
  // Errors that belong to a field are shown next to it; the rest here.
  const otherError = testError && !FORM_FIELDS.some((f) => fieldIsUnder(testError.field, f)) ? testError.message : null;
  // Once taken, the offer stays away until the next test even if the list is then edited by hand.
  const [usedResult, setUsedResult] = useState<IntegrationTestResult | null>(null);
  const offered = result?.ok && result !== usedResult ? result.models : [];
  const isOfferUsed = offered.length === draft.models.length && offered.every((m) => draft.models.includes(m));
  const isIdle = !testing && !result && !otherError;

  return (
    <div className="integration-test">
      <div className="integration-test__row">
        <Button disabled={testing || draft.baseUrl.trim() === ''} onClick={() => connection.mutate(draft)}>
          {testing ? 'Testing…' : 'Test connection'}
        </Button>
        {isIdle && <p className="integration-test__idle">Checks the URL and key, and lists the models.</p>}
        <p role="status" aria-label="Connection test" className="integration-test__status">
          {testing && <span className="muted">Connecting…</span>}
          {result && (
            <span className={result.ok ? 'integration-test__ok' : 'integration-test__fail'}>
              <span aria-hidden="true">{result.ok ? '✓ ' : '✕ '}</span>
              <span className="visually-hidden">{result.ok ? 'Test passed: ' : 'Test failed: '}</span>
              {result.message}
              <span className="integration-test__latency"> · {result.latencyMs} ms</span>
            </span>
          )}
          {otherError && (
            <span className="integration-test__fail">
              <span aria-hidden="true">✕ </span>
              <span className="visually-hidden">Test failed: </span>
              {otherError}
            </span>
          )}
        </p>
      </div>
      {offered.length > 0 && !isOfferUsed && (
        <div className="integration-test__offer">
          <span className="muted">
            The provider lists {offered.length} {offered.length === 1 ? 'model' : 'models'}.
          </span>
          <Button
            size="sm"
            variant="primary"
            onClick={() => {
              setUsedResult(result);
              onUseModels([...offered]);
            }}
          >
            Use {offered.length} {offered.length === 1 ? 'model' : 'models'} from the provider
          </Button>
        </div>
      )}
    </div>
  );
}

function AccessField({
  draft,
  error,
  onChange,
}: {
  draft: IntegrationDraft;
  error: string | null;
  onChange(changes: Partial<IntegrationDraft>): void;
}) {
  const name = useId();
  const errorId = useId();
  const users = useMembers().items;
  // Admins may always use every integration; deactivated members only show while still chosen.
  const members = useMemo(
    () => users.filter((u) => u.role === 'member' && (u.isActive || draft.memberIds.includes(u.id))),
    [users, draft.memberIds],
  );

  const toggle = (userId: string, on: boolean) =>
    onChange({ memberIds: on ? [...draft.memberIds, userId] : draft.memberIds.filter((id) => id !== userId) });

  return (
    <fieldset className="integration-form__group" aria-describedby={error ? errorId : undefined} aria-invalid={error ? true : undefined}>
      <legend className="field__label">Access</legend>
      <div className="access-choices">
        <label className="check-option">
          <input type="radio" name={name} checked={draft.access === 'everyone'} onChange={() => onChange({ access: 'everyone' })} />
          <span>Everyone</span>
        </label>
        <label className="check-option">
          <input type="radio" name={name} checked={draft.access === 'selected'} onChange={() => onChange({ access: 'selected' })} />
          <span>Selected members</span>
        </label>
      </div>
      {draft.access === 'selected' &&
        (members.length === 0 ? (
          <p className="muted integration-form__empty">No members yet: add them under Members.</p>
        ) : (
          <fieldset className="member-checklist">
            <legend className="visually-hidden">Members who may use it</legend>
            {members.map((user) => (
              <label key={user.id} className="check-option member-checklist__item">
                <input type="checkbox" checked={draft.memberIds.includes(user.id)} onChange={(e) => toggle(user.id, e.target.checked)} />
                <span className="member-checklist__name">{user.name || user.email}</span>
                <span className="member-checklist__email">{user.email}</span>
                {!user.isActive && <span className="badge badge--muted">Deactivated</span>}
              </label>
            ))}
          </fieldset>
        ))}
      <p className="field__hint">Admins may always use every integration.</p>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
