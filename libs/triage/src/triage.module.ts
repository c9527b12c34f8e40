import { Module, OnModuleInit } from '@nestjs/common';
import { AnalysisModule } from '@app/analysis';
import { ProjectsModule } from '@app/projects';
import { ConversationFactsPort, SupportDeskModule } from '@app/support-desk';
import { ConversationTriagedPort } from './conversation-triaged.port';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';
import { ConversationTriageJob } from './jobs/conversation-triage.job';
import { ProjectCorrections } from './feedback/project-corrections';
import { TriageFeedbackController } from './feedback/triage-feedback.controller';
import { TriageFeedbackService } from './feedback/triage-feedback.service';
import { ConversationAutoAnalysis } from './jobs/conversation-auto-analysis';
import { TriageController } from './triage.controller';
import { TriageRecords } from './triage-records.service';
import { TriageService } from './triage.service';

/**
 * Triage: the pure engine's Nest face, POST /v1/triage, the conversation-triage job with its records, and agents'
 * corrections (triage that learns).
 */
@Module({
  imports: [ProjectsModule, SupportDeskModule, AnalysisModule],
  controllers: [TriageController, ConversationsController, TriageFeedbackController],
  providers: [
    TriageService,
    TriageRecords,
    ConversationsService,
    ConversationTriagedPort,
    ConversationTriageJob,
    ConversationAutoAnalysis,
    ProjectCorrections,
    TriageFeedbackService,
  ],
  exports: [TriageService, TriageRecords, ConversationTriagedPort, TriageFeedbackService],
})
export class TriageModule implements OnModuleInit {
  constructor(
    private readonly facts: ConversationFactsPort,
    private readonly records: TriageRecords,
  ) {}

  /** support-desk's public reply after an analysis reads what the last triage knew. */
  onModuleInit(): void {
    this.facts.use(this.records);
  }
}
