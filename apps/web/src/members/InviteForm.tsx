import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ReactElement, type SubmitEvent } from 'react';
import { addMemberInputSchema, LIMITS, memberRoles, type ProjectWithRole } from '@taskboard/schema';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { Field } from '../ui/Field';
import { focusFirstError, parseForm, withoutField } from '../ui/formErrors';
import { useToast } from '../ui/toast';
import { ROLE_LABELS, ROLE_NOUNS } from './roles';

/** The owner's form that adds someone with an account to the project, with a role. */
export function InviteForm({ project }: { project: ProjectWithRole }): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [fields, setFields] = useState<Record<string, string>>({});
  const emailInput = useRef<HTMLInputElement>(null);
  const add = useMutation(trpc.members.add.mutationOptions());

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const parsed = parseForm(addMemberInputSchema, {
      projectId: project.id,
      email: values.get('email'),
      role: values.get('role'),
    });
    if (!parsed.ok) {
      setFields(parsed.fields);
      focusFirstError(form, parsed.fields);
      return;
    }
    try {
      const member = await add.mutateAsync(parsed.data);
      queryClient.setQueryData(trpc.members.list.queryKey({ projectId: project.id }), (old) =>
        old ? [...old.filter((item) => item.userId !== member.userId), member] : old,
      );
      void queryClient.invalidateQueries(trpc.members.list.queryFilter({ projectId: project.id }));
      form.reset();
      setFields({});
      emailInput.current?.focus();
      toast({ title: `Added ${member.user.name} as ${ROLE_NOUNS[member.role]}` });
    } catch (error) {
      const shown = appErrorOf(error);
      if (shown.code === 'NOT_FOUND') {
        setFields({
          email: 'No account with this email. Ask them to sign up first, then invite them.',
        });
        emailInput.current?.focus();
      } else if (shown.code === 'CONFLICT') {
        setFields({ email: 'Already a member of this project' });
        emailInput.current?.focus();
      } else if (shown.code === 'VALIDATION_ERROR' && Object.keys(shown.fields).length > 0) {
        setFields(shown.fields);
      } else {
        setFields({});
        toast({ title: 'Nobody was invited', description: shown.message, tone: 'error' });
      }
    }
  }

  return (
    <section className="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading" className="panel-heading">
        Invite someone
      </h2>
      <form
        className="inline-form invite-form"
        noValidate
        onSubmit={(event) => void submit(event)}
        onInput={(event) => {
          setFields((current) => withoutField(current, event.target));
        }}
      >
        <Field label="Email" error={fields.email}>
          {(control) => (
            <input
              {...control}
              ref={emailInput}
              name="email"
              type="email"
              autoComplete="off"
              maxLength={LIMITS.emailMax}
              placeholder="name@example.com"
              required
            />
          )}
        </Field>
        <div className="field-role">
          <Field label="Role" error={fields.role}>
            {(control) => (
              <select {...control} name="role" defaultValue="editor">
                {memberRoles.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <button type="submit" className="btn btn-primary" disabled={add.isPending}>
          Invite
        </button>
      </form>
      <p className="field-hint invite-roles">
        They need a Taskboard account. Viewers see the board; editors also add and move tasks;
        owners also rename the project and manage its members.
      </p>
    </section>
  );
}
