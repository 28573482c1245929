import * as Dialog from '@radix-ui/react-dialog';
import type { ReactElement, ReactNode } from 'react';
import '../pages.css';

interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The question, e.g. "Remove Ada from Firmware?": the dialog's accessible name. */
  title: string;
  /** What happens if the user goes ahead. */
  children: ReactNode;
  confirmLabel: string;
  /** The way back, "Cancel" unless it needs saying what is kept ("Keep editing"). */
  cancelLabel?: string;
  pendingLabel?: string;
  pending?: boolean;
  onConfirm: () => void;
  /** Where focus goes on close, when the element that opened the dialog is gone (a removed row). */
  onCloseAutoFocus?: (event: Event) => void;
}

/**
 * The second step of a destructive action: an alertdialog whose first button is Cancel, so a
 * stray Enter does no harm. It stays open while the action runs; the caller closes it when
 * the action succeeded (on failure it closes too and the caller explains with a toast).
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  pendingLabel,
  pending = false,
  onConfirm,
  onCloseAutoFocus,
}: ConfirmDialogProps): ReactElement {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay confirm-dialog-overlay" />
        <Dialog.Content
          role="alertdialog"
          className="dialog confirm-dialog"
          {...(onCloseAutoFocus ? { onCloseAutoFocus } : {})}
        >
          <Dialog.Title>{title}</Dialog.Title>
          <Dialog.Description asChild>
            <div>{children}</div>
          </Dialog.Description>
          <div className="dialog-actions">
            <Dialog.Close asChild>
              <button type="button" className="btn">
                {cancelLabel}
              </button>
            </Dialog.Close>
            <button type="button" className="btn btn-danger" disabled={pending} onClick={onConfirm}>
              {pending && pendingLabel ? pendingLabel : confirmLabel}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
