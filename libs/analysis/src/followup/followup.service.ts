import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AnalysisResult, FollowUpView } from '@app/contracts';
import { AppError } from '@app/core';
import { AnalysesService } from '../analyses.service';
import { refusePublicKey, type AnalysisScope } from '../analysis-scope';
import { logEvidenceOf } from '../log-evidence';
import { answerFollowUp } from './answer';
import { AnalysisFollowUpEntity } from './followup.entity';

const view = (r: AnalysisFollowUpEntity): FollowUpView => ({
  id: r.id,
  analysisId: r.analysisId,
  question: r.question,
  answer: r.answer,
  found: r.found,
  additionalEvidence: r.evidence ?? [],
  createdAt: r.createdAt.toISOString(),
});

/**
 * Follow-up questions (reference §2.10): answered from the analysis's own evidence (no new log query, the result is
 * never changed), stored so the dashboard can show the thread under the result.
 */
@Injectable()
export class FollowUpService {
  private readonly logger = new Logger('analysis.followup');

  constructor(
    private readonly ds: DataSource,
    private readonly analyses: AnalysesService,
  ) {}

  async ask(scope: AnalysisScope, id: string, question: string): Promise<FollowUpView> {
    refusePublicKey(scope);
    const a = await this.analyses.findScoped(scope, id);
    if (!scope.actor) throw new AppError('FORBIDDEN', 'Follow-ups need a user or an API key');
    const result = a.result
      ? ({ ...a.result, logEvidence: logEvidenceOf(a.result) } as AnalysisResult & { logEvidence: ReturnType<typeof logEvidenceOf> })
      : null;
    const answer = answerFollowUp(question, {
      status: a.status,
      result,
      errorCode: a.errorCode,
      errorMessage: a.errorMessage,
      partialReasons: a.partialReasons,
    });
    const repo = this.ds.getRepository(AnalysisFollowUpEntity);
    const row = await repo.save(
      repo.create({ analysisId: a.id, askedBy: scope.actor, question: question.trim(), answer: answer.answer, found: answer.found, evidence: answer.evidence }),
    );
    this.logger.log({ event: 'analysis.followup_answered', analysisId: a.id, found: answer.found }, 'follow-up answered');
    return view(row);
  }

  /** The follow-ups of an analysis, oldest first; none for a publishable key (it cannot ask any). */
  async list(scope: AnalysisScope, analysisId: string): Promise<FollowUpView[]> {
    if (scope.onlyTriggeredBy) return [];
    const rows = await this.ds.getRepository(AnalysisFollowUpEntity).find({ where: { analysisId }, order: { createdAt: 'ASC', id: 'ASC' }, take: 100 });
    return rows.map(view);
  }
}
