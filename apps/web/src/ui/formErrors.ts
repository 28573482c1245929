import { validationDetails, type ValidationDetails } from '@taskboard/schema';
import type { z } from 'zod';

/**
 * Zod's default messages are written for developers ("Too small: expected string to have
 * >=1 characters"); a form shows these instead. Messages set on a schema itself (e.g. the
 * email one) take precedence over this map, so they still come through.
 */
const friendlyMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'too_small' && issue.origin === 'string') {
    return Number(issue.minimum) <= 1 ? 'Required' : `At least ${String(issue.minimum)} characters`;
  }
  if (issue.code === 'too_big' && issue.origin === 'string') {
    return `At most ${String(issue.maximum)} characters`;
  }
  if (issue.code === 'invalid_type' && (issue.input === undefined || issue.input === null)) {
    return 'Required';
  }
  return undefined;
};

/**
 * Validates form values with the API's schema: the parsed input, or the field path → message
 * map that the form shows next to each field (the same shape as the API's VALIDATION_ERROR).
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  values: unknown,
): { ok: true; data: z.output<S> } | { ok: false; fields: ValidationDetails } {
  const parsed = schema.safeParse(values, { error: friendlyMessages });
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, fields: validationDetails(parsed.error.issues) };
}

/** After a failed submit, takes the user to the first field that needs fixing. */
export function focusFirstError(form: HTMLFormElement, fields: ValidationDetails): void {
  for (const element of Array.from(form.elements)) {
    if (
      (element instanceof HTMLInputElement ||
        element instanceof HTMLSelectElement ||
        element instanceof HTMLTextAreaElement) &&
      element.name in fields
    ) {
      element.focus();
      return;
    }
  }
}

/** Once the user edits a field, its error no longer applies. */
export function withoutField(fields: ValidationDetails, target: EventTarget): ValidationDetails {
  if (
    !(
      target instanceof HTMLInputElement ||
      target instanceof HTMLSelectElement ||
      target instanceof HTMLTextAreaElement
    ) ||
    !(target.name in fields)
  ) {
    return fields;
  }
  const name = target.name;
  return Object.fromEntries(Object.entries(fields).filter(([key]) => key !== name));
}
