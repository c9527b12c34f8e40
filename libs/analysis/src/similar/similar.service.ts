import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SimilarAnalysis } from '@app/contracts';
import type { AnalysisEntity } from '../analysis.entity';
import type { AnalysisScope } from '../analysis-scope';
import { FeedbackService } from '../feedback/feedback.service';
import {
  prepareComparable,
  rankSimilar,
  SIMILAR_CANDIDATES,
  SIMILAR_HORIZON_DAYS,
  SIMILAR_LIMIT,
  type ComparableResult,
  type PreparedComparable,
} from './similarity';

/** Prepared signatures kept per process (a finished result never changes); the oldest go first. */
export const PREPARED_CACHE_SIZE = 5000;

interface Candidate extends ComparableResult {
  id: string;
  createdAt: Date;
  severity: string | null;
  summary: string | null;
}

/**
 * Similar analyses of the same project, by overlapping error signatures (GET …/similar), and the SDK's
 * `relatedIncidents`: the earlier ones among them. A publishable key only ever sees its own analyses here too.
 */
@Injectable()
export class SimilarService {
  constructor(
    private readonly ds: DataSource,
    private readonly feedback: FeedbackService,
  ) {}

  private async candidates(scope: AnalysisScope, a: AnalysisEntity, earlierOnly: boolean): Promise<Candidate[]> {
    const params: unknown[] = [scope.tenantId, scope.projectId, a.id, SIMILAR_CANDIDATES];
    let where = '';
    if (earlierOnly) {
      params.push(a.createdAt);
      where += ` AND "createdAt" < $${params.length}`;
    }
    if (scope.onlyTriggeredBy) {
      params.push(scope.onlyTriggeredBy);
      where += ` AND "triggeredBy" = $${params.length}`;
    }
    return this.ds.query(
      `SELECT id, "createdAt", severity, result->>'summary' AS summary, result->'signatures' AS signatures, result->'rootCause' AS "rootCause"
         FROM analyses
        WHERE "tenantId" = $1 AND "projectId" = $2 AND id <> $3 AND result IS NOT NULL
          AND "createdAt" >= now() - interval '${SIMILAR_HORIZON_DAYS} days'${where}
        ORDER BY "createdAt" DESC
        LIMIT $4`,
      params,
    );
  }

  /** Candidates come newest first, so equally similar ones keep that order. */
  private rank(a: AnalysisEntity, candidates: Candidate[]): Array<{ c: Candidate; similarity: number }> {
    if (!a.result) return [];
    return rankSimilar(a.result as ComparableResult, candidates, SIMILAR_LIMIT, (c) => this.prepared(c)).map((x) => ({
      c: x.candidate,
      similarity: x.similarity,
    }));
  }

  /** Tokenising templates is most of the cost of a comparison: done once per analysis and process. */
  private readonly cache = new Map<string, PreparedComparable>();
  private prepared(c: Candidate): PreparedComparable {
    let p = this.cache.get(c.id);
    if (p) return p;
    p = prepareComparable(c);
    this.cache.set(c.id, p);
    if (this.cache.size > PREPARED_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return p;
  }

  /** Ids of earlier analyses with overlapping signatures, most similar first. */
  async related(scope: AnalysisScope, a: AnalysisEntity): Promise<string[]> {
    if (!a.result) return [];
    return this.rank(a, await this.candidates(scope, a, true)).map((x) => x.c.id);
  }

  async similar(scope: AnalysisScope, a: AnalysisEntity): Promise<SimilarAnalysis[]> {
    if (!a.result) return [];
    const ranked = this.rank(a, await this.candidates(scope, a, false));
    const feedback = await this.feedback.latest(ranked.map((x) => x.c.id));
    return ranked.map(({ c, similarity }) => ({
      id: c.id,
      summary: c.summary,
      severity: c.severity,
      createdAt: new Date(c.createdAt).toISOString(),
      similarity,
      feedbackAccuracy: feedback.get(c.id) ?? null,
    }));
  }
}
