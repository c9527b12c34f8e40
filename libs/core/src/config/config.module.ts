import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService, registerAs } from '@nestjs/config';
import type { AppConfig } from './config';

/** The typed, validated configuration object (`@Inject(APP_CONFIG) config: AppConfig`). */
export const APP_CONFIG = Symbol('APP_CONFIG');
/** The @nestjs/config namespace that holds it (`configService.get('app')`). */
export const APP_CONFIG_NAMESPACE = 'app';

/**
 * Configuration through @nestjs/config, with ONE typed object: `loadConfig()` reads and validates the environment
 * once at boot (libs/core/src/config/config.ts, before Nest starts, so a bad value stops the process with a clear
 * message); this module registers that object as @nestjs/config's `app` namespace and provides it as APP_CONFIG.
 * No .env file and no process.env lookups through ConfigService: everything goes through the validated object.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      imports: [
        NestConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [registerAs(APP_CONFIG_NAMESPACE, () => config)],
        }),
      ],
      providers: [{ provide: APP_CONFIG, useFactory: (cs: ConfigService) => cs.getOrThrow<AppConfig>(APP_CONFIG_NAMESPACE), inject: [ConfigService] }],
      exports: [APP_CONFIG, NestConfigModule],
    };
  }
}
