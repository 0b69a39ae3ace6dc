import { useState, type FormEvent } from 'react';
import { Button } from '../components/Button';
import { TextField } from '../components/TextField';
import { messageForField } from '../lib/field-errors';
import { useAppStore } from '../state/store';
import { loginSecretOf } from '../../../shared/schemas/session';

/**
 * Headless only: a browser tab with no session signs in as one member, with that member's API
 * key or a one-time link from `promptdesk users login-link`. Errors show next to the field.
 */
export function SignInScreen() {
  const signIn = useAppStore((s) => s.session.signIn);
  const signingIn = useAppStore((s) => s.session.signingIn);
  const error = useAppStore((s) => s.session.signInError);
  const [key, setKey] = useState('');
  const [link, setLink] = useState('');
  const errorFor = (field: string) => (error && error.field === field ? messageForField(error) : null);
  const otherError = error && error.field !== 'key' && error.field !== 'link' ? error.message : null;

  const withKey = (event: FormEvent) => {
    event.preventDefault();
    void signIn({ key });
  };
  const withLink = (event: FormEvent) => {
    event.preventDefault();
    void signIn({ link: loginSecretOf(link) });
  };

  return (
    <main className="sign-in" aria-labelledby="sign-in-title">
      <div className="sign-in__card">
        <h1 id="sign-in-title" className="sign-in__title">
          Sign in to Promptdesk
        </h1>
        <p className="muted">Each browser tab acts as one member. Sign in as yourself.</p>
        {otherError && (
          <p className="field__error" role="alert">
            {otherError}
          </p>
        )}
        <form className="sign-in__form" onSubmit={withKey} aria-label="Sign in by key">
          <TextField
            label="API key"
            type="password"
            autoComplete="off"
            hint="One of your keys with every scope (Settings → API keys, or promptdesk keys create)."
            value={key}
            error={errorFor('key')}
            onChange={(event) => setKey(event.target.value)}
          />
          <Button type="submit" variant="primary" disabled={signingIn}>
            Sign in
          </Button>
        </form>
        <form className="sign-in__form" onSubmit={withLink} aria-label="Sign in by link">
          <TextField
            label="Sign-in link"
            autoComplete="off"
            hint="From an admin: promptdesk users login-link --user EMAIL. It works once, for 15 minutes."
            value={link}
            error={errorFor('link')}
            onChange={(event) => setLink(event.target.value)}
          />
          <Button type="submit" disabled={signingIn}>
            Sign in with link
          </Button>
        </form>
      </div>
    </main>
  );
}
