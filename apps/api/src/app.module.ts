import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccountsModule } from '@app/accounts/accounts.module';
import { AuthGuard } from '@app/accounts/auth/auth.guard';
import { CoreModule, CoreModuleOptions } from '@app/core/core.module';
import { AllExceptionsFilter } from '@app/core/errors/http-exception.filter';
import { EnvelopeInterceptor } from '@app/core/http/envelope.interceptor';
import { IdempotencyInterceptor } from '@app/core/http/idempotency.interceptor';
import { RateLimitGuard } from '@app/core/http/rate-limit.guard';
import { ProjectsModule } from '@app/projects/projects.module';
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
