import type { Type } from '@nestjs/common';
import { AnalysisModule } from '@app/analysis';
import { LogSourcesModule } from '@app/log-sources';
import { IntercomModule } from '@app/intercom';
import { SupportDeskModule } from '@app/support-desk';
import { TriageModule } from '@app/triage';
import { IncidentsModule } from '@app/incidents';

/** Feature modules beyond accounts and projects; each owns its routes and jobs. */
export const FEATURE_MODULES: Type[] = [LogSourcesModule, AnalysisModule, TriageModule, SupportDeskModule, IntercomModule, IncidentsModule];
