import { Module, OnModuleInit } from '@nestjs/common';
import { AnalysisFinishedPort, AnalysisModule } from '@app/analysis';
import { JobQueue } from '@app/core';
import { ProjectsModule } from '@app/projects';
import { SupportDeskModule } from '@app/support-desk';
import { ConversationIncidentPort, ConversationTriagedPort, TriageModule } from '@app/triage';
import { CustomerUpdates } from './customer-updates.service';
import { IncidentGrouping } from './grouping.service';
import { IncidentAnalyses } from './incident-analyses.service';
import { IncidentTrackers } from './incident-trackers.service';
import { IncidentsController } from './incidents.controller';
import { INCIDENT_ANALYSIS_POST_QUEUE, INCIDENT_TRACKER_QUEUE, INCIDENT_UPDATE_QUEUE } from './incidents.queues';
import { IncidentsService } from './incidents.service';
import { IncidentAnalysisPostJob } from './jobs/analysis-post.job';
import { IncidentTrackerSyncJob } from './jobs/tracker-sync.job';
import { IncidentUpdateDeliveryJob } from './jobs/update-delivery.job';

/**
 * Incidents (issue 14): groups triaged conversations into incidents through triage's seam, runs one analysis per
 * incident and posts it to every linked conversation, sends customer updates, mirrors tracker tickets, and serves
 * /v1/incidents. Uses triage, analysis and support-desk; nothing below it knows it.
 */
@Module({
  imports: [ProjectsModule, SupportDeskModule, AnalysisModule, TriageModule],
  controllers: [IncidentsController],
  providers: [
    IncidentTrackers,
    IncidentGrouping,
    IncidentAnalyses,
    IncidentsService,
    CustomerUpdates,
    IncidentAnalysisPostJob,
    IncidentUpdateDeliveryJob,
    IncidentTrackerSyncJob,
  ],
  exports: [IncidentsService],
})
export class IncidentsModule implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly triaged: ConversationTriagedPort,
    private readonly conversationIncidents: ConversationIncidentPort,
    private readonly finished: AnalysisFinishedPort,
    private readonly grouping: IncidentGrouping,
    private readonly incidents: IncidentsService,
    private readonly analyses: IncidentAnalyses,
  ) {}

  onModuleInit(): void {
    for (const q of [INCIDENT_ANALYSIS_POST_QUEUE, INCIDENT_UPDATE_QUEUE, INCIDENT_TRACKER_QUEUE]) this.queue.define(q);
    this.triaged.use(this.grouping);
    this.conversationIncidents.use(this.incidents);
    this.finished.listen(this.analyses);
  }
}
