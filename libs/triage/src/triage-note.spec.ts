import type { TriageResult } from '@app/contracts';
import { triageNote } from './triage-note';

const base: TriageResult = {
  severity: 'low',
  affectedService: null,
  window: { start: '2026-03-10T07:30:00.000Z', end: '2026-03-10T09:30:00.000Z' },
  summary: 'Der Warenkorb',
  keywords: [],
  confidence: 0.45,
  language: 'de',
  model: 'heuristic',
  evidence: [
    { kind: 'severity', signal: 'model.prior', match: '', detail: 'no decisive cue; low is the most likely level' },
    { kind: 'confidence', signal: 'confidence.low', match: '', detail: 'low confidence: no problem words and no question or request words were recognised' },
  ],
};

describe('triage note', () => {
  it('says "low confidence" below the threshold and shows why', () => {
    const html = triageNote(base, { timezone: 'UTC', link: 'https://example.test/c/1', ref: 'r1' });
    expect(html).toContain('(<b>low confidence</b>)');
    expect(html).toContain('no problem words and no question or request words were recognised');
  });

  it('says nothing about confidence at or above the threshold', () => {
    const html = triageNote(
      { ...base, confidence: 0.5, evidence: base.evidence.slice(0, 1) },
      { timezone: 'UTC', link: 'https://example.test/c/1', ref: 'r1' },
    );
    expect(html).not.toContain('low confidence');
  });
});
