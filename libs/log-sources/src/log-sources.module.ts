import { HttpModule, HttpService } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/core';
import { createLogSourceRegistry } from './log-source-registry.factory';
import { LogSourcesController } from './log-sources.controller';
import { LogSourcesService } from './log-sources.service';
import { LogSourceSlots } from './log-source-slots';
import { LogSourceRegistry } from './registry';

@Module({
  // The platforms' HTTP clients send through @nestjs/axios; timeouts, retries, size caps, error mapping and the host
  // guard stay in our adapter (shared/http.ts), which gets this HttpService through the connector context.
  imports: [HttpModule.register({ maxRedirects: 0, proxy: false })],
  controllers: [LogSourcesController],
  providers: [
    {
      provide: LogSourceRegistry,
      useFactory: (cfg: AppConfig, http: HttpService) => createLogSourceRegistry(cfg, http),
      inject: [APP_CONFIG, HttpService],
    },
    LogSourcesService,
    LogSourceSlots,
  ],
  exports: [LogSourcesService, LogSourceRegistry, LogSourceSlots],
})
export class LogSourcesModule {}
