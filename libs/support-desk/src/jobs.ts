import type { Logger } from '@nestjs/common';
import { jobsProcessed } from '@app/core/health/metrics';
import { RetryLater } from './post.service';

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
