import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '../../components/Button';
import { TextField } from '../../components/TextField';
import { messageForField, toFormError } from '../../lib/field-errors';
import { rateLimitQuery, saveRateLimit } from '../../state/rate-limit-queries';
import { useAppStore } from '../../state/store';
import { SettingsSection } from './SettingsSection';

/**
 * Settings → API rate limit: requests per second per API key (0 = no limit), saved in the
 * workspace and applied to the next request without a restart. Admins change it; a bad value
 * is refused by the core with the message shown next to the field, and nothing changes.
 */
export function RateLimitSection() {
  const q = useQuery(rateLimitQuery);
  const isAdmin = useAppStore((s) => s.session.info?.currentUser.role === 'admin');
  return (
    <SettingsSection
      title="API rate limit"
      description="How many requests per second each API key may make to this computer's API (the API, the compatible APIs and MCP, signing in with the key, and the model runs of a browser session signed in with it; the session's other screens are never refused). Prompts with Key required off have no key and no limit. A key may send twice that at once before it waits; past it, calls are answered 429 with Retry-After."
    >
      {q.data ? (
        // Not keyed on the figure: after a save the form stays, with its message.
        <RateLimitForm perSecond={q.data.perSecond} fromFlag={q.data.fromFlag} saved={q.data.saved} isAdmin={isAdmin} />
      ) : q.isError ? (
        <p className="field__error" role="alert">
          {toFormError(q.error).message}
        </p>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </SettingsSection>
  );
}

function RateLimitForm({ perSecond, fromFlag, saved, isAdmin }: { perSecond: number; fromFlag: boolean; saved: number; isAdmin: boolean }) {
  const client = useQueryClient();
  const [value, setValue] = useState(String(perSecond));
  const save = useMutation({
    mutationFn: saveRateLimit,
    onSuccess: (state) => client.setQueryData(rateLimitQuery.queryKey, state),
  });
  const error = save.error ? messageForField(toFormError(save.error)) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(value.trim());
  };
  const flagNote = fromFlag ? ` This run was started with --rate-limit ${perSecond}; saving replaces it now (saved: ${saved.toLocaleString('en-US')}).` : '';
  return (
    <form className="server-form" onSubmit={submit} noValidate>
      <div className="server-form__port">
        <TextField
          label="Requests per second per key"
          inputMode="numeric"
          hint={`A whole number; 0 turns the limit off.${isAdmin ? '' : ' Only an admin can change this.'}${flagNote}`}
          value={value}
          disabled={!isAdmin || save.isPending}
          error={error}
          onChange={(event) => {
            setValue(event.target.value);
            save.reset();
          }}
        />
        {isAdmin && (
          <Button type="submit" variant="primary" disabled={save.isPending} className="server-form__apply">
            {save.isPending ? 'Saving…' : 'Save'}
          </Button>
        )}
      </div>
      {save.isSuccess && (
        <p className="muted" role="status">
          {save.data.perSecond === 0 ? 'Saved: no limit.' : `Saved: ${save.data.perSecond.toLocaleString('en-US')} requests/s per key.`} It applies to the next request.
        </p>
      )}
    </form>
  );
}
