import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

interface DialogProps {
  title: string;
  description?: ReactNode;
  onClose(): void;
  children: ReactNode;
  size?: 'sm' | 'md';
}

// Counted because a confirm can open over another dialog; the app stays hidden until all close.
let openDialogs = 0;

function setAppHidden(hidden: boolean) {
  const root = document.getElementById('root');
  if (!root) return;
  // showModal() makes the page inert for users; aria-hidden also hides it from role-based
  // queries (assistive tech and tests), so "Save" means the dialog's Save while one is open.
  if (hidden) {
    root.setAttribute('aria-hidden', 'true');
    root.inert = true;
  } else {
    root.removeAttribute('aria-hidden');
    root.inert = false;
  }
}

/**
 * A modal dialog on the native <dialog>: the browser traps focus and Esc asks to close.
 * Render it only while open; closing is the parent's decision via `onClose`.
 */
export function Dialog({ title, description, onClose, children, size = 'md' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    openDialogs += 1;
    setAppHidden(true);
    dialog.showModal();
    return () => {
      dialog.close();
      openDialogs -= 1;
      if (openDialogs === 0) setAppHidden(false);
      if (previouslyFocused?.isConnected) previouslyFocused.focus();
    };
  }, []);

  return createPortal(
    <dialog
      ref={ref}
      className={`dialog dialog--${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // Esc: let the owner decide (it may refuse while saving) instead of closing natively.
        event.preventDefault();
        onClose();
      }}
      onMouseDown={(event) => {
        // A press on the backdrop (the dialog element itself, outside its panel) dismisses.
        if (event.target === ref.current) onClose();
      }}
    >
      <div className="dialog__panel">
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        {description && (
          <div id={descriptionId} className="dialog__description">
            {description}
          </div>
        )}
        {children}
      </div>
    </dialog>,
    document.body,
  );
}
