import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccountsModule, AuthGuard } from '@app/accounts';
import { CoreModule, CoreModuleOptions, AllExceptionsFilter, EnvelopeInterceptor, IdempotencyInterceptor, RateLimitGuard } from '@app/core';
import { ProjectsModule } from '@app/projects';
import { FEATURE_MODULES } from './features';

@Module({})
export class AppModule {
  static forRoot(core: CoreModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(core), AccountsModule, ProjectsModule, ...FEATURE_MODULES],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        // Registration order = nesting: the envelope wraps what idempotency caches and replays.
        { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
