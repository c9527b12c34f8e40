import { ApiKeyEntity, LoginKnownAddressEntity, SessionEntity, TenantEntity, UserEntity } from '@app/accounts';
import { AnalysisEntity, AnalysisFeedbackEntity, AnalysisFollowUpEntity, AnalysisScreenshotEntity } from '@app/analysis';
import { IdempotencyKeyEntity, RateLimitCounterEntity } from '@app/core';
import { LogSourceEntity, LogSourceSlotEntity } from '@app/log-sources';
import { ProjectEntity } from '@app/projects';
import { BindingEntity, HandledUnitEntity, OAuthStateEntity, PostEntity, SupportDeskEventEntity } from '@app/support-desk';
import { TriageCorrectionEntity, TriageEntity, TriageRemovedWordEntity } from '@app/triage';
import { INCIDENT_ENTITIES } from '@app/incidents';

/** Every TypeORM entity of the product; migrations must match them (test/integration/migrations-queue-bootstrap.e2e-spec.ts). */
export const ENTITIES: Function[] = [
  TenantEntity,
  UserEntity,
  SessionEntity,
  ApiKeyEntity,
  LoginKnownAddressEntity,
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
  TriageCorrectionEntity,
  TriageRemovedWordEntity,
  PostEntity,
  HandledUnitEntity,
  ...INCIDENT_ENTITIES,
  AnalysisScreenshotEntity,
  AnalysisFeedbackEntity,
  AnalysisFollowUpEntity,
];
