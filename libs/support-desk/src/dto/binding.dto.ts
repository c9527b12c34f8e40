import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AUTO_ANALYZE_THRESHOLDS } from '@app/contracts';
import { TIME_BUFFER_HOURS, type BindingUpdate, type TemplatePreviewRequest } from '@app/contracts';

export class AttributeMappingDto {
  @IsOptional() @IsString() @MaxLength(255) severity?: string;
  @IsOptional() @IsString() @MaxLength(255) affected_service?: string;
  @IsOptional() @IsString() @MaxLength(255) analysis_url?: string;
  @IsOptional() @IsString() @MaxLength(255) confidence?: string;
  @IsOptional() @IsString() @MaxLength(255) summary?: string;
}

export class TrackerTicketsDto {
  @IsBoolean() enabled: boolean;
  @IsOptional() @IsString() @MaxLength(64) ticketTypeId?: string | null;
}

export class UpdateBindingDto implements BindingUpdate {
  @IsOptional() @IsIn(['internal', 'public', 'both']) postingMode?: 'internal' | 'public' | 'both';
  @IsOptional() @IsIn(AUTO_ANALYZE_THRESHOLDS as unknown as string[]) autoAnalyzeThreshold?: (typeof AUTO_ANALYZE_THRESHOLDS)[number];
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'timeBufferHours must be a whole number of hours' })
  @Min(TIME_BUFFER_HOURS.min)
  @Max(TIME_BUFFER_HOURS.max)
  timeBufferHours?: number;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => AttributeMappingDto) attributeMapping?: AttributeMappingDto;
  @IsOptional() @IsString() @MaxLength(5000) publicReplyTemplate?: string | null;
  @IsOptional() @IsString() @MaxLength(5000) incidentUpdateTemplate?: string | null;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TrackerTicketsDto) trackerTickets?: TrackerTicketsDto;
  @IsOptional() @IsString() @MaxLength(64) replyAsAdminId?: string;
}

export class TemplatePreviewDto implements TemplatePreviewRequest {
  @IsOptional() @IsString() @MaxLength(5000) template?: string;
  /** Which template: the public reply (default) or the incident update. */
  @IsOptional() @IsIn(['public_reply', 'incident_update']) kind?: 'public_reply' | 'incident_update';
}
