import { Module } from '@nestjs/common';
import { APP_CONFIG } from '@app/core/config/config.module';
import type { AppConfig } from '@app/core/config/config';
import { createLogSourceRegistry } from './log-source-registry.factory';
import { LogSourcesController } from './log-sources.controller';
import { LogSourcesService } from './log-sources.service';
import { LogSourceRegistry } from './registry';

@Module({
  controllers: [LogSourcesController],
  providers: [{ provide: LogSourceRegistry, useFactory: (cfg: AppConfig) => createLogSourceRegistry(cfg), inject: [APP_CONFIG] }, LogSourcesService],
  exports: [LogSourcesService, LogSourceRegistry],
})
export class LogSourcesModule {}
