import { describe, expect, it } from 'vitest';
import { INCIDENT_EVENT_KINDS } from '@app/contracts';
import { eventLabel, inAppPath, messageError, safeExternalUrl, titleError, updateDone, updateProgressText } from './incident-view';

describe('incident pages: pure helpers', () => {
  it('checks the update message as the server does (1–2,000 characters after trimming, a string)', () => {
    expect(messageError('')).toMatch(/empty/);
    expect(messageError('   \n ')).toMatch(/empty/);
    expect(messageError('x'.repeat(2001))).toMatch(/2000/);
    expect(messageError(`  ${'x'.repeat(2000)}  `)).toBeUndefined();
    expect(messageError('Fixed.')).toBeUndefined();
    expect(messageError('a\u0000b')).toMatch(/control characters/);
    expect(messageError('line one\nline two\ttabbed')).toBeUndefined();
  });

  it('checks a title: 1–200 characters after trimming', () => {
    expect(titleError('  ')).toMatch(/empty/);
    expect(titleError('x'.repeat(201))).toMatch(/200/);
    expect(titleError(' Checkout errors ')).toBeUndefined();
    expect(titleError('bad\u0007bell')).toMatch(/control characters/);
  });

  it('says how far an update got, and when it is done', () => {
    const u = { conversations: 40, posted: 12, failed: 1, pending: 24, skipped: 3 };
    expect(updateProgressText(u)).toBe('12 of 40 posted · 24 pending · 1 failed · 3 skipped (closed)');
    expect(updateDone(u)).toBe(false);
    expect(updateProgressText({ conversations: 2, posted: 2, failed: 0, pending: 0, skipped: 0 })).toBe('2 of 2 posted');
    expect(updateDone({ pending: 0 })).toBe(true);
  });

  it('labels every timeline event kind of the contract', () => {
    for (const k of INCIDENT_EVENT_KINDS) expect(eventLabel(k)).not.toBe(k);
  });

  it('turns our own absolute links into SPA paths and keeps the fallback for others', () => {
    expect(inAppPath('https://app.example.com/projects/p/analyses/1', 'https://app.example.com', '/x')).toBe('/projects/p/analyses/1');
    expect(inAppPath('https://elsewhere.example.com/projects/p/analyses/1', 'https://app.example.com', '/x')).toBe('/x');
  });

  it('renders only http(s) platform links', () => {
    expect(safeExternalUrl('https://app.intercom.com/a/inbox/abc/conversation/1')).toBe('https://app.intercom.com/a/inbox/abc/conversation/1');
    expect(safeExternalUrl('javascript:alert(1)')).toBeNull();
    expect(safeExternalUrl('not a url')).toBeNull();
    expect(safeExternalUrl(null)).toBeNull();
  });
});
