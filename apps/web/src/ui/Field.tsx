import { useId, type ReactElement, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  /** The error next to the field (from the form's schema or the API's VALIDATION_ERROR). */
  error?: string | undefined;
  hint?: string | undefined;
  /** Renders the control with the ids that tie it to its label and messages. */
  children: (control: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: true;
  }) => ReactNode;
}

/** A labelled form control with its hint and error, announced together by screen readers. */
export function Field({ label, error, hint, children }: FieldProps): ReactElement {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
      })}
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
