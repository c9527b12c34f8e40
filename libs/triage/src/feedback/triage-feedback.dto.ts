import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SEVERITIES, type Severity, type TriageFeedbackRequest } from '@app/contracts';

/** An omitted field is unchanged; `affectedService: null` means no service (kept as null by the validation pipe). */
export class TriageFeedbackDto implements TriageFeedbackRequest {
  @IsOptional() @IsIn(SEVERITIES, { message: `severity must be one of ${SEVERITIES.join(', ')}` }) severity?: Severity;
  @IsOptional() @IsString({ message: 'affectedService must be a service name or null' }) @MaxLength(100) affectedService?: string | null;
}
