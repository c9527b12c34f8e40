import { useState, type FormEvent } from 'react';
import { Field } from '@/components/ui/field';
import { ErrorBox } from '@/components/ui/feedback';
import { MESSAGE_MAX, messageError } from '../incident-view';

/** The message to every customer of the incident (plain text; the server escapes it and renders the binding's template). */
export function UpdateForm(props: {
  submitLabel: string;
  pending: boolean;
  error: unknown;
  initial?: string;
  testId: string;
  onSubmit: (message: string) => void;
  onCancel?: () => void;
}) {
  const [message, setMessage] = useState(props.initial ?? '');
  const [touched, setTouched] = useState(false);
  const error = touched ? messageError(message) : undefined;
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (messageError(message)) return;
    props.onSubmit(message.trim());
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
