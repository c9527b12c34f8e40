/** The dashboard's wording for what the SDK routes add to an analysis: screenshots, feedback. Pure: unit-tested. */
import { FEEDBACK_ACCURACIES, FEEDBACK_COMMENT_MAX, SCREENSHOT_MAX_BYTES, SCREENSHOT_TYPES, type FeedbackAccuracy } from '@app/contracts';

export { FEEDBACK_ACCURACIES, FEEDBACK_COMMENT_MAX, SCREENSHOT_MAX_BYTES };

export const ACCURACY_LABEL: Record<FeedbackAccuracy, string> = {
  correct: 'Correct',
  partially_correct: 'Partly correct',
  incorrect: 'Incorrect',
};

export const ACCURACY_TONE: Record<FeedbackAccuracy, string> = { correct: 'success', partially_correct: 'caution', incorrect: 'danger' };

/**
 * A first look at a chosen screenshot file, before it is read: its size and declared type. The server decides by the
 * image's bytes (a renamed PDF is refused there), this only spares uploading what cannot pass.
 */
export function checkScreenshotFile(file: { size: number; type: string }): string | undefined {
  if (file.size === 0) return 'The file is empty';
  if (file.size > SCREENSHOT_MAX_BYTES) return `The screenshot is ${formatBytes(file.size)}: at most 10 MB`;
  if (file.type && !(SCREENSHOT_TYPES as readonly string[]).includes(file.type)) return 'Choose a PNG, JPEG or WebP image';
  return undefined;
}

export function checkFeedbackComment(comment: string): string | undefined {
  return comment.length > FEEDBACK_COMMENT_MAX
    ? `At most ${FEEDBACK_COMMENT_MAX.toLocaleString('en')} characters (${comment.length.toLocaleString('en')} now)`
    : undefined;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** 0–1 relevance as a whole percentage. */
export const relevancePercent = (score: number): string => `${Math.round(Math.max(0, Math.min(1, score)) * 100)} %`;
