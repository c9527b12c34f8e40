/**
 * The branching of the conversation-triage job, as pure functions (no database, no platform): what to do with an
 * event, what to post after its triage, and what a failed attempt means. The job only carries the plan out.
 */
import { meetsThreshold, SEVERITY_ORDER, type AutoAnalyzeThreshold, type TriageResult } from '@app/contracts';
import { ProviderError, RetryLater, type BindingStatus, type PostingMode } from '@app/support-desk';
import type { TriageDecision } from '../conversation-triaged.port';

/** Whether the event's binding still takes work: an inactive or token-rejected binding's events are ignored. */
export function bindingGate(binding: { status: BindingStatus } | null): { go: true } | { go: false; note: string } {
  if (!binding || binding.status === 'inactive') return { go: false, note: 'binding inactive' };
  if (binding.status === 'needs_reinstall') return { go: false, note: 'binding needs reinstall (token rejected)' };
  return { go: true };
}

export type TriageStep =
  /** This event's triage is already stored (a retried job): use it. */
  | { kind: 'reuse' }
  /** A customer reply to a triaged conversation: triage the previous text plus the new customer parts. */
  | { kind: 'retriage' }
  /** A second "created" event for a conversation already triaged: nothing new to say. */
  | { kind: 'already_triaged' }
  /** Read the conversation and triage it. */
  | { kind: 'fresh'; reason: 'created' | 'customer_reply' };

export function triageStep(action: 'triage' | 'retriage' | 'record', stored: boolean, previous: boolean): TriageStep {
  if (stored) return { kind: 'reuse' };
  if (action === 'retriage' && previous) return { kind: 'retriage' };
  if (previous && action === 'triage') return { kind: 'already_triaged' };
  return { kind: 'fresh', reason: previous ? 'customer_reply' : 'created' };
}

export type TriagePost = 'triage_note' | 'public_reply' | 'update_note';

export interface FollowUp {
  /** What to post (contract §7 "what is posted where"), or nothing. */
  post: TriagePost | null;
  /** Write the mapped attributes (severity, service, confidence, summary). */
  writeAttributes: boolean;
  /** Start the conversation's auto-analysis (created at most once per conversation). */
  autoAnalysis: boolean;
}

/**
 * After the triage is stored and the seam answered: a first triage is posted per posting mode; an update (a
 * customer reply re-triaged) is posted as an internal note only when the severity rose or the service changed, and
 * never in `public` mode; attributes follow the same rule; the auto-analysis runs when the severity meets the
 * threshold and the seam says it runs per conversation.
 */
export function followUp(i: {
  postingMode: PostingMode;
  threshold: AutoAnalyzeThreshold;
  result: Pick<TriageResult, 'severity' | 'affectedService'>;
  prior: { severity: string; affectedService: string | null } | null;
  decision: TriageDecision;
}): FollowUp {
  const isUpdate = i.prior !== null;
  const changed =
    i.prior !== null &&
    (SEVERITY_ORDER[i.result.severity] > (SEVERITY_ORDER[i.prior.severity as keyof typeof SEVERITY_ORDER] ?? Infinity) ||
      i.prior.affectedService !== i.result.affectedService);
  const post: TriagePost | null = !isUpdate
    ? i.postingMode === 'public'
      ? 'public_reply'
      : 'triage_note'
    : changed && i.postingMode !== 'public'
      ? 'update_note'
      : null;
  return {
    post,
    writeAttributes: !isUpdate || changed,
    autoAnalysis: i.decision.autoAnalysis === 'per_conversation' && meetsThreshold(i.result.severity, i.threshold),
  };
}

/**
 * What a failed attempt means: a RetryLater goes back to the queue as is; a retryable platform failure before the
 * last attempt becomes one; on the last attempt the event is marked failed (and logged); an unexpected error is
 * logged and retried; a platform refusal (not retryable) is retried by the queue without noise.
 */
export function onFailure(e: unknown, final: boolean): 'rethrow' | 'retry_later' | 'mark_failed' | 'log_and_rethrow' {
  if (e instanceof RetryLater) return 'rethrow';
  if (e instanceof ProviderError && e.retryable && !final) return 'retry_later';
  if (final) return 'mark_failed';
  return e instanceof ProviderError ? 'rethrow' : 'log_and_rethrow';
}

const HOUR = 3_600_000;

/**
 * The auto-analysis window: the triage's suggested window, else the binding's buffer before its end; at most 24 h,
 * never after now.
 */
export function autoAnalysisWindow(window: { start: string; end: string }, bufferHours: number, now: number): { start: Date; end: Date } {
  const bufferMs = bufferHours * HOUR;
  let start = new Date(window.start);
  let end = new Date(window.end);
  if (!(end.getTime() > start.getTime())) start = new Date(end.getTime() - bufferMs);
  if (end.getTime() - start.getTime() > 24 * HOUR) start = new Date(end.getTime() - 24 * HOUR);
  if (end.getTime() > now) end = new Date(now);
  if (start.getTime() >= end.getTime()) start = new Date(end.getTime() - bufferMs);
  return { start, end };
}
