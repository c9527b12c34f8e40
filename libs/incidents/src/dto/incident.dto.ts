import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  INCIDENT_MESSAGE_MAX,
  INCIDENT_STATUSES,
  INCIDENT_TITLE_MAX,
  type IncidentChange,
  type IncidentMergeRequest,
  type IncidentStatus,
  type IncidentUpdateRequest,
} from '@app/contracts';
import { PaginationQuery } from '@app/core';

export class ListIncidentsQuery extends PaginationQuery {
  @IsOptional() @IsIn(INCIDENT_STATUSES as unknown as string[]) status?: IncidentStatus;
  @IsOptional() @IsString() @MaxLength(100) service?: string;
}

export class ChangeIncidentDto implements IncidentChange {
  /** Plain text, 1–200 characters (checked after trimming). */
  @IsOptional() @IsString() @MaxLength(INCIDENT_TITLE_MAX + 50) title?: string;
  @IsOptional() @IsIn(INCIDENT_STATUSES as unknown as string[]) status?: IncidentStatus;
}

export class MergeIncidentDto implements IncidentMergeRequest {
  @IsString() incidentId: string;
}

export class IncidentUpdateDto implements IncidentUpdateRequest {
  /** Plain text, 1–2,000 characters after trimming (escaped when posted). */
  @IsString() @MaxLength(INCIDENT_MESSAGE_MAX + 100) message: string;
  @IsOptional() @IsBoolean() resolve?: boolean;
}
