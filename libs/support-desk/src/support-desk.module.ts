import { Module } from '@nestjs/common';
import { AnalysisModule } from '@app/analysis/analysis.module';
import { TriageModule } from '@app/triage/triage.module';
import { AttributesService } from './attributes.service';
import { BindingsController } from './bindings.controller';
import { BindingsService } from './bindings.service';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';
import { IngestService } from './ingest.service';
import { InstallService } from './install.service';
import { PipelineService } from './pipeline.service';
import { PostService } from './post.service';
import { SupportDeskRegistry } from './provider';
import { UninstallService } from './uninstall.service';

@Module({
  imports: [TriageModule, AnalysisModule],
  controllers: [BindingsController, ConversationsController],
  providers: [
    { provide: SupportDeskRegistry, useValue: new SupportDeskRegistry() },
    BindingsService,
    InstallService,
    IngestService,
    UninstallService,
    PostService,
    AttributesService,
    PipelineService,
    ConversationsService,
  ],
  exports: [SupportDeskRegistry, BindingsService, InstallService, IngestService, UninstallService, ConversationsService, PostService],
})
export class SupportDeskModule {}
