import { IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { ANALYSIS_STATUSES, SEVERITIES } from '@app/contracts';
import { PaginationQuery } from '@app/core';
import type { CreateAnalysisRequest } from '@app/contracts';

export class CreateAnalysisDto implements CreateAnalysisRequest {
  @IsString() @MinLength(1) @MaxLength(5000) @Matches(/\S/, { message: 'description must not be blank' }) description: string;
  @IsISO8601({ strict: true }, { message: 'timeStart must be an ISO 8601 date-time' }) timeStart: string;
  @IsISO8601({ strict: true }, { message: 'timeEnd must be an ISO 8601 date-time' }) timeEnd: string;
  /** string → string map, kept in the audit trail. */
  @IsOptional() @IsObject() metadata?: Record<string, string>;
  /** Accepted for SDK compatibility; must name the request's project. */
  @IsOptional() @IsUUID() projectId?: string;
}

export class ListAnalysesQuery extends PaginationQuery {
  @IsOptional() @IsIn(ANALYSIS_STATUSES as unknown as string[]) status?: string;
  @IsOptional() @IsIn(SEVERITIES as unknown as string[]) severity?: string;
  /** On createdAt, inclusive. */
  @IsOptional() @IsISO8601({ strict: true }, { message: 'fromDate must be an ISO 8601 date' }) fromDate?: string;
  /** On createdAt, exclusive. */
  @IsOptional() @IsISO8601({ strict: true }, { message: 'toDate must be an ISO 8601 date' }) toDate?: string;
}
