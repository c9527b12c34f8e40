import { ApiKeyEntity, SessionEntity, TenantEntity, UserEntity } from '@app/accounts/accounts.entities';
import { AnalysisEntity } from '@app/analysis/analysis.entity';
import { IdempotencyKeyEntity, RateLimitCounterEntity } from '@app/core/http/http-state.entities';
import { LogSourceEntity } from '@app/log-sources/log-source.entity';
import { LogSourceSlotEntity } from '@app/log-sources/log-source-slot.entity';
import { ProjectEntity } from '@app/projects/project.entity';
import { BindingEntity, OAuthStateEntity, PostEntity, SupportDeskEventEntity } from '@app/support-desk/support-desk.entities';
import { TriageEntity } from '@app/triage/triage.entity';

/** Every TypeORM entity of the product; migrations must match them (test/migrations.e2e-spec.ts). */
export const ENTITIES: Function[] = [
  TenantEntity,
  UserEntity,
  SessionEntity,
  ApiKeyEntity,
  ProjectEntity,
  RateLimitCounterEntity,
  IdempotencyKeyEntity,
  LogSourceEntity,
  LogSourceSlotEntity,
  AnalysisEntity,
  BindingEntity,
  OAuthStateEntity,
  SupportDeskEventEntity,
  TriageEntity,
  PostEntity,
];
