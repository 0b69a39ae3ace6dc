import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { KEY_SCOPES, type ApiKeyListItem, type KeyScope } from '../../../../shared/schemas/users';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { SettingsTable } from '../../components/SettingsTable';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { useCopy } from '../../lib/clipboard';
import { fieldIsUnder, messageForField } from '../../lib/field-errors';
import { absoluteTime, relativeTime } from '../../lib/relative-time';
import { localToday } from '../../lib/local-day';
import {
  DEFAULT_KEY_SCOPES,
  KEY_SCOPE_HINTS,
  KEY_STATUS_LABELS,
  keyOwnerChoices,
  keyStatus,
  revokeTargetKey,
  shortPrefix,
} from '../../state/keys-slice';
import { useAppStore } from '../../state/store';
import { useKeys, useMembers } from '../../state/workspace-queries';
import { SettingsSection } from './SettingsSection';
import { ActionNotice } from '../../components/ActionNotice';

export function KeysSection() {
  const { items, status, error } = useKeys();
  const isAdmin = useAppStore((s) => s.session.info?.currentUser.role === 'admin');
  const dismissCreated = useAppStore((s) => s.keys.dismissCreated);
  // Leaving Settings (e.g. Back) while a new key is shown must not keep the plain key around.
  useEffect(() => dismissCreated, [dismissCreated]);

  return (
    <SettingsSection
      title="API keys"
      wide={items.length > 0 ? <KeysTable items={items} showMember={isAdmin} /> : null}
      description={
        <p>
          Programs send a key in the <code>Authorization</code> header to use the API as a member. A key can do only what
          its member may, and only within its scopes. {isAdmin ? 'As an admin you see every member’s keys.' : 'You see your own keys.'}
        </p>
      }
    >
      <KeysNotice />
      <NewKeyForm />
      {error && <Banner tone="error">Could not load API keys: {error}</Banner>}
      {status === 'loading' && items.length === 0 && <p className="muted">Loading…</p>}
      {status === 'ready' && items.length === 0 && <p className="muted">No API keys yet.</p>}
      <CreatedKeyDialog />
      <RevokeConfirm />
    </SettingsSection>
  );
}

function KeysNotice() {
  const notice = useAppStore((s) => s.keys.notice);
  const actionError = useAppStore((s) => s.keys.actionError);
  return <ActionNotice notice={notice} error={actionError} />;
}

const FORM_FIELDS = ['label', 'scopes', 'expiresAt', 'userEmail'] as const;
type FormField = (typeof FORM_FIELDS)[number];


function NewKeyForm() {
  const headingId = useId();
  const scopesHintId = useId();
  const me = useAppStore((s) => s.session.info?.currentUser);
  const users = useMembers().items;
  const owners = useMemo(() => keyOwnerChoices(me, users), [me, users]);
  const create = useAppStore((s) => s.keys.create);
  const creating = useAppStore((s) => s.keys.creating);
  const createError = useAppStore((s) => s.keys.createError);
  const clearCreateError = useAppStore((s) => s.keys.clearCreateError);
  const [label, setLabel] = useState('');
  const [scopes, setScopes] = useState<KeyScope[]>(DEFAULT_KEY_SCOPES);
  const [expires, setExpires] = useState('');
  const [userEmail, setUserEmail] = useState('');

  const errorFor = (field: FormField) => (createError && fieldIsUnder(createError.field, field) ? messageForField(createError) : null);
  const formError = createError && !FORM_FIELDS.some((f) => fieldIsUnder(createError.field, f)) ? createError.message : null;
  const scopesError = errorFor('scopes');
  // A UI session acts with everything its member may do, so sign-in takes only a key with every
  // scope (core/sessions/sign-in.ts); the form's defaults (read, run) are for API clients.
  const signInHintId = useId();
  const signInHint = !KEY_SCOPES.every((s) => scopes.includes(s));

  const toggleScope = (scope: KeyScope, on: boolean) => {
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
    clearCreateError('scopes');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create({ label, scopes, expires, userEmail: userEmail || me?.email || '' })) {
      setLabel('');
      setScopes(DEFAULT_KEY_SCOPES);
      setExpires('');
      setUserEmail('');
    }
  };

  return (
    <form className="member-form key-form" onSubmit={(event) => void submit(event)} noValidate>
      {/* The heading is not the form's accessible name: "New API key" names the created key's field. */}
      <h3 id={headingId} className="member-form__title">
        New API key
      </h3>
      {formError && <Banner tone="error">{formError}</Banner>}
      <div className="key-form__fields">
        <TextField
          label="Label"
          autoComplete="off"
          placeholder="e.g. build server"
          value={label}
          error={errorFor('label')}
          onChange={(e) => {
            setLabel(e.target.value);
            clearCreateError('label');
          }}
        />
        {owners && (
          <div className="key-form__member">
            <SelectField
              label="Member"
              options={owners}
              value={userEmail || me?.email || ''}
              onChange={(e) => {
                setUserEmail(e.target.value);
                clearCreateError('userEmail');
              }}
            />
            {errorFor('userEmail') && <p className="field__error">{errorFor('userEmail')}</p>}
          </div>
        )}
        <TextField
          label="Expires"
          type="date"
          min={localToday()}
          hint="Optional: the key stops working when this day ends (your time zone)."
          value={expires}
          error={errorFor('expiresAt')}
          onChange={(e) => {
            setExpires(e.target.value);
            clearCreateError('expiresAt');
          }}
        />
      </div>
      <fieldset
        className="key-form__scopes"
        aria-describedby={scopesError ? scopesHintId : signInHint ? signInHintId : undefined}
        aria-invalid={scopesError ? true : undefined}
      >
        <legend className="field__label">Scopes</legend>
        <div className="key-form__scope-list">
          {KEY_SCOPES.map((scope) => (
            <label key={scope} className="scope-option">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={(e) => toggleScope(scope, e.target.checked)} />
              <span className="scope-option__name">{scope}</span>
              <span className="scope-option__hint" aria-hidden="true">
                {KEY_SCOPE_HINTS[scope]}
              </span>
            </label>
          ))}
        </div>
        {scopesError && (
          <p id={scopesHintId} className="field__error">
            {scopesError}
          </p>
        )}
        {signInHint && (
          <p id={signInHintId} className="field__hint">
            To sign in to the app with this key (a browser tab of promptdesk serve), it needs every scope.{' '}
            <Button variant="ghost" size="sm" onClick={() => setScopes([...KEY_SCOPES])}>
              Tick all four
            </Button>
          </p>
        )}
      </fieldset>
      <div className="key-form__submit">
        <Button type="submit" variant="primary" disabled={creating}>
          {creating ? 'Creating…' : 'Create key'}
        </Button>
      </div>
    </form>
  );
}

function KeysTable({ items, showMember }: { items: ApiKeyListItem[]; showMember: boolean }) {
  return (
    <SettingsTable
      label="API keys"
      columns={['Label', showMember && 'Member', 'Key', 'Scopes', 'Created', 'Last used', 'Expires', 'Status']}
      className="members-table keys-table"
      wrapClassName="keys-table-wrap"
    >
      {items.map((key) => (
        <KeyRow key={key.id} item={key} showMember={showMember} />
      ))}
    </SettingsTable>
  );
}

function KeyRow({ item, showMember }: { item: ApiKeyListItem; showMember: boolean }) {
  const requestRevoke = useAppStore((s) => s.keys.requestRevoke);
  const revoking = useAppStore((s) => s.keys.revoking);
  const status = keyStatus(item);
  return (
    <tr className={status === 'active' ? undefined : 'is-inactive'}>
      <td className="keys-table__label">{item.label}</td>
      {showMember && (
        <td className="keys-table__member" title={item.user.email}>
          {item.user.name || item.user.email}
        </td>
      )}
      <td>
        <code className="keys-table__prefix" title={item.prefix}>
          {shortPrefix(item.prefix)}
        </code>
      </td>
      <td>
        <ul className="tags">
          {item.scopes.map((scope) => (
            <li key={scope} className="tag">
              {scope}
            </li>
          ))}
        </ul>
      </td>
      <td className="keys-table__time">
        <time dateTime={item.createdAt} title={absoluteTime(item.createdAt)}>
          {relativeTime(item.createdAt)}
        </time>
      </td>
      <td className="keys-table__time">
        {item.lastUsedAt ? (
          <time dateTime={item.lastUsedAt} title={absoluteTime(item.lastUsedAt)}>
            {relativeTime(item.lastUsedAt)}
          </time>
        ) : (
          <span className="muted">never</span>
        )}
      </td>
      <td className="keys-table__time">
        {item.expiresAt ? (
          <time dateTime={item.expiresAt} title={absoluteTime(item.expiresAt)}>
            {new Date(item.expiresAt).toLocaleDateString()}
          </time>
        ) : (
          <span className="muted">never</span>
        )}
      </td>
      <td>
        <span className={`member-status key-status--${status}`}>{KEY_STATUS_LABELS[status]}</span>
      </td>
      <td className="members-table__actions">
        {status === 'active' && (
          <Button size="sm" variant="ghost" disabled={revoking} aria-label={`Revoke ${item.label}`} onClick={() => requestRevoke(item.id)}>
            Revoke
          </Button>
        )}
      </td>
    </tr>
  );
}

/** The one time the plain key is shown: it leaves the store when this closes. */
function CreatedKeyDialog() {
  const created = useAppStore((s) => s.keys.created);
  const dismiss = useAppStore((s) => s.keys.dismissCreated);
  const [copyState, copy] = useCopy();
  if (!created) return null;
  return (
    <Dialog
      title="API key created"
      description={
        <p>
          Key <strong>{created.info.label}</strong> ({created.info.scopes.join(', ')}). Programs send it as{' '}
          <code>Authorization: Bearer &lt;key&gt;</code>.
        </p>
      }
      onClose={dismiss}
    >
      <div className="created-key">
        <TextField
          label="New API key"
          readOnly
          spellCheck={false}
          className="created-key__field"
          value={created.key}
          onFocus={(event) => event.currentTarget.select()}
        />
        <Banner tone="warning">Copy it now: it will not be shown again.</Banner>
        <p role="status" className="created-key__status">
          {copyState === 'copied' ? 'Copied' : copyState === 'failed' ? 'Could not copy: select the key and copy it' : ''}
        </p>
      </div>
      <div className="dialog__actions">
        <Button autoFocus onClick={() => void copy(created.key)}>
          Copy key
        </Button>
        <Button variant="primary" onClick={dismiss}>
          Done
        </Button>
      </div>
    </Dialog>
  );
}

function RevokeConfirm() {
  const revokeTarget = useAppStore((s) => s.keys.revokeTarget);
  const target = revokeTargetKey(useKeys().items, revokeTarget);
  const confirm = useAppStore((s) => s.keys.confirmRevoke);
  const cancel = useAppStore((s) => s.keys.cancelRevoke);
  if (!target) return null;
  return (
    <ConfirmDialog
      title={`Revoke key ${target.label}?`}
      description={
        <p>
          Programs using <code>{shortPrefix(target.prefix)}</code>
          {target.user ? ` (${target.user.name || target.user.email})` : ''} are refused from their next request. This cannot be
          undone.
        </p>
      }
      confirmLabel="Revoke"
      cancelLabel="Cancel"
      destructive
      onConfirm={() => void confirm()}
      onCancel={cancel}
    />
  );
}
