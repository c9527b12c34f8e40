import { Inject, Injectable, Logger } from '@nestjs/common';
import { AnalysesService } from '@app/analysis';
import { APP_CONFIG, type AppConfig } from '@app/core';
import type { ProjectEntity } from '@app/projects';
import { AttributesService, BindingEntity, conversationUrl } from '@app/support-desk';
import type { TriageEntity } from '../triage.entity';
import { autoAnalysisWindow } from './conversation-plan';

/** A conversation's auto-analysis (created at most once per conversation), for the triage job and agents' corrections. */
@Injectable()
export class ConversationAutoAnalysis {
  private readonly logger = new Logger('pipeline');

  constructor(
    private readonly analyses: AnalysesService,
    private readonly attributes: AttributesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts it unless one exists; its dashboard link goes into `analysis_url`. */
  async start(b: BindingEntity, project: ProjectEntity, conversationId: string, triage: TriageEntity, attempt: { final: boolean }): Promise<void> {
    const { start, end } = autoAnalysisWindow(triage.result.window, b.timeBufferHours, Date.now());
    const description = [triage.subject, triage.result.summary].filter(Boolean).join(' — ').slice(0, 5000) || `Conversation ${conversationId}`;
    const analysis = await this.analyses.createOncePerConversation({
      tenantId: b.tenantId,
      projectId: b.projectId,
      description,
      timeStart: start,
      timeEnd: end,
      trigger: 'support_desk',
      triggeredBy: `support_desk:${b.id}`,
      bindingId: b.id,
      conversationId,
      metadata: { ticketId: conversationId, platform: b.platform, ticketUrl: conversationUrl(this.config.publicUrl, project.slug, b.id, conversationId) },
    });
    if (analysis) {
      this.logger.log({ event: 'pipeline.analysis_started', analysisId: analysis.id, conversationId }, 'auto-analysis created');
      await this.attributes.write(b, conversationId, { analysis_url: this.analyses.analysisUrl(analysis, project.slug) }, attempt);
    }
  }
}
