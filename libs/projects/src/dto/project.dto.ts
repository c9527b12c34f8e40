import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';

import { LLM_CONTEXT_MAX, PROJECT_SLUG_RE as SLUG_RE } from '@app/contracts';
import type { DeleteProjectRequest, ProjectInput, ServiceDefinition } from '@app/contracts';

export { SLUG_RE };

export class ServiceDto implements ServiceDefinition {
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true }) aliases?: string[];
  @IsOptional() @IsBoolean() critical?: boolean;
}

export class CreateProjectDto implements ProjectInput {
  @IsString() @MinLength(1) @MaxLength(255) name: string;
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(SLUG_RE, { message: 'slug must be lowercase letters, digits and single hyphens (e.g. "checkout-prod")' })
  slug: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsOptional() @IsString() @MaxLength(LLM_CONTEXT_MAX, { message: `llmContext must be at most ${LLM_CONTEXT_MAX} characters` }) llmContext?: string | null;
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => ServiceDto) services?: ServiceDto[];
}

export class UpdateProjectDto implements ProjectInput {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(255) name?: string;
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(SLUG_RE, { message: 'slug must be lowercase letters, digits and single hyphens (e.g. "checkout-prod")' })
  slug?: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string | null;
  @IsOptional() @IsString() @MaxLength(LLM_CONTEXT_MAX, { message: `llmContext must be at most ${LLM_CONTEXT_MAX} characters` }) llmContext?: string | null;
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => ServiceDto) services?: ServiceDto[];
}

export class DeleteProjectDto implements DeleteProjectRequest {
  @IsString() confirm: string;
}
