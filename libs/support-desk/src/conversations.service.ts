import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AnalysesService } from '@app/analysis/analyses.service';
import { AnalysisEntity } from '@app/analysis/analysis.entity';
import { AppError } from '@app/core/errors/error-codes';
import { page } from '@app/core/http/envelope';
import { ProjectEntity } from '@app/projects/project.entity';
import { BindingEntity, TriageEntity } from './support-desk.entities';

export interface ConversationSummary {
  conversationId: string;
  subject: string | null;
  customerName: string | null;
  severity: string;
  affectedService: string | null;
  lastTriagedAt: string;
  triageCount: number;
  analysisCount: number;
}

@Injectable()
export class ConversationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly analyses: AnalysesService,
  ) {}

  async list(b: BindingEntity, pageNo: number, limit: number) {
    const [{ total }] = await this.ds.query(`SELECT count(DISTINCT "conversationId")::int AS total FROM triages WHERE "bindingId" = $1`, [b.id]);
    const rows = await this.ds.query(
      `WITH latest AS (
         SELECT DISTINCT ON ("conversationId") "conversationId", subject, "customerName", severity, "affectedService", "createdAt"
         FROM triages WHERE "bindingId" = $1 ORDER BY "conversationId", "createdAt" DESC
       )
       SELECT l.*, (SELECT count(*)::int FROM triages t WHERE t."bindingId" = $1 AND t."conversationId" = l."conversationId") AS "triageCount",
              (SELECT count(*)::int FROM analyses a WHERE a."bindingId" = $1 AND a."conversationId" = l."conversationId") AS "analysisCount"
       FROM latest l ORDER BY l."createdAt" DESC LIMIT $2 OFFSET $3`,
      [b.id, limit, (pageNo - 1) * limit],
    );
    const items: ConversationSummary[] = rows.map((r: any) => ({
      conversationId: r.conversationId,
      subject: r.subject,
      customerName: r.customerName,
      severity: r.severity,
      affectedService: r.affectedService,
      lastTriagedAt: new Date(r.createdAt).toISOString(),
      triageCount: r.triageCount,
      analysisCount: r.analysisCount,
    }));
    return page(items, total, pageNo, limit);
  }

  async get(b: BindingEntity, conversationId: string) {
    const triages = await this.ds.getRepository(TriageEntity).find({ where: { bindingId: b.id, conversationId }, order: { createdAt: 'DESC' } });
    const analyses = await this.ds.getRepository(AnalysisEntity).find({ where: { bindingId: b.id, conversationId }, order: { createdAt: 'DESC' } });
    if (!triages.length && !analyses.length) throw new AppError('NOT_FOUND', 'No triage or analysis for this conversation');
    const project = await this.ds.getRepository(ProjectEntity).findOneOrFail({ where: { id: b.projectId } });
    return {
      conversationId,
      subject: triages[0]?.subject ?? null,
      customerName: triages[0]?.customerName ?? null,
      triages: triages.map((t) => ({ id: t.id, createdAt: t.createdAt.toISOString(), reason: t.reason, ...t.result })),
      analyses: analyses.map((a) => ({
        id: a.id,
        status: a.status,
        severity: a.severity,
        trigger: a.trigger,
        createdAt: a.createdAt.toISOString(),
        url: this.analyses.analysisUrl(a, project.slug),
      })),
    };
  }
}
