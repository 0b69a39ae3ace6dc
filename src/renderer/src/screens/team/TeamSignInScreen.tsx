import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { TextField } from '../../components/TextField';
import { messageForField, type FormError } from '../../lib/field-errors';
import { TeamError, teamSignIn } from '../../lib/team';

/**
 * A team server's sign-in: email and password (no API keys, no links). A refusal shows under the
 * password field; it never says whether the email belongs to a member.
 */
export function TeamSignInScreen({ teamName, onSignedIn, notice }: { teamName: string; onSignedIn: () => void | Promise<void>; notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const errorFor = (field: string) => (error && error.field === field ? messageForField(error) : null);
  const otherError = error && error.field !== 'email' && error.field !== 'password' ? error.message : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await teamSignIn(email, password);
    } catch (failure) {
      setError(failure instanceof TeamError ? { message: failure.error.message, field: failure.error.field } : { message: String(failure) });
      setBusy(false);
      return;
    }
    await onSignedIn();
  };

  return (
    <main className="sign-in" aria-labelledby="team-sign-in-title">
      <div className="sign-in__card">
        <h1 id="team-sign-in-title" className="sign-in__title">
          Sign in to {teamName}
        </h1>
        <p className="muted">{notice ?? 'Use the email address you were invited with and your password.'}</p>
        {otherError && (
          <p className="field__error" role="alert">
            {otherError}
          </p>
        )}
        <form className="sign-in__form" noValidate onSubmit={(e) => void submit(e)} aria-label="Sign in">
          <TextField label="Email" type="email" autoComplete="username" value={email} error={errorFor('email')} onChange={(e) => setEmail(e.target.value)} />
          <TextField label="Password" type="password" autoComplete="current-password" value={password} error={errorFor('password')} onChange={(e) => setPassword(e.target.value)} />
          <Button type="submit" variant="primary" disabled={busy}>
            Sign in
          </Button>
        </form>
        <p className="muted">New here? Open the invite link an admin sent you.</p>
      </div>
    </main>
  );
}
