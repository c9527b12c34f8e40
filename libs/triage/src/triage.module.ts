import { Module } from '@nestjs/common';
import { ProjectsModule } from '@app/projects/projects.module';
import { TriageController } from './triage.controller';
import { TriageService } from './triage.service';

@Module({ imports: [ProjectsModule], controllers: [TriageController], providers: [TriageService], exports: [TriageService] })
export class TriageModule {}
