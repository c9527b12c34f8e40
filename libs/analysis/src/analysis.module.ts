import { Module, OnModuleInit } from '@nestjs/common';
import { registerEventStreamRoute } from '@app/core';
import { LogSourcesModule } from '@app/log-sources';
import { AnalysisPostsService, FinishedAnalysesPort, SupportDeskModule } from '@app/support-desk';
import { AnalysesController } from './analyses.controller';
import { AnalysesService } from './analyses.service';
import { AnalysisFinishedPort } from './analysis-finished.port';
import { FinishedAnalysesReader } from './finished-analyses.source';
import { AnalysisRecordsService } from './analysis-records.service';
import { FeedbackService } from './feedback/feedback.service';
import { FollowUpService } from './followup/followup.service';
import { AnalysisJob } from './jobs/analysis.job';
import { ScreenshotsService } from './screenshots/screenshots.service';
import { SimilarService } from './similar/similar.service';
import { AnalysisWatcher } from './streaming/analysis-watcher';
import { AnalysisCreateResponder } from './streaming/create-responder';

@Module({
  imports: [LogSourcesModule, SupportDeskModule],
  controllers: [AnalysesController],
  providers: [
    AnalysesService,
    AnalysisJob,
    AnalysisFinishedPort,
    ScreenshotsService,
    FeedbackService,
    FollowUpService,
    SimilarService,
    AnalysisRecordsService,
    AnalysisWatcher,
    AnalysisCreateResponder,
    FinishedAnalysesReader,
  ],
  exports: [AnalysesService, AnalysisFinishedPort],
})
export class AnalysisModule implements OnModuleInit {
  constructor(
    private readonly finished: AnalysisFinishedPort,
    private readonly conversationPosts: AnalysisPostsService,
    private readonly finishedAnalyses: FinishedAnalysesPort,
    private readonly reader: FinishedAnalysesReader,
  ) {}

  onModuleInit(): void {
    /** support-desk posts the finished analyses that belong to one conversation (it implements the listener). */
    this.finished.listen(this.conversationPosts);
    // posting jobs that carry only an analysis id (older format) are completed from the analysis
    this.finishedAnalyses.use(this.reader);
    // POST /v1/analyses streams to callers that negotiate it (contract §12); its errors then go out as events too.
    registerEventStreamRoute('POST', '/v1/analyses');
  }
}
