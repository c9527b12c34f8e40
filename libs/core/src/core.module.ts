import { DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { SecretBox } from './crypto/secret-box';
import { HealthController } from './health/health.controller';
import { pinoHttpOptions } from './logging/logging';
import { OpenStreams } from './http/open-streams';
import { JobQueue } from './queue/job-queue';
import { PreparingClient } from './database/prepared-statements';

export interface CoreModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  queue: JobQueue;
  entities: Function[];
  migrations: Function[];
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream;
}

@Global()
@Module({})
export class CoreModule {
  static forRoot(o: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(o.config),
        LoggerModule.forRoot(pinoHttpOptions(o.config, o.logStream)),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: o.databaseUrl,
          entities: o.entities,
          migrations: o.migrations,
          synchronize: false,
          migrationsRun: false,
          extra: {
            max: 20,
            connectionTimeoutMillis: 2000,
            statement_timeout: 30000,
            ...(o.config.databasePreparedStatements ? { Client: PreparingClient } : {}),
          },
          retryAttempts: 3,
          retryDelay: 500,
        }),
        TerminusModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: JobQueue, useValue: o.queue },
        { provide: SecretBox, useValue: new SecretBox(o.config.encryptionKey, o.config.encryptionKeyPrevious) },
        OpenStreams,
      ],
      exports: [JobQueue, SecretBox, TypeOrmModule, OpenStreams],
    };
  }
}
