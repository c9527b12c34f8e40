import { CanActivate, createParamDecorator, ExecutionContext, mixin, Type } from '@nestjs/common';
import { createHash } from 'node:crypto';
import multer, { MulterError } from 'multer';
import { AppError } from '../errors/error-codes';

/** A file received in a multipart/form-data body (in memory; bounded by `maxFileBytes`). */
export interface UploadedFileData {
  field: string;
  /** Client-supplied name and type: untrusted, never used to decide anything. */
  originalName: string;
  declaredType: string;
  size: number;
  buffer: Buffer;
}

export interface MultipartOptions {
  /** The one field that may carry a file. */
  fileField: string;
  maxFileBytes: number;
  /** Text fields holding JSON (e.g. `metadata`): parsed, so the body validates exactly like a JSON body. */
  jsonFields?: string[];
  /** Bytes per text field (default 256 KiB). */
  maxFieldBytes?: number;
  /** Text fields per request (default 20). */
  maxFields?: number;
}

const MiB = 1024 * 1024;
const sizeText = (bytes: number) => (bytes % MiB === 0 ? `${bytes / MiB} MB` : `${bytes} bytes`);

/** Maps the parser's failures to our coded errors: too big → 413 FILE_TOO_LARGE, anything else → 400 with the field. */
function toAppError(err: unknown, o: Required<Pick<MultipartOptions, 'fileField' | 'maxFileBytes' | 'maxFieldBytes' | 'maxFields'>>): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof MulterError) {
    const field = err.field ?? 'body';
    switch (err.code) {
      case 'LIMIT_FILE_SIZE':
        return new AppError('FILE_TOO_LARGE', `${o.fileField} is larger than the ${sizeText(o.maxFileBytes)} limit`, {
          fields: [{ field: o.fileField, message: `must be at most ${sizeText(o.maxFileBytes)}` }],
          limitBytes: o.maxFileBytes,
        });
      case 'LIMIT_UNEXPECTED_FILE':
        return fieldError(field, `only one file is accepted, in the "${o.fileField}" field`);
      case 'LIMIT_FILE_COUNT':
        return fieldError(o.fileField, `only one file is accepted, in the "${o.fileField}" field`);
      case 'LIMIT_FIELD_VALUE':
        return fieldError(field, `must be at most ${o.maxFieldBytes} bytes`);
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_PART_COUNT':
        return fieldError('body', `at most ${o.maxFields} fields and one file`);
      default:
        return fieldError(field, `invalid multipart field (${err.code})`);
    }
  }
  return fieldError('body', 'must be a well-formed multipart/form-data body');
}

function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_ERROR', `${field}: ${message}`, { fields: [{ field, message }] });
}

/**
 * A route guard that parses a multipart/form-data body with multer (busboy), after authentication and rate limiting
 * (global guards run first) and before interceptors and pipes, so the fields go through the same DTO validation as a
 * JSON body and the Idempotency-Key hash covers them (plus the file's digest). Other content types pass untouched.
 */
export function MultipartBody(options: MultipartOptions): Type<CanActivate> {
  const o = { maxFieldBytes: 256 * 1024, maxFields: 20, jsonFields: [] as string[], ...options };
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: o.maxFileBytes, files: 1, fields: o.maxFields, parts: o.maxFields + 1, fieldSize: o.maxFieldBytes, fieldNameSize: 100 },
    defParamCharset: 'utf8',
  }).single(o.fileField);

  class MultipartBodyGuard implements CanActivate {
    async canActivate(ctx: ExecutionContext): Promise<boolean> {
      const req = ctx.switchToHttp().getRequest();
      const res = ctx.switchToHttp().getResponse();
      if (!/^multipart\/form-data\b/i.test(String(req.headers['content-type'] ?? ''))) return true;
      try {
        await new Promise<void>((resolve, reject) => upload(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
      } catch (err) {
        throw toAppError(err, o);
      }
      const body: Record<string, unknown> = { ...(req.body ?? {}) };
      if (body[o.fileField] !== undefined) throw fieldError(o.fileField, 'must be sent as a file part, not a text field');
      for (const name of o.jsonFields) {
        if (typeof body[name] !== 'string') continue;
        try {
          body[name] = JSON.parse(body[name] as string);
        } catch {
          throw fieldError(name, `must be a JSON object sent as a string field`);
        }
      }
      req.body = body;
      const f = req.file as Express.Multer.File | undefined;
      if (f) {
        const file: UploadedFileData = { field: f.fieldname, originalName: f.originalname, declaredType: f.mimetype, size: f.size, buffer: f.buffer };
        req.uploadedFile = file;
        req.idempotencyFingerprint = createHash('sha256').update(f.buffer).digest('hex');
        delete req.file;
      }
      return true;
    }
  }
  return mixin(MultipartBodyGuard);
}

/** The file a MultipartBody guard received, or undefined. */
export const UploadedFile = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): UploadedFileData | undefined => ctx.switchToHttp().getRequest().uploadedFile,
);
