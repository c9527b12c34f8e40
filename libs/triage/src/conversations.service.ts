import { Injectable } from '@nestjs/common';
import { AnalysesService } from '@app/analysis';
import type { ConversationDetail, ConversationSummary } from '@app/contracts';
import { AppError, page, type Page } from '@app/core';
import { ProjectsService } from '@app/projects';
import type { BindingEntity } from '@app/support-desk';
import { ConversationIncidentPort } from './conversation-incident.port';
import { TriageRecords } from './triage-records.service';

export type { ConversationSummary } from '@app/contracts';

/** The triaged conversations of a binding, with their triages and analyses (contract §5 "triage" rows). */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly records: TriageRecords,
    private readonly analyses: AnalysesService,
    private readonly projects: ProjectsService,
    private readonly incidents: ConversationIncidentPort,
  ) {}

  async list(b: BindingEntity, pageNo: number, limit: number): Promise<Page<ConversationSummary>> {
    const { total, rows } = await this.records.conversations(b.id, pageNo, limit);
    const counts = await this.analyses.countByConversation(
      b.id,
      rows.map((r) => r.conversationId),
    );
    const items: ConversationSummary[] = rows.map((r) => ({
      conversationId: r.conversationId,
      subject: r.subject,
      customerName: r.customerName,
      severity: r.severity,
      affectedService: r.affectedService,
      lastTriagedAt: new Date(r.createdAt).toISOString(),
      triageCount: r.triageCount,
      analysisCount: counts.get(r.conversationId) ?? 0,
    }));
    return page(items, total, pageNo, limit);
  }

  async get(b: BindingEntity, conversationId: string): Promise<ConversationDetail> {
    const project = await this.projects.findById(b.projectId);
    if (!project) throw new Error(`project ${b.projectId} of binding ${b.id} not found`);
    const triages = await this.records.all(b.id, conversationId);
    const own = await this.analyses.forConversation(b.id, conversationId, project.slug);
    // A linked conversation lists its incident's analyses too (contract §11).
    const linked = await this.incidents.incidentOf(b.id, conversationId);
    const analyses = [...own, ...(linked?.analyses ?? []).filter((a) => !own.some((o) => o.id === a.id))].sort((x, y) =>
      y.createdAt.localeCompare(x.createdAt),
    );
    if (!triages.length && !analyses.length) throw new AppError('NOT_FOUND', 'No triage or analysis for this conversation');
    return {
      conversationId,
      subject: triages[0]?.subject ?? null,
      customerName: triages[0]?.customerName ?? null,
      triages: triages.map((t) => ({ id: t.id, createdAt: t.createdAt.toISOString(), reason: t.reason, ...t.result })),
      analyses,
      incident: linked?.incident ?? null,
    };
  }
}
