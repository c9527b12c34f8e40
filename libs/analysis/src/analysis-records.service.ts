import { Injectable } from '@nestjs/common';
import type { AnalysisRecord, PostmortemView, SimilarAnalysis } from '@app/contracts';
import { AppError } from '@app/core';
import { AnalysesService } from './analyses.service';
import { refusePublicKey, type AnalysisScope } from './analysis-scope';
import type { AnalysisEntity } from './analysis.entity';
import { FeedbackService } from './feedback/feedback.service';
import { FollowUpService } from './followup/followup.service';
import { logEvidenceOf } from './log-evidence';
import { buildPostmortem } from './postmortem/postmortem';
import { ScreenshotsService, type CheckedScreenshot } from './screenshots/screenshots.service';
import { SimilarService } from './similar/similar.service';

/**
 * The analysis record as GET /v1/analyses/:id answers it (contract §12): the record with its result under `result`
 * and the result's fields on the record itself (where the SDK reads them), plus logEvidence, relatedIncidents, the
 * screenshot, feedback and follow-ups. Also the read-only derivations: similar analyses and the postmortem.
 */
@Injectable()
export class AnalysisRecordsService {
  constructor(
    private readonly analyses: AnalysesService,
    private readonly screenshots: ScreenshotsService,
    private readonly feedback: FeedbackService,
    private readonly followUps: FollowUpService,
    private readonly similarity: SimilarService,
  ) {}

  async get(scope: AnalysisScope, id: string): Promise<AnalysisRecord> {
    return this.record(scope, await this.analyses.findScoped(scope, id));
  }

  async record(scope: AnalysisScope, a: AnalysisEntity): Promise<AnalysisRecord> {
    const [screenshot, feedback, followUps, relatedIncidents] = await Promise.all([
      this.screenshots.info(a.id),
      this.feedback.entries(scope, a.id),
      this.followUps.list(scope, a.id),
      this.similarity.related(scope, a),
    ]);
    const base = this.analyses.view(a, scope.projectSlug);
    const { severity: _severity, ...resultFields } = a.result ?? ({} as Record<string, unknown>);
    return {
      ...resultFields,
      ...base,
      logEvidence: logEvidenceOf(a.result),
      relatedIncidents,
      screenshot,
      feedback,
      followUps,
    };
  }

  /** The screenshot of an analysis this caller may read (publishable keys: their own analyses only). */
  async screenshot(scope: AnalysisScope, id: string): Promise<CheckedScreenshot> {
    const a = await this.analyses.findScoped(scope, id);
    const image = await this.screenshots.read(a.id);
    if (!image) throw new AppError('NOT_FOUND', 'This analysis has no screenshot');
    return image;
  }

  async similar(scope: AnalysisScope, id: string): Promise<SimilarAnalysis[]> {
    refusePublicKey(scope);
    return this.similarity.similar(scope, await this.analyses.findScoped(scope, id));
  }

  async postmortem(scope: AnalysisScope, id: string): Promise<PostmortemView> {
    refusePublicKey(scope);
    const a = await this.analyses.findScoped(scope, id);
    if (!a.result) throw new AppError('NOT_FOUND', `This analysis has no result yet (status ${a.status}): a postmortem needs one`);
    const markdown = buildPostmortem({
      id: a.id,
      status: a.status,
      description: a.description,
      trigger: a.trigger,
      createdAt: a.createdAt.toISOString(),
      completedAt: a.completedAt ? a.completedAt.toISOString() : null,
      partialReasons: a.partialReasons ?? [],
      result: a.result,
    });
    return { analysisId: a.id, markdown };
  }
}
