import { Module, OnModuleInit } from '@nestjs/common';
import { HttpModule, HttpService } from '@nestjs/axios';
import type { AxiosInstance } from 'axios';
import { AccountsModule } from '@app/accounts';
import { AnalysisModule } from '@app/analysis';
import { APP_CONFIG, type AppConfig } from '@app/core';
import { SupportDeskModule, SupportDeskRegistry } from '@app/support-desk';
import { IncidentsModule } from '@app/incidents';
import { TriageModule } from '@app/triage';
import { CanvasKitController } from './canvas-kit.controller';
import { CanvasKitService } from './canvas-kit.service';
import { IntercomApi } from './client/intercom-api';
import { IntercomSignatureGuard } from './intercom-signature.guard';
import { IntercomController } from './intercom.controller';
import { IntercomProvider } from './intercom.provider';

/**
 * The Intercom provider: registers itself with support-desk's registry; its REST client runs on @nestjs/axios's
 * HttpService (its axios instance), while timeouts, retries, rate limits and error mapping stay in IntercomApi.
 */
@Module({
  imports: [HttpModule.register({}), SupportDeskModule, AccountsModule, AnalysisModule, TriageModule, IncidentsModule],
  controllers: [IntercomController, CanvasKitController],
  providers: [
    CanvasKitService,
    IntercomSignatureGuard,
    {
      provide: IntercomApi,
      inject: [HttpService, APP_CONFIG],
      useFactory: (http: HttpService, config: AppConfig) =>
        // Same axios instance; the cast only bridges axios's ESM and CommonJS type declarations.
        new IntercomApi(http.axiosRef as unknown as AxiosInstance, {
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
        new IntercomProvider(api, {
          clientId: config.intercom.clientId,
          clientSecret: config.intercom.clientSecret,
          oauthUrl: config.intercom.oauthUrl,
          apiVersion: config.intercom.apiVersion,
          appPackageCode: config.intercom.appPackageCode,
        }),
    },
  ],
  exports: [IntercomProvider],
})
export class IntercomModule implements OnModuleInit {
  constructor(
    private readonly registry: SupportDeskRegistry,
    private readonly provider: IntercomProvider,
  ) {}

  onModuleInit() {
    this.registry.register(this.provider);
  }
}
