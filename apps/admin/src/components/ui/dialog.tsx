import { useEffect, useRef, type ReactNode } from 'react';

/** Native modal dialog: focus is trapped by the browser, Escape closes, focus returns to the opener. */
export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    } else if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${props.testId ?? 'dialog'}-title`}
      data-testid={props.testId}
      onClose={props.onClose}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open ? (
        <>
          <h2 id={`${props.testId ?? 'dialog'}-title`}>{props.title}</h2>
          {props.children}
        </>
      ) : null}
    </dialog>
  );
}
