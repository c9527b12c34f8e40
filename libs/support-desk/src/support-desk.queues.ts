import type { Logger } from '@nestjs/common';
import { jobsProcessed, declareQueue } from '@app/core';
import type { AnalysisNoteContent } from './notes';
import { RetryLater } from './post.service';

/**
 * The queues support-desk owns, declared once here (name, options, payload); SupportDeskModule defines them.
 * Short jobs (a few platform calls): a killed worker's job is picked up again after a 10 s heartbeat miss.
 */

/**
 * Recorded conversation events to act on, enqueued with their rows in the ingest transaction: the events of a commit
 * group that need acting on share jobs, up to 50 a job (a job costs PostgreSQL about as much as the event row itself:
 * its insert maintains four indexes and a foreign key, so one job per webhook was a third of ingest's database time). Handled by
 * triage, each event on its own: an event of a group that fails goes on alone as a job of its own, with `tried`
 * (the attempts it already had) so that it gets no more attempts in all than one event's job.
 * `eventId` is the shape of jobs enqueued before groups (one event per job); it is still handled.
 */
export interface SupportDeskEventJob {
  eventIds?: string[];
  /** Attempts the events already had in an earlier job (a group's event that failed there). */
  tried?: number;
  /** One event (the shape before groups). */
  eventId?: string;
}

/** The event ids a job brings, in order, or null when it brings none that could be an id (a bad job). */
export function eventIdsOf(job: Partial<SupportDeskEventJob> | null | undefined): string[] | null {
  const ids = Array.isArray(job?.eventIds) ? job.eventIds : job?.eventId !== undefined ? [job.eventId] : [];
  const valid = ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
  return valid.length && valid.length === ids.length ? [...new Set(valid)] : null;
}

export const SUPPORT_DESK_EVENT_QUEUE = declareQueue<SupportDeskEventJob>({
  name: 'support-desk.event',
  retryLimit: 6,
  retryDelaySeconds: 1,
  retryBackoff: true,
  // Jobs wait mostly on the database and Intercom: in a burst of 300 on 2 cores, 32 at once drained 105–110/s
  // against 94–98/s with 16 (bench webhook-to-note, quiet, alternating).
  concurrency: 32,
  batchSize: 8,
  expireInSeconds: 120,
  heartbeatSeconds: 10,
});

/** A finished analysis of one conversation to post back (enqueued when analysis announces it). Handled here. */
export interface AnalysisPostJob {
  analysisId: string;
  bindingId: string;
  conversationId: string;
  /** The analysis's dashboard page (note link and `analysis_url`). */
  url: string;
  /** What the note shows (no log excerpts). */
  note: AnalysisNoteContent;
}

export const ANALYSIS_POST_QUEUE = declareQueue<AnalysisPostJob>({
  name: 'support-desk.analysis-finished',
  retryLimit: 6,
  retryDelaySeconds: 1,
  retryBackoff: true,
  concurrency: 4,
  batchSize: 4,
  expireInSeconds: 120,
  heartbeatSeconds: 10,
});

/** Runs one job attempt, counting its outcome (/metrics); a failed attempt is logged and rethrown (the queue retries it). */
export async function countedAttempt(queue: string, logger: Logger, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    jobsProcessed.inc({ queue, outcome: 'ok' });
  } catch (e) {
    jobsProcessed.inc({ queue, outcome: e instanceof RetryLater ? 'retry' : 'error' });
    logger.warn({ event: 'job.failed', queue, err: (e as Error).message }, 'job attempt failed; it will be retried');
    throw e;
  }
}
