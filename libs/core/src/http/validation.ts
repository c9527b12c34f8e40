import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from '../errors/error-codes';

function flatten(errors: ValidationError[], prefix = ''): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, message: Object.values(e.constraints)[0] });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** class-validator with field-level details (contract §4: VALIDATION_ERROR has details.fields). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new AppError('VALIDATION_ERROR', fields.map((f) => `${f.field}: ${f.message}`).join('; ') || 'Request validation failed', { fields });
    },
  });
}
