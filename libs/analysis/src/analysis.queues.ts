import { declareQueue } from '@app/core';

/** One analysis to run (enqueued with the pending row, in its transaction). Owner: analysis. */
export interface AnalysisRunJob {
  analysisId: string;
}

/**
 * `expireInSeconds` is set at define time from LOG_SOURCE_TIMEOUT_MS (two fetches per source run in parallel, each
 * bounded by it; leave room for the engine).
 */
export const ANALYSIS_RUN_QUEUE = declareQueue<AnalysisRunJob>({ name: 'analysis.run', retryLimit: 2, retryDelaySeconds: 5, concurrency: 2 });
