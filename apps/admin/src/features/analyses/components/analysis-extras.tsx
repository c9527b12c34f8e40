/** What the SDK routes add to an analysis, on its page: the screenshot, the log evidence, related analyses, feedback. */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { AnalysisFeedbackEntry, AnalysisScreenshotInfo, FeedbackAccuracy, LogEvidence } from '@app/contracts';
import { Field, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { Badge, ErrorBox, Spinner } from '@/components/ui/feedback';
import { formatDateTime } from '@/lib/format';
import { useGiveFeedback, useScreenshot } from '../api/analyses';
import { ACCURACY_LABEL, ACCURACY_TONE, checkFeedbackComment, FEEDBACK_ACCURACIES, FEEDBACK_COMMENT_MAX, formatBytes, relevancePercent } from '../evidence';

export function ScreenshotPanel({ projectId, analysisId, info }: { projectId: string; analysisId: string; info: AnalysisScreenshotInfo }) {
  const q = useScreenshot(projectId, analysisId, true);
  return (
    <section className="panel" aria-labelledby="shot-title" data-testid="analysis-screenshot-panel">
      <h2 id="shot-title">Screenshot</h2>
      <p className="small muted">
        Sent with the analysis ({info.mimeType.replace('image/', '').toUpperCase()}, {formatBytes(info.sizeBytes)}).
      </p>
      {q.isPending ? <Spinner label="Loading the screenshot…" /> : null}
      {q.error ? <ErrorBox error={q.error} title="Could not load the screenshot" onRetry={() => q.refetch()} /> : null}
      {q.data ? <img className="screenshot" src={q.data} alt="Screenshot sent with the analysis" data-testid="analysis-screenshot-image" /> : null}
    </section>
  );
}

export function LogEvidencePanel({ lines }: { lines: LogEvidence[] }) {
  if (!lines.length) return null;
  return (
    <section className="panel" aria-labelledby="ev-title" data-testid="analysis-log-evidence">
      <h2 id="ev-title">Log evidence</h2>
      <p className="small muted">The lines behind the top error signatures, most relevant first (secrets masked).</p>
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Service</th>
            <th scope="col">Level</th>
            <th scope="col">Message</th>
            <th scope="col">Relevance</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => (
            <tr key={i}>
              <td className="nowrap small">{formatDateTime(l.timestamp)}</td>
              <td>{l.service}</td>
              <td>
                <Badge tone={l.level === 'error' ? 'danger' : l.level === 'warn' ? 'caution' : 'neutral'}>{l.level}</Badge>
              </td>
              <td className="mono small">{l.message}</td>
              <td className="nowrap">{relevancePercent(l.relevanceScore)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function RelatedPanel({ ids, base }: { ids: string[]; base: string }) {
  if (!ids.length) return null;
  return (
    <section className="panel" aria-labelledby="rel-title" data-testid="analysis-related">
      <h2 id="rel-title">Related analyses</h2>
      <p className="small muted">Earlier analyses of this project with overlapping error signatures.</p>
      <ul>
        {ids.map((id) => (
          <li key={id}>
            <Link to={`${base}/${id}`} className="mono">
              {id}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function FeedbackPanel({
  projectId,
  analysisId,
  entries,
  finished,
}: {
  projectId: string;
  analysisId: string;
  entries: AnalysisFeedbackEntry[];
  finished: boolean;
}) {
  const mut = useGiveFeedback(projectId, analysisId);
  const [accuracy, setAccuracy] = useState<FeedbackAccuracy | ''>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const local: FieldErrors = { accuracy: accuracy ? undefined : 'Choose how accurate the analysis was', comment: checkFeedbackComment(comment) };
    setErrors(local);
    if (!accuracy || local.comment) return;
    try {
      await mut.mutateAsync({ accuracy, ...(comment.trim() ? { comment } : {}) });
      setSaved(true);
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['accuracy', 'comment']));
    }
  }

  return (
    <section className="panel" aria-labelledby="fb-title" data-testid="analysis-feedback">
      <h2 id="fb-title">Feedback</h2>
      {entries.length ? (
        <ul className="feedback-list" data-testid="analysis-feedback-list">
          {entries.map((f) => (
            <li key={f.id}>
              <Badge tone={ACCURACY_TONE[f.accuracy]}>{ACCURACY_LABEL[f.accuracy]}</Badge>{' '}
              <span className="small muted">
                {f.by.kind === 'key' ? `API key ${f.by.name ?? '(deleted)'}` : (f.by.name ?? 'a former member')} · {formatDateTime(f.recordedAt)}
              </span>
              {f.comment ? <p className="feedback-comment">{f.comment}</p> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="small muted">No feedback yet.</p>
      )}
      {finished ? (
        <form onSubmit={onSubmit} noValidate aria-label="Rate this analysis">
          <fieldset className="fieldset">
            <legend>Was this analysis right?</legend>
            <div className="radio-row" role="radiogroup" aria-label="Accuracy">
              {FEEDBACK_ACCURACIES.map((a) => (
                <label key={a} className={`pill ${accuracy === a ? 'selected' : ''}`}>
                  <input
                    type="radio"
                    name="accuracy"
                    value={a}
                    checked={accuracy === a}
                    onChange={() => setAccuracy(a)}
                    data-testid={`feedback-accuracy-${a}`}
                  />
                  {ACCURACY_LABEL[a]}
                </label>
              ))}
            </div>
            {errors.accuracy ? (
              <div className="field-error" role="alert">
                {errors.accuracy}
              </div>
            ) : null}
          </fieldset>
          <Field
            label="Comment (optional)"
            error={errors.comment}
            hint={
              <span className={comment.length > FEEDBACK_COMMENT_MAX ? 'counter over' : 'counter'}>
                {comment.length} / {FEEDBACK_COMMENT_MAX}
              </span>
            }
          >
            {(p) => <textarea {...p} rows={3} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="feedback-comment" />}
          </Field>
          {mut.error && !Object.values(errors).some(Boolean) ? <ErrorBox error={mut.error} /> : null}
          {saved ? (
            <div className="small" role="status">
              Thanks: your rating is saved (rating again replaces it).
            </div>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={mut.isPending} data-testid="feedback-submit">
              {mut.isPending ? 'Saving…' : 'Save rating'}
            </button>
          </div>
        </form>
      ) : (
        <p className="small muted">You can rate the analysis once it has finished.</p>
      )}
    </section>
  );
}
