import { Module, OnModuleInit } from '@nestjs/common';
import { LogSourcesModule } from '@app/log-sources';
import { AnalysisPostsService, SupportDeskModule } from '@app/support-desk';
import { AnalysesController } from './analyses.controller';
import { AnalysesService } from './analyses.service';
import { AnalysisFinishedPort } from './analysis-finished.port';
import { AnalysisJob } from './jobs/analysis.job';

@Module({
  imports: [LogSourcesModule, SupportDeskModule],
  controllers: [AnalysesController],
  providers: [AnalysesService, AnalysisJob, AnalysisFinishedPort],
  exports: [AnalysesService, AnalysisFinishedPort],
})
export class AnalysisModule implements OnModuleInit {
  constructor(
    private readonly finished: AnalysisFinishedPort,
    private readonly conversationPosts: AnalysisPostsService,
  ) {}

  /** support-desk posts the finished analyses that belong to one conversation (it implements the listener). */
  onModuleInit(): void {
    this.finished.listen(this.conversationPosts);
  }
}
