import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TERMINAL_STATUSES } from '@app/contracts';
import { ProjectEntity } from '@app/projects';
import type { ConversationAnalysisOutcome, FinishedAnalysesSource } from '@app/support-desk';
import { AnalysesService } from './analyses.service';
import { AnalysisEntity } from './analysis.entity';

/**
 * analysis's side of support-desk's FinishedAnalysesPort: a finished analysis as it was announced (posting jobs of
 * the older format carry only its id). Null while it runs, or when it does not exist.
 */
@Injectable()
export class FinishedAnalysesReader implements FinishedAnalysesSource {
  constructor(
    private readonly ds: DataSource,
    private readonly analyses: AnalysesService,
  ) {}

  async finishedAnalysis(analysisId: string): Promise<ConversationAnalysisOutcome | null> {
    if (!/^[0-9a-f-]{36}$/i.test(analysisId)) return null;
    const row = await this.ds.getRepository(AnalysisEntity).findOne({ where: { id: analysisId } });
    if (!row || !TERMINAL_STATUSES.includes(row.status)) return null;
    const project = await this.ds.getRepository(ProjectEntity).findOne({ where: { id: row.projectId } });
    return {
      id: row.id,
      status: row.status,
      bindingId: row.bindingId,
      conversationId: row.conversationId,
      result: row.result ?? null,
      errorMessage: row.errorMessage ?? null,
      partialReasons: row.partialReasons ?? [],
      url: this.analyses.analysisUrl(row, project?.slug ?? 'default'),
    };
  }
}
