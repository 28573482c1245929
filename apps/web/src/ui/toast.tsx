import * as RadixToast from '@radix-ui/react-toast';
import {
  createContext,
  useCallback,
  useContext,
  useState,
  type ReactElement,
  type ReactNode,
} from 'react';

export interface ToastMessage {
  title: string;
  description?: string;
  tone?: 'info' | 'error';
}

interface ShownToast extends ToastMessage {
  key: number;
}

const ToastContext = createContext<(message: ToastMessage) => void>(() => undefined);

/** Shows short messages (an undone move, a saved change) without taking focus. */
export function ToastProvider({ children }: { children: ReactNode }): ReactElement {
  const [toasts, setToasts] = useState<ShownToast[]>([]);
  const show = useCallback((message: ToastMessage) => {
    setToasts((current) => [...current.slice(-2), { ...message, key: Date.now() + Math.random() }]);
  }, []);
  const remove = useCallback((key: number) => {
    setToasts((current) => current.filter((toast) => toast.key !== key));
  }, []);
  return (
    <ToastContext.Provider value={show}>
      <RadixToast.Provider duration={6_000}>
        {children}
        {toasts.map((toast) => (
          <RadixToast.Root
            key={toast.key}
            className={`toast toast-${toast.tone ?? 'info'}`}
            type={toast.tone === 'error' ? 'foreground' : 'background'}
            onOpenChange={(open) => {
              if (!open) remove(toast.key);
            }}
          >
            <RadixToast.Title className="toast-title">{toast.title}</RadixToast.Title>
            {toast.description ? (
              <RadixToast.Description className="toast-description">
                {toast.description}
              </RadixToast.Description>
            ) : null}
            <RadixToast.Close className="toast-close" aria-label="Dismiss">
              ×
            </RadixToast.Close>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="toast-viewport" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}

export function useToast(): (message: ToastMessage) => void {
  return useContext(ToastContext);
}
