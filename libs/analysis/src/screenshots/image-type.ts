import { fileTypeFromBuffer } from 'file-type';
import { SCREENSHOT_TYPES } from '@app/contracts';

export type ScreenshotType = (typeof SCREENSHOT_TYPES)[number];

/**
 * What the bytes are (file-type reads the magic numbers), never what the client declared. An animated PNG is a PNG.
 * Returns the accepted type, or `{accepted: null, detected}` with what was found instead ('unknown' when nothing).
 */
export async function detectScreenshotType(bytes: Buffer): Promise<{ accepted: ScreenshotType | null; detected: string }> {
  const t = await fileTypeFromBuffer(bytes);
  const mime = t?.mime === 'image/apng' ? 'image/png' : (t?.mime ?? 'unknown');
  return { accepted: (SCREENSHOT_TYPES as readonly string[]).includes(mime) ? (mime as ScreenshotType) : null, detected: t?.mime ?? 'unknown' };
}
