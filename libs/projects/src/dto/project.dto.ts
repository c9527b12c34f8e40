import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';

export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class ServiceDto {
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true }) aliases?: string[];
  @IsOptional() @IsBoolean() critical?: boolean;
}

export class CreateProjectDto {
  @IsString() @MinLength(1) @MaxLength(255) name: string;
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(SLUG_RE, { message: 'slug must be lowercase letters, digits and single hyphens (e.g. "checkout-prod")' })
  slug: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsOptional() @IsString() @MaxLength(2000, { message: 'llmContext must be at most 2000 characters' }) llmContext?: string | null;
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => ServiceDto) services?: ServiceDto[];
}

export class UpdateProjectDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(255) name?: string;
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(SLUG_RE, { message: 'slug must be lowercase letters, digits and single hyphens (e.g. "checkout-prod")' })
  slug?: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string | null;
  @IsOptional() @IsString() @MaxLength(2000, { message: 'llmContext must be at most 2000 characters' }) llmContext?: string | null;
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => ServiceDto) services?: ServiceDto[];
}

export class DeleteProjectDto {
  @IsString() confirm: string;
}
