import { describe, expect, it } from 'vitest';
import { checkFeedbackComment, checkScreenshotFile, FEEDBACK_COMMENT_MAX, formatBytes, relevancePercent, SCREENSHOT_MAX_BYTES } from './evidence';

describe('screenshot file pre-check', () => {
  it('accepts PNG, JPEG and WebP up to 10 MB, and files the browser gives no type', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp', '']) expect(checkScreenshotFile({ size: 1000, type })).toBeUndefined();
    expect(checkScreenshotFile({ size: SCREENSHOT_MAX_BYTES, type: 'image/png' })).toBeUndefined();
  });

  it('refuses empty files, files over 10 MB and other types, saying which', () => {
    expect(checkScreenshotFile({ size: 0, type: 'image/png' })).toBe('The file is empty');
    expect(checkScreenshotFile({ size: SCREENSHOT_MAX_BYTES + 1, type: 'image/png' })).toBe('The screenshot is 10.0 MB: at most 10 MB');
    expect(checkScreenshotFile({ size: 20 * 1024 * 1024, type: 'image/png' })).toBe('The screenshot is 20.0 MB: at most 10 MB');
    expect(checkScreenshotFile({ size: 1000, type: 'application/pdf' })).toBe('Choose a PNG, JPEG or WebP image');
    expect(checkScreenshotFile({ size: 1000, type: 'image/svg+xml' })).toBe('Choose a PNG, JPEG or WebP image');
  });
});

describe('feedback comment', () => {
  it('allows up to the limit and names the length past it', () => {
    expect(checkFeedbackComment('')).toBeUndefined();
    expect(checkFeedbackComment('x'.repeat(FEEDBACK_COMMENT_MAX))).toBeUndefined();
    expect(checkFeedbackComment('x'.repeat(FEEDBACK_COMMENT_MAX + 1))).toBe('At most 5,000 characters (5,001 now)');
  });
});

describe('formatting', () => {
  it('sizes and relevance', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(relevancePercent(0.876)).toBe('88 %');
    expect(relevancePercent(1.2)).toBe('100 %');
  });
});
