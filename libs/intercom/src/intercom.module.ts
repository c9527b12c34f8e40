import { Inject, Module, OnModuleInit } from '@nestjs/common';
import axios from 'axios';
import { AccountsModule } from '@app/accounts/accounts.module';
import { APP_CONFIG } from '@app/core/config/config.module';
import type { AppConfig } from '@app/core/config/config';
import { SupportDeskRegistry } from '@app/support-desk/provider';
import { SupportDeskModule } from '@app/support-desk/support-desk.module';
import { IntercomApi } from './client/intercom-api';
import { AnalysisModule } from '@app/analysis/analysis.module';
import { TriageModule } from '@app/triage';
import { CanvasKitController } from './canvas-kit.controller';
import { CanvasKitService } from './canvas-kit.service';
import { IntercomController } from './intercom.controller';
import { IntercomProvider } from './intercom.provider';

@Module({
  imports: [SupportDeskModule, AccountsModule, AnalysisModule, TriageModule],
  controllers: [IntercomController, CanvasKitController],
  providers: [
    CanvasKitService,
    {
      provide: IntercomApi,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new IntercomApi(axios.create(), {
          apiUrl: config.intercom.apiUrl,
          apiUrlOverridden: config.intercom.apiUrlOverridden,
          apiVersion: config.intercom.apiVersion,
          clientId: config.intercom.clientId,
          clientSecret: config.intercom.clientSecret,
        }),
    },
    {
      provide: IntercomProvider,
      inject: [IntercomApi, APP_CONFIG],
      useFactory: (api: IntercomApi, config: AppConfig) =>
        new IntercomProvider(api, { clientId: config.intercom.clientId, clientSecret: config.intercom.clientSecret, oauthUrl: config.intercom.oauthUrl }),
    },
  ],
  exports: [IntercomProvider],
})
export class IntercomModule implements OnModuleInit {
  constructor(
    private readonly registry: SupportDeskRegistry,
    private readonly provider: IntercomProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    this.registry.register(this.provider);
  }
}
