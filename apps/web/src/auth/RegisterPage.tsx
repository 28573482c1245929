import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type SubmitEvent, type ReactElement } from 'react';
import { LIMITS, registerInputSchema } from '@taskboard/schema';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { Field } from '../ui/Field';
import { focusFirstError, parseForm } from '../ui/formErrors';

const PASSWORD_HINT = `At least ${LIMITS.passwordMin} characters; very common passwords are refused.`;

export function RegisterPage(): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { redirect } = useSearch({ from: '/register' });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const register = useMutation(trpc.auth.register.mutationOptions());

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    // The API's own schema: length and format mistakes are caught before a round trip.
    const parsed = parseForm(registerInputSchema, {
      name: form.get('name'),
      email: form.get('email'),
      password: form.get('password'),
    });
    if (!parsed.ok) {
      setFields(parsed.fields);
      setFormError(null);
      focusFirstError(element, parsed.fields);
      return;
    }
    try {
      const { user } = await register.mutateAsync(parsed.data);
      // The session cookie is set; seeding `me` lets the route guard pass without asking again.
      queryClient.setQueryData(trpc.auth.me.queryKey(), user);
      await navigate({ href: redirect ?? '/' });
    } catch (error) {
      const shown = appErrorOf(error);
      if (shown.code === 'USER_EXISTS') {
        const exists = { email: 'An account with this email already exists: sign in instead.' };
        setFields(exists);
        setFormError(null);
        focusFirstError(element, exists);
      } else if (shown.code === 'VALIDATION_ERROR' && Object.keys(shown.fields).length > 0) {
        // E.g. the common-password rule, which only the server knows: shown under Password.
        setFields(shown.fields);
        setFormError(null);
        focusFirstError(element, shown.fields);
      } else {
        setFields({});
        setFormError(
          shown.code === 'TOO_MANY_REQUESTS'
            ? 'Too many attempts from here. Wait a minute, then try again.'
            : shown.message,
        );
      }
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-card" noValidate onSubmit={(event) => void submit(event)}>
        <p className="brand">Taskboard</p>
        <h1>Create your account</h1>
        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        <Field label="Name" error={fields.name}>
          {(control) => (
            <input
              {...control}
              name="name"
              type="text"
              dir="auto"
              autoComplete="name"
              maxLength={LIMITS.userNameMax}
              required
            />
          )}
        </Field>
        <Field label="Email" error={fields.email}>
          {(control) => (
            <input
              {...control}
              name="email"
              type="email"
              autoComplete="email"
              maxLength={LIMITS.emailMax}
              required
            />
          )}
        </Field>
        <Field
          label="Password"
          error={fields.password}
          hint={fields.password ? undefined : PASSWORD_HINT}
        >
          {(control) => (
            <input
              {...control}
              name="password"
              type="password"
              autoComplete="new-password"
              maxLength={LIMITS.passwordMax}
              required
            />
          )}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={register.isPending}>
          {register.isPending ? 'Creating account…' : 'Create account'}
        </button>
        <p className="auth-switch">
          Already have an account?{' '}
          <Link to="/sign-in" search={redirect ? { redirect } : {}}>
            Sign in
          </Link>
        </p>
      </form>
    </main>
  );
}
