import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, Max, MaxLength, Min, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import type { TriageRequest } from '@app/contracts';

@ValidatorConstraint({ name: 'ianaTimeZone' })
export class IanaTimeZone implements ValidatorConstraintInterface {
  validate(v: unknown) {
    if (typeof v !== 'string' || !v) return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: v });
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage() {
    return 'timezone must be an IANA time zone name, e.g. "Europe/Paris"';
  }
}

export class TriageRequestDto implements TriageRequest {
  @IsString() @MaxLength(100_000) text: string;
  @IsOptional() @IsString() @MaxLength(1000) subject?: string;
  @IsOptional() @IsDateString({}, { message: 'createdAt must be an ISO-8601 date-time' }) createdAt?: string;
  @IsOptional() @Validate(IanaTimeZone) timezone?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(24) timeBufferHours?: number;
}
