import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { LogSourceInput } from '@app/contracts';

const NOT_BLANK = /\S/;

export class CreateLogSourceDto implements LogSourceInput {
  @IsString() @MinLength(1) @MaxLength(32) type: string;
  @IsString() @MinLength(1) @MaxLength(255) @Matches(NOT_BLANK, { message: 'name must not be blank' }) name: string;
  /** Per-type credential map (see GET /v1/config/log-source-types); encrypted at rest, never returned. */
  @IsOptional() @IsObject() credentials?: Record<string, string>;
  @IsArray()
  @ArrayMinSize(1, { message: 'sources must have at least one entry' })
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(2000, { each: true })
  sources: string[];
  @IsOptional() @IsString() @MaxLength(64) region?: string | null;
  @IsOptional() @IsObject() settings?: Record<string, unknown>;
  @IsOptional() @IsBoolean() isActive?: boolean;
}

/** Partial update: credentials and sources are full replacements when present; type is immutable. */
export class UpdateLogSourceDto implements LogSourceInput {
  @IsOptional() @IsString() @MaxLength(32) type?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(255) @Matches(NOT_BLANK, { message: 'name must not be blank' }) name?: string;
  @IsOptional() @IsObject() credentials?: Record<string, string>;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'sources must have at least one entry' })
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(2000, { each: true })
  sources?: string[];
  @IsOptional() @IsString() @MaxLength(64) region?: string | null;
  @IsOptional() @IsObject() settings?: Record<string, unknown>;
  @IsOptional() @IsBoolean() isActive?: boolean;
}
