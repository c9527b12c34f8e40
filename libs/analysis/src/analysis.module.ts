import { Module } from '@nestjs/common';
import { LogSourcesModule } from '@app/log-sources/log-sources.module';
import { AnalysesController } from './analyses.controller';
import { AnalysesService } from './analyses.service';
import { AnalysisJob } from './jobs/analysis.job';

@Module({
  imports: [LogSourcesModule],
  controllers: [AnalysesController],
  providers: [AnalysesService, AnalysisJob],
  exports: [AnalysesService],
})
export class AnalysisModule {}
