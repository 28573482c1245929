import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactElement, type SubmitEvent } from 'react';
import { LIMITS, updateProjectInputSchema, type ProjectListItem } from '@taskboard/schema';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { Field } from '../ui/Field';
import { focusFirstError, parseForm } from '../ui/formErrors';
import { useToast } from '../ui/toast';

/** A project row turned into its edit form: name and description; Escape cancels. */
export function RenameProjectForm({
  project,
  onDone,
}: {
  project: ProjectListItem;
  onDone: () => void;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [fields, setFields] = useState<Record<string, string>>({});
  const nameInput = useRef<HTMLInputElement>(null);
  const update = useMutation(trpc.projects.update.mutationOptions());

  useEffect(() => {
    nameInput.current?.focus();
    nameInput.current?.select();
  }, []);

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const parsed = parseForm(updateProjectInputSchema, {
      id: project.id,
      name: form.get('name'),
      description: form.get('description'),
    });
    if (!parsed.ok) {
      setFields(parsed.fields);
      focusFirstError(element, parsed.fields);
      return;
    }
    if (parsed.data.name === project.name && parsed.data.description === project.description) {
      onDone();
      return;
    }
    try {
      const updated = await update.mutateAsync(parsed.data);
      queryClient.setQueriesData<ProjectListItem[]>(trpc.projects.list.pathFilter(), (old) =>
        old?.map((item) => (item.id === updated.id ? { ...item, ...updated } : item)),
      );
      void queryClient.invalidateQueries(trpc.projects.list.pathFilter());
      void queryClient.invalidateQueries(trpc.projects.get.queryFilter({ id: project.id }));
      onDone();
    } catch (error) {
      const shown = appErrorOf(error);
      if (shown.code === 'VALIDATION_ERROR' && Object.keys(shown.fields).length > 0) {
        setFields(shown.fields);
      } else {
        toast({ title: 'Project not renamed', description: shown.message, tone: 'error' });
      }
    }
  }

  return (
    <form
      className="project-edit"
      aria-label={`Edit ${project.name}`}
      noValidate
      onSubmit={(event) => void submit(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onDone();
        }
      }}
    >
      <Field label="Project name" error={fields.name}>
        {(control) => (
          <input
            {...control}
            ref={nameInput}
            name="name"
            type="text"
            autoComplete="off"
            maxLength={LIMITS.projectNameMax}
            dir="auto"
            defaultValue={project.name}
            required
          />
        )}
      </Field>
      <Field
        label="Description"
        error={fields.description}
        hint="Optional: what the project is for."
      >
        {(control) => (
          <textarea
            {...control}
            name="description"
            rows={2}
            maxLength={LIMITS.projectDescriptionMax}
            dir="auto"
            defaultValue={project.description}
          />
        )}
      </Field>
      <div className="project-edit-actions">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          Save
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
