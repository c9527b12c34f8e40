import type { Logger } from '@nestjs/common';
import { jobsProcessed, declareQueue } from '@app/core';
import type { AnalysisNoteContent } from './notes';
import { RetryLater } from './post.service';

/**
 * The queues support-desk owns, declared once here (name, options, payload); SupportDeskModule defines them.
 * Short jobs (a few platform calls): a killed worker's job is picked up again after a 10 s heartbeat miss.
 */

/** A recorded conversation event to act on (enqueued with its row, in the ingest transaction). Handled by triage. */
export interface SupportDeskEventJob {
  eventId: string;
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
