import { useRef, useState, type FormEvent } from 'react';
import { Field } from '@/components/ui/field';
import { ErrorBox } from '@/components/ui/feedback';
import { MESSAGE_MAX, messageError } from '../incident-view';

/** 128 random bits as hex (crypto.randomUUID exists only in secure contexts; a LAN install may be served over http). */
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The message to every customer of the incident (plain text; the server escapes it and renders the binding's template). */
export function UpdateForm(props: {
  submitLabel: string;
  pending: boolean;
  error: unknown;
  initial?: string;
  testId: string;
  /** `key`: the same for resends of the same message from this form, new when the message changed. */
  onSubmit: (message: string, key: string) => void;
  onCancel?: () => void;
}) {
  const [message, setMessage] = useState(props.initial ?? '');
  const [touched, setTouched] = useState(false);
  const sent = useRef<{ message: string; key: string } | null>(null);
  const error = touched ? messageError(message) : undefined;
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (messageError(message)) return;
    const text = message.trim();
    if (sent.current?.message !== text) sent.current = { message: text, key: randomKey() };
    props.onSubmit(text, sent.current.key);
  }
  return (
    <form onSubmit={submit} noValidate data-testid={props.testId}>
      <Field
        label="Message to customers"
        required
        error={error}
        hint={`Plain text, up to ${MESSAGE_MAX} characters. Posted once as a public reply in every open conversation of the incident, inside the binding's incident update template.`}
      >
        {(p) => (
          <textarea
            {...p}
            rows={4}
            maxLength={MESSAGE_MAX + 100}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            onBlur={() => setTouched(true)}
            data-testid={`${props.testId}-message`}
          />
        )}
      </Field>
      <div className="small muted">
        {message.trim().length} / {MESSAGE_MAX}
      </div>
      <ErrorBox error={props.error} title="Not sent" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={props.pending} data-testid={`${props.testId}-submit`}>
          {props.pending ? 'Sending…' : props.submitLabel}
        </button>
        {props.onCancel ? (
          <button type="button" className="btn" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
