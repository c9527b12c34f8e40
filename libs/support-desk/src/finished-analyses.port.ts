import { Injectable } from '@nestjs/common';
import type { ConversationAnalysisOutcome } from './analysis-posts.service';

/** The feature that runs analyses (analysis) answers this; support-desk never reads its tables. */
export interface FinishedAnalysesSource {
  /** The analysis as it was announced when it finished; null when there is no such analysis or it has not finished. */
  finishedAnalysis(analysisId: string): Promise<ConversationAnalysisOutcome | null>;
}

/**
 * Port declared by support-desk for posting jobs that carry only an `analysisId` (the format before jobs carried the
 * note): analysis registers its records here at module init (`port.use(source)`), and such a job is completed from
 * them instead of being dropped.
 */
@Injectable()
export class FinishedAnalysesPort implements FinishedAnalysesSource {
  private source: FinishedAnalysesSource | null = null;

  use(source: FinishedAnalysesSource): void {
    if (this.source && this.source !== source) throw new Error('FinishedAnalysesPort already has a source');
    this.source = source;
  }

  get ready(): boolean {
    return this.source !== null;
  }

  async finishedAnalysis(analysisId: string): Promise<ConversationAnalysisOutcome | null> {
    if (!this.source) throw new Error('FinishedAnalysesPort has no source (the analysis module is not loaded)');
    return this.source.finishedAnalysis(analysisId);
  }
}
