import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SCREENSHOT_MAX_BYTES, type AnalysisScreenshotInfo } from '@app/contracts';
import { AppError, SecretBox } from '@app/core';
import type { UploadedFileData } from '@app/core';
import { AnalysisScreenshotEntity } from './screenshot.entity';
import { detectScreenshotType, type ScreenshotType } from './image-type';

export interface CheckedScreenshot {
  mimeType: ScreenshotType;
  bytes: Buffer;
}

const fieldError = (message: string) => new AppError('VALIDATION_ERROR', `screenshot: ${message}`, { fields: [{ field: 'screenshot', message }] });
const tooLarge = () =>
  new AppError('FILE_TOO_LARGE', 'screenshot is larger than the 10 MB limit', {
    fields: [{ field: 'screenshot', message: 'must be at most 10 MB' }],
    limitBytes: SCREENSHOT_MAX_BYTES,
  });

/** `data:image/…;base64,…` or bare base64 (the JSON form the dashboard uses: cookie writes must be JSON). */
const DATA_URL = /^data:([a-z0-9.+/-]*)(;[a-z0-9=.+-]+)*;base64,/i;

/**
 * Standard base64 (A–Z, a–z, 0–9, +, /, at most two trailing =, not a length of 4n+1), checked by one scan: a regular
 * expression over ~14 MB of text can exhaust V8's backtracking stack (RangeError) when the call stack is already deep.
 */
export function isBase64(text: string): boolean {
  const end = text.endsWith('==') ? text.length - 2 : text.endsWith('=') ? text.length - 1 : text.length;
  if (end === 0 || text.length % 4 === 1) return false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) return false;
  }
  return true;
}

/**
 * Screenshots of analyses: PNG, JPEG or WebP up to 10 MB, recognised by their bytes (never by name or declared type),
 * sealed with AES-256-GCM into PostgreSQL beside the analysis, removed with it (foreign key, ON DELETE CASCADE).
 */
@Injectable()
export class ScreenshotsService {
  constructor(
    private readonly ds: DataSource,
    private readonly box: SecretBox,
  ) {}

  /** Checks a multipart file or a JSON data URL; throws 413 FILE_TOO_LARGE or 400 with the field. */
  async check(input: { file?: UploadedFileData; dataUrl?: string }): Promise<CheckedScreenshot | null> {
    let bytes: Buffer;
    if (input.file) bytes = input.file.buffer;
    else if (typeof input.dataUrl === 'string') {
      const body = input.dataUrl.replace(DATA_URL, '').replace(/\s+/g, '');
      if (!body.length) throw fieldError('is empty');
      // Size from the text first: never decode (or scan) more than the limit allows.
      if (Math.floor((body.length * 3) / 4) - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0) > SCREENSHOT_MAX_BYTES) throw tooLarge();
      if (!isBase64(body)) throw fieldError('must be an image file (multipart/form-data) or a base64 data URL (JSON)');
      bytes = Buffer.from(body, 'base64');
    } else return null;
    if (bytes.length === 0) throw fieldError('is empty');
    if (bytes.length > SCREENSHOT_MAX_BYTES) throw tooLarge();
    const { accepted, detected } = await detectScreenshotType(bytes);
    if (!accepted) throw fieldError(`must be a PNG, JPEG or WebP image (its content is ${detected === 'unknown' ? 'not a recognised image' : detected})`);
    return { mimeType: accepted, bytes };
  }

  async store(m: EntityManager, analysisId: string, shot: CheckedScreenshot): Promise<void> {
    await m.getRepository(AnalysisScreenshotEntity).insert({
      analysisId,
      mimeType: shot.mimeType,
      sizeBytes: shot.bytes.length,
      imageSealed: this.box.sealBytes(shot.bytes),
    });
  }

  async info(analysisId: string): Promise<AnalysisScreenshotInfo | null> {
    const row = await this.ds
      .getRepository(AnalysisScreenshotEntity)
      .findOne({ where: { analysisId }, select: { analysisId: true, mimeType: true, sizeBytes: true } });
    return row ? { mimeType: row.mimeType as ScreenshotType, sizeBytes: row.sizeBytes, url: `/v1/analyses/${analysisId}/screenshot` } : null;
  }

  /** The image, opened; null when the analysis has none. */
  async read(analysisId: string): Promise<CheckedScreenshot | null> {
    const row = await this.ds.getRepository(AnalysisScreenshotEntity).findOne({ where: { analysisId } });
    if (!row) return null;
    return { mimeType: row.mimeType as ScreenshotType, bytes: this.box.openBytes(row.imageSealed) };
  }
}
