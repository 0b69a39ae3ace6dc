import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { TextField } from '../../components/TextField';
import { messageForField, type FormError } from '../../lib/field-errors';
import { acceptInvite, inviteInfo, TeamError } from '../../lib/team';

const PASSWORD_HINT = 'At least 12 characters. A few unrelated words make a good one.';

const formError = (failure: unknown): FormError =>
  failure instanceof TeamError ? { message: failure.error.message, field: failure.error.field } : { message: String(failure) };

/**
 * Opened from an invite link (`#invite=CODE`): shows who the invite is for, and sets the member's
 * password (the rule is the server's: core/team/passwords.ts). Errors show next to their field;
 * a used or expired invite says so at the top.
 */
export function AcceptInviteScreen({ code, onAccepted }: { code: string; onAccepted: () => void | Promise<void> }) {
  const [invite, setInvite] = useState<{ email: string; name: string; team: string } | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);

  useEffect(() => {
    inviteInfo(code).then(
      (info) => {
        setInvite(info);
        setName(info.name);
      },
      (failure: unknown) => setError(formError(failure)),
    );
  }, [code]);

  const errorFor = (field: string) => (error && error.field === field ? messageForField(error) : null);
  const topError = error && !['password', 'confirm', 'name'].includes(error.field ?? '') ? error.message : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setError({ message: 'The two passwords differ', field: 'confirm' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await acceptInvite({ code, password, name });
    } catch (failure) {
      setError(formError(failure));
      setBusy(false);
      return;
    }
    await onAccepted();
  };

  return (
    <main className="sign-in" aria-labelledby="accept-invite-title">
      <div className="sign-in__card">
        <h1 id="accept-invite-title" className="sign-in__title">
          {invite ? `Join ${invite.team}` : 'Join the team'}
        </h1>
        {invite && (
          <p className="muted">
            You were invited as <strong>{invite.email}</strong>. Choose a password to finish.
          </p>
        )}
        {topError && (
          <p className="field__error" role="alert">
            {topError}
          </p>
        )}
        {invite && (
          <form className="sign-in__form" onSubmit={(e) => void submit(e)} aria-label="Accept invite">
            <TextField label="Your name" autoComplete="name" value={name} error={errorFor('name')} onChange={(e) => setName(e.target.value)} />
            <TextField label="Password" type="password" autoComplete="new-password" hint={PASSWORD_HINT} value={password} error={errorFor('password')} onChange={(e) => setPassword(e.target.value)} />
            <TextField label="Password again" type="password" autoComplete="new-password" value={confirm} error={errorFor('confirm')} onChange={(e) => setConfirm(e.target.value)} />
            <Button type="submit" variant="primary" disabled={busy}>
              Set password and sign in
            </Button>
          </form>
        )}
      </div>
    </main>
  );
}
