import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type SubmitEvent, type ReactElement } from 'react';
import { loginInputSchema } from '@taskboard/schema';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { Field } from '../ui/Field';
import { focusFirstError, parseForm } from '../ui/formErrors';

export function SignInPage(): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { redirect } = useSearch({ from: '/sign-in' });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const login = useMutation(trpc.auth.login.mutationOptions());

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // The same schema the API validates with: the user hears about a typo before a round trip.
    const parsed = parseForm(loginInputSchema, {
      email: form.get('email'),
      password: form.get('password'),
    });
    if (!parsed.ok) {
      setFields(parsed.fields);
      setFormError(null);
      focusFirstError(event.currentTarget, parsed.fields);
      return;
    }
    try {
      const { user } = await login.mutateAsync(parsed.data);
      queryClient.setQueryData(trpc.auth.me.queryKey(), user);
      await navigate({ href: redirect ?? '/' });
    } catch (error) {
      const shown = appErrorOf(error);
      setFields(
        shown.code === 'INVALID_CREDENTIALS'
          ? { password: 'Wrong email or password' }
          : shown.fields,
      );
      setFormError(
        shown.code === 'INVALID_CREDENTIALS' || shown.code === 'VALIDATION_ERROR'
          ? null
          : shown.message,
      );
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-card" noValidate onSubmit={(event) => void submit(event)}>
        <p className="brand">Taskboard</p>
        <h1>Sign in</h1>
        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        <Field label="Email" error={fields.email}>
          {(control) => (
            <input {...control} name="email" type="email" autoComplete="username" required />
          )}
        </Field>
        <Field label="Password" error={fields.password}>
          {(control) => (
            <input
              {...control}
              name="password"
              type="password"
              autoComplete="current-password"
              required
            />
          )}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="auth-switch">
          New here?{' '}
          <Link to="/register" search={redirect ? { redirect } : {}}>
            Create an account
          </Link>
        </p>
      </form>
    </main>
  );
}
