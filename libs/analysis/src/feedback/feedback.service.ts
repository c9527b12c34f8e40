import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AnalysisFeedbackEntry, AnalysisFeedbackView, FeedbackAccuracy } from '@app/contracts';
import { AppError } from '@app/core';
import { AnalysesService } from '../analyses.service';
import type { AnalysisScope } from '../analysis-scope';
import { TERMINAL } from '../streaming/analysis-watcher';

interface FeedbackRow {
  id: string;
  analysisId: string;
  rater: string;
  accuracy: FeedbackAccuracy;
  comment: string | null;
  recordedAt: Date;
}

const view = (r: FeedbackRow): AnalysisFeedbackView => ({
  id: r.id,
  analysisId: r.analysisId,
  accuracy: r.accuracy,
  comment: r.comment,
  recordedAt: new Date(r.recordedAt).toISOString(),
});

/** Feedback on analyses (reference §2.10): one per analysis and rater; re-rating replaces it, and the change is logged. */
@Injectable()
export class FeedbackService {
  private readonly logger = new Logger('analysis.feedback');

  constructor(
    private readonly ds: DataSource,
    private readonly analyses: AnalysesService,
  ) {}

  async record(scope: AnalysisScope, id: string, input: { accuracy: FeedbackAccuracy; comment?: string }): Promise<AnalysisFeedbackView> {
    const analysis = await this.analyses.findScoped(scope, id);
    if (!TERMINAL.includes(analysis.status)) throw new AppError('CONFLICT', `This analysis is still ${analysis.status}: rate it once it has finished`);
    if (!scope.actor) throw new AppError('FORBIDDEN', 'Feedback needs a user or an API key');
    const comment = input.comment?.trim() ? input.comment : null;
    const rows: Array<FeedbackRow & { previous: FeedbackAccuracy | null }> = await this.ds.query(
      `WITH prev AS (SELECT accuracy FROM analysis_feedback WHERE "analysisId" = $1 AND rater = $2)
       INSERT INTO analysis_feedback ("analysisId", rater, accuracy, comment, "recordedAt") VALUES ($1, $2, $3, $4, now())
       ON CONFLICT ("analysisId", rater) DO UPDATE SET accuracy = EXCLUDED.accuracy, comment = EXCLUDED.comment, "recordedAt" = EXCLUDED."recordedAt"
       RETURNING id, "analysisId", rater, accuracy, comment, "recordedAt", (SELECT accuracy FROM prev) AS previous`,
      [analysis.id, scope.actor, input.accuracy, comment],
    );
    const row = rows[0];
    this.logger.log(
      { event: 'analysis.feedback_recorded', analysisId: analysis.id, rater: scope.actor, accuracy: row.accuracy, previous: row.previous ?? undefined },
      row.previous ? 'analysis feedback replaced' : 'analysis feedback recorded',
    );
    return view(row);
  }

  /** The feedback given on an analysis, newest first; a publishable key sees only its own. */
  async entries(scope: AnalysisScope, analysisId: string): Promise<AnalysisFeedbackEntry[]> {
    const rows: Array<FeedbackRow & { userName: string | null; keyName: string | null }> = await this.ds.query(
      `SELECT f.id, f."analysisId", f.rater, f.accuracy, f.comment, f."recordedAt", u.name AS "userName", k.name AS "keyName"
         FROM analysis_feedback f
         LEFT JOIN users u ON f.rater = 'user:' || u.id::text
         LEFT JOIN api_keys k ON f.rater = 'key:' || k.id::text
        WHERE f."analysisId" = $1 AND ($2::text IS NULL OR f.rater = $2)
        ORDER BY f."recordedAt" DESC, f.id`,
      [analysisId, scope.onlyTriggeredBy],
    );
    return rows.map((r) => ({
      ...view(r),
      by: r.rater.startsWith('user:') ? { kind: 'user' as const, name: r.userName } : { kind: 'key' as const, name: r.keyName },
    }));
  }

  /** The latest accuracy given on each of these analyses. */
  async latest(ids: string[]): Promise<Map<string, FeedbackAccuracy>> {
    if (!ids.length) return new Map();
    const rows: Array<{ analysisId: string; accuracy: FeedbackAccuracy }> = await this.ds.query(
      `SELECT DISTINCT ON ("analysisId") "analysisId", accuracy FROM analysis_feedback WHERE "analysisId" = ANY($1::uuid[]) ORDER BY "analysisId", "recordedAt" DESC`,
      [ids],
    );
    return new Map(rows.map((r) => [r.analysisId, r.accuracy]));
  }
}
