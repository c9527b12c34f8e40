import { AnalysisModule } from '@app/analysis/analysis.module';
import { LogSourcesModule } from '@app/log-sources/log-sources.module';
import { IntercomModule } from '@app/intercom/intercom.module';
import { SupportDeskModule } from '@app/support-desk/support-desk.module';
import { TriageModule } from '@app/triage/triage.module';

/** Feature modules beyond accounts and projects; each owns its routes and jobs. */
export const FEATURE_MODULES: any[] = [LogSourcesModule, AnalysisModule, TriageModule, SupportDeskModule, IntercomModule];
