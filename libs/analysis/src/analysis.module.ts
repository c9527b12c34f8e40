import { Module, OnModuleInit } from '@nestjs/common';
import { LogSourcesModule } from '@app/log-sources';
import { AnalysisPostsService, FinishedAnalysesPort, SupportDeskModule } from '@app/support-desk';
import { AnalysesController } from './analyses.controller';
import { AnalysesService } from './analyses.service';
import { AnalysisFinishedPort } from './analysis-finished.port';
import { FinishedAnalysesReader } from './finished-analyses.source';
import { AnalysisJob } from './jobs/analysis.job';

@Module({
  imports: [LogSourcesModule, SupportDeskModule],
  controllers: [AnalysesController],
  providers: [AnalysesService, AnalysisJob, AnalysisFinishedPort, FinishedAnalysesReader],
  exports: [AnalysesService, AnalysisFinishedPort],
})
export class AnalysisModule implements OnModuleInit {
  constructor(
    private readonly finished: AnalysisFinishedPort,
    private readonly conversationPosts: AnalysisPostsService,
    private readonly finishedAnalyses: FinishedAnalysesPort,
    private readonly reader: FinishedAnalysesReader,
  ) {}

  /** support-desk posts the finished analyses that belong to one conversation (it implements the listener). */
  onModuleInit(): void {
    this.finished.listen(this.conversationPosts);
    // posting jobs that carry only an analysis id (older format) are completed from the analysis
    this.finishedAnalyses.use(this.reader);
  }
}
