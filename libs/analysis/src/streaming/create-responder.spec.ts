/* Pure: the stream's complete event stays within one TLS record, trimming the least relevant evidence first. */
import type { AnalysisRecord } from '@app/contracts';
import { formatEvent } from '@app/core';
import { logEvidenceOf, MAX_LOG_EVIDENCE } from '../log-evidence';
import { MAX_EVENT_BYTES, streamResult } from './create-responder';

function record(evidence: number, timeline: number, messageLength = 300): AnalysisRecord {
  const line = (i: number) => ({
    timestamp: '2026-01-01T10:00:00.000Z',
    service: 'payments-api',
    level: 'error' as const,
    message: `m${i} `.padEnd(messageLength, 'x'),
    raw: `r${i} `.padEnd(messageLength, 'y'),
    relevanceScore: 1 - i / 1000,
  });
  return {
    id: 'a',
    analysisId: 'a',
    projectId: 'p',
    status: 'complete',
    severity: 'high',
    description: 'd'.repeat(5000),
    timeStart: '',
    timeEnd: '',
    metadata: { k: 'v'.repeat(900) },
    trigger: 'api',
    createdAt: '',
    completedAt: '',
    processingTimeMs: 5,
    result: { summary: 'nested copy' } as never,
    partialReasons: [],
    url: 'u',
    summary: 's',
    timeline: Array.from({ length: timeline }, (_, i) => ({
      timestamp: '',
      service: 'x',
      level: 'error' as const,
      message: 't'.repeat(200),
      isRootCause: i === timeline - 1,
    })),
    logEvidence: Array.from({ length: evidence }, (_, i) => line(i)),
    relatedIncidents: [],
    screenshot: null,
    feedback: [],
    followUps: [],
  };
}

const size = (r: AnalysisRecord) => Buffer.byteLength(formatEvent('complete', { analysisId: r.id, result: streamResult(r) }));

describe('streamResult', () => {
  it('leaves out the nested result, the caller’s input and dashboard lists', () => {
    const out = streamResult(record(1, 1));
    for (const k of ['result', 'description', 'metadata', 'feedback', 'followUps', 'url']) expect(out).not.toHaveProperty(k);
    expect(out).toMatchObject({ id: 'a', status: 'complete', summary: 's' });
  });

  it('keeps a small result whole and trims a large one to fit one event, dropping the least relevant evidence first', () => {
    expect((streamResult(record(3, 3)).logEvidence as unknown[]).length).toBe(3);
    const big = record(50, 10);
    expect(size(big)).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    const kept = streamResult(big).logEvidence as Array<{ relevanceScore: number }>;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(50);
    expect(kept.map((e) => e.relevanceScore)).toEqual(big.logEvidence.slice(0, kept.length).map((e) => e.relevanceScore));
  });

  it('trims the timeline (keeping root-cause entries) when evidence alone is not enough', () => {
    const r = record(0, 200);
    expect(size(r)).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    const timeline = streamResult(r).timeline as Array<{ isRootCause: boolean }>;
    expect(timeline.length).toBeLessThan(200);
    expect(timeline.some((t) => t.isRootCause)).toBe(true);
  });
});

describe('logEvidenceOf', () => {
  it('reads the stored result defensively: none, malformed, over the cap', () => {
    expect(logEvidenceOf(null)).toEqual([]);
    expect(logEvidenceOf({ logEvidence: 'nope' })).toEqual([]);
    const out = logEvidenceOf({
      logEvidence: [
        null,
        5,
        { message: 'a', relevanceScore: 'high' },
        { raw: 'only raw', service: 's', relevanceScore: 0.9 },
        ...Array.from({ length: 60 }, () => ({ message: 'm', relevanceScore: 0.5 })),
      ],
    });
    expect(out).toHaveLength(MAX_LOG_EVIDENCE);
    expect(out[0]).toEqual({ timestamp: '', service: 's', level: 'info', message: '', raw: 'only raw', relevanceScore: 0.9 });
    expect(out.at(-1)!.relevanceScore).toBe(0.5);
  });
});
