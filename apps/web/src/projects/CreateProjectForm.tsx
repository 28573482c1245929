import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactElement, type SubmitEvent } from 'react';
import { createProjectInputSchema, LIMITS, type ProjectListItem } from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { Field } from '../ui/Field';
import { focusFirstError, parseForm, withoutField } from '../ui/formErrors';
import { useToast } from '../ui/toast';

/** The "New project name" form above the list. */
export function CreateProjectForm(): ReactElement {
  const trpc = useTRPC();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [fields, setFields] = useState<Record<string, string>>({});
  const create = useMutation(trpc.projects.create.mutationOptions());

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseForm(createProjectInputSchema, { name: new FormData(form).get('name') });
    if (!parsed.ok) {
      setFields(parsed.fields);
      focusFirstError(form, parsed.fields);
      return;
    }
    try {
      const project = await create.mutateAsync(parsed.data);
      form.reset();
      setFields({});
      // Shown at once in every cached list, then confirmed by a refetch.
      queryClient.setQueriesData<ProjectListItem[]>(trpc.projects.list.pathFilter(), (old) =>
        old
          ? [
              ...old,
              { ...project, ownerName: user?.name ?? '', ownerEmail: user?.email ?? '' },
            ].sort((a, b) => a.name.localeCompare(b.name))
          : old,
      );
      void queryClient.invalidateQueries(trpc.projects.list.pathFilter());
      toast({ title: `Created “${project.name}”` });
    } catch (error) {
      const shown = appErrorOf(error);
      if (shown.code === 'VALIDATION_ERROR' && shown.fields.name) {
        setFields(shown.fields);
      } else {
        toast({ title: 'Project not created', description: shown.message, tone: 'error' });
      }
    }
  }

  return (
    <form
      className="panel inline-form"
      aria-label="New project"
      noValidate
      onSubmit={(event) => void submit(event)}
      onInput={(event) => {
        setFields((current) => withoutField(current, event.target));
      }}
    >
      <Field label="New project name" error={fields.name}>
        {(control) => (
          <input
            {...control}
            name="name"
            type="text"
            dir="auto"
            autoComplete="off"
            maxLength={LIMITS.projectNameMax}
            placeholder="e.g. Printer firmware 2.0"
            required
          />
        )}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        Create project
      </button>
    </form>
  );
}
