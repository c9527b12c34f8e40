/*
 * Unit: support-desk's listener for finished analyses, with the queue replaced by an in-memory recorder (the job
 * side runs for real in test/support-desk-analysis.e2e-spec.ts).
 */
import type { EntityManager } from 'typeorm';
import type { AnalysisResult } from '@app/contracts';
import type { JobQueue } from '@app/core';
import { AnalysisPostsService, type ConversationAnalysisOutcome } from './analysis-posts.service';
import { ANALYSIS_POST_QUEUE } from './support-desk.queues';

const result = {
  summary: 'Payments failing',
  severity: 'high',
  confidence: 0.8,
  rootCause: { description: 'DB pool exhausted', service: 'payments', errorType: 'Timeout', category: 'database' },
  affectedServices: Array.from({ length: 8 }, (_, i) => ({ serviceName: `s${i}`, role: 'affected', errorCount: i, firstSeen: '', lastSeen: '' })),
  timeline: [{ timestamp: '2026-01-01T00:00:00Z', service: 'payments', level: 'error', message: 'card 4111 1111 1111 1111', isRootCause: true }],
  suggestedActions: Array.from({ length: 6 }, (_, i) => ({ priority: i, action: `a${i}`, rationale: '', type: 'investigate' })),
  logsScanned: 1200,
  timeWindow: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' },
  signatures: [{ template: 'x', service: 'payments', count: 3, baselineCount: 0, isNew: true, score: 1 }],
} as unknown as AnalysisResult;

function setup() {
  const sent: Array<{ queue: string; data: unknown; manager: unknown }> = [];
  const queue = { enqueue: async (q: string, data: unknown, o: { manager?: unknown }) => (sent.push({ queue: q, data, manager: o.manager }), 'job-1') };
  const svc = new AnalysisPostsService({} as never, queue as unknown as JobQueue, {} as never, {} as never, {} as never, {} as never);
  return { svc, sent };
}

const base: ConversationAnalysisOutcome = {
  id: 'a1',
  status: 'complete',
  bindingId: 'b1',
  conversationId: 'c1',
  result,
  errorMessage: null,
  partialReasons: [],
  url: 'https://ss.example/projects/default/analyses/a1',
};

describe('AnalysisPostsService.analysisFinished (support-desk side of the AnalysisFinishedPort)', () => {
  it("enqueues one posting job in the caller's transaction, carrying only what the note shows", async () => {
    const { svc, sent } = setup();
    const tx = { name: 'tx' } as unknown as EntityManager;
    await svc.analysisFinished(base, tx);
    expect(sent).toHaveLength(1);
    expect(sent[0].queue).toBe(ANALYSIS_POST_QUEUE.name);
    expect(sent[0].manager).toBe(tx);
    const job = sent[0].data as { note: Record<string, any> };
    expect(job).toMatchObject({ analysisId: 'a1', bindingId: 'b1', conversationId: 'c1', url: base.url, note: { status: 'complete' } });
    expect(job.note.result.affectedServices).toHaveLength(5);
    expect(job.note.result.suggestedActions).toHaveLength(3);
    // No log lines travel through the queue.
    expect(JSON.stringify(job)).not.toContain('4111');
    expect(job.note.result.timeline).toBeUndefined();
    expect(job.note.result.signatures).toBeUndefined();
  });

  it('leaves analyses of no conversation alone (dashboard, API, incidents)', async () => {
    const { svc, sent } = setup();
    await svc.analysisFinished({ ...base, bindingId: null, conversationId: null }, {} as EntityManager);
    await svc.analysisFinished({ ...base, conversationId: null }, {} as EntityManager);
    expect(sent).toHaveLength(0);
  });
});
