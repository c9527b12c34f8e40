import { IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { ANALYSIS_STATUSES, FEEDBACK_ACCURACIES, FEEDBACK_COMMENT_MAX, FOLLOW_UP_QUESTION_MAX, SEVERITIES } from '@app/contracts';
import type { CreateAnalysisRequest, FeedbackAccuracy, FeedbackRequest, FollowUpRequest } from '@app/contracts';
import { PaginationQuery } from '@app/core';

export class CreateAnalysisDto implements CreateAnalysisRequest {
  @IsString() @MinLength(1) @MaxLength(5000) @Matches(/\S/, { message: 'description must not be blank' }) description: string;
  @IsISO8601({ strict: true }, { message: 'timeStart must be an ISO 8601 date-time' }) timeStart: string;
  @IsISO8601({ strict: true }, { message: 'timeEnd must be an ISO 8601 date-time' }) timeEnd: string;
  /** string → string map, kept in the audit trail. */
  @IsOptional() @IsObject() metadata?: Record<string, string>;
  /** Accepted for SDK compatibility; must name the request's project. */
  @IsOptional() @IsUUID() projectId?: string;
  /**
   * JSON bodies only: the screenshot as a base64 data URL (the dashboard's way, as cookie writes must be JSON).
   * Multipart bodies send it as a file part named `screenshot`. PNG, JPEG or WebP, at most 10 MB.
   */
  @IsOptional() @IsString({ message: 'screenshot must be a base64 data URL (JSON) or a file part (multipart/form-data)' }) screenshot?: string;
}

export class FeedbackDto implements FeedbackRequest {
  @IsIn(FEEDBACK_ACCURACIES as unknown as string[], { message: `accuracy must be one of ${FEEDBACK_ACCURACIES.join(', ')}` }) accuracy: FeedbackAccuracy;
  @IsOptional() @IsString() @MaxLength(FEEDBACK_COMMENT_MAX) comment?: string;
}

export class FollowUpDto implements FollowUpRequest {
  @IsString() @MinLength(1) @MaxLength(FOLLOW_UP_QUESTION_MAX) @Matches(/\S/, { message: 'question must not be blank' }) question: string;
}

export class ListAnalysesQuery extends PaginationQuery {
  @IsOptional() @IsIn(ANALYSIS_STATUSES as unknown as string[]) status?: string;
  @IsOptional() @IsIn(SEVERITIES as unknown as string[]) severity?: string;
  /** On createdAt, inclusive. */
  @IsOptional() @IsISO8601({ strict: true }, { message: 'fromDate must be an ISO 8601 date' }) fromDate?: string;
  /** On createdAt, exclusive. */
  @IsOptional() @IsISO8601({ strict: true }, { message: 'toDate must be an ISO 8601 date' }) toDate?: string;
}
