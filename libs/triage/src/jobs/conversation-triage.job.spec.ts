/*
 * Unit: the conversation-triage job with its collaborators replaced by in-memory fakes (no database, no platform).
 * Real: the job, its plan, the triage engine (TriageService), the triage note and the ConversationTriagedPort.
 */
import { Logger } from '@nestjs/common';
import type { AppConfig } from '@app/core';
import type { AnalysesService } from '@app/analysis';
import type { AttributesService, BindingEntity, ConversationEventsService, PostService } from '@app/support-desk';
import { ConversationTriagedPort, type TriageDecision, type TriagedConversation } from '../conversation-triaged.port';
import type { TriageEntity } from '../triage.entity';
import type { NewTriage, TriageRecords } from '../triage-records.service';
import { TriageService } from '../triage.service';
import type { ProjectCorrections } from '../feedback/project-corrections';
import { ConversationAutoAnalysis } from './conversation-auto-analysis';
import { ConversationTriageJob } from './conversation-triage.job';

const binding = {
  id: 'b1',
  tenantId: 't1',
  projectId: 'p1',
  platform: 'desk',
  status: 'active',
  postingMode: 'internal',
  autoAnalyzeThreshold: 'low',
  timezone: 'UTC',
  timeBufferHours: 2,
  publicReplyTemplate: null,
} as unknown as BindingEntity;

function setup(opts: { decision?: TriageDecision | Error; failing?: Set<string> } = {}) {
  const calls: string[] = [];
  const notes: string[] = [];
  const seen: TriagedConversation[] = [];
  let stored: TriageEntity | null = null;
  const project = { id: 'p1', slug: 'default', name: 'Default', services: [{ name: 'checkout', critical: true }], llmContext: null };
  const events = {
    open: async (id: string) => {
      calls.push(`open:${id}`);
      if (opts.failing?.has(id)) throw new Error(`database lost while opening ${id}`);
      return { event: { id, action: 'triage', conversationId: 'c1', payload: {}, requestId: null, topic: 't' }, binding, project };
    },
    finish: async (_id: string, status: string) => void calls.push(`finish:${status}`),
    customerParts: () => [],
    conversation: async () => ({
      id: 'c1',
      subject: 'Checkout down',
      text: 'Checkout is down for all our customers, every payment fails with error 500 since 9am',
      createdAt: new Date('2026-03-10T10:30:00Z'),
      customerName: 'Joe',
      customerEmail: null,
      parts: [],
    }),
  };
  const records = {
    // The stored triage of the event is also the conversation's newest (as the table answers).
    forEvent: async () => ({ stored, latest: stored }),
    before: async () => null,
    store: async (t: NewTriage) => {
      calls.push('store');
      stored = { ...t, id: 'tr1', severity: t.result.severity, affectedService: t.result.affectedService, createdAt: new Date() } as TriageEntity;
      return stored;
    },
  };
  const posts = {
    post: async (_b: unknown, _c: string, purpose: string, _v: string, render: (ref: string) => { html: string }) => {
      calls.push(`post:${purpose}`);
      notes.push(render('SS-TEST0001').html);
      return 'posted';
    },
  };
  const attributes = { write: async (_b: unknown, _c: string, values: object) => void calls.push(`attributes:${Object.keys(values).join(',')}`) };
  const analyses = {
    createOncePerConversation: async () => (calls.push('analysis'), { id: 'a1' }),
    analysisUrl: () => 'https://ss.example/projects/default/analyses/a1',
  };
  const seam = new ConversationTriagedPort();
  if (opts.decision) {
    const d = opts.decision;
    seam.use({
      conversationTriaged: async (c) => {
        calls.push('seam');
        seen.push(c);
        if (d instanceof Error) throw d;
        return d;
      },
    });
  }
  const enqueued: Array<{ queue: string; data: unknown; opts: unknown }> = [];
  const queue = { enqueue: async (q: string, data: unknown, o: unknown) => (enqueued.push({ queue: q, data, opts: o }), 'job-2') };
  const job = new ConversationTriageJob(
    queue as never,
    events as unknown as ConversationEventsService,
    records as unknown as TriageRecords,
    new TriageService(),
    seam,
    posts as unknown as PostService,
    attributes as unknown as AttributesService,
    new ConversationAutoAnalysis(
      analyses as unknown as AnalysesService,
      attributes as unknown as AttributesService,
      {
        publicUrl: 'https://ss.example',
      } as AppConfig,
    ),
    { forProject: async () => null, standingFor: async () => [] } as unknown as ProjectCorrections,
    { publicUrl: 'https://ss.example' } as AppConfig,
  );
  return { job, calls, notes, seen, enqueued };
}

const attempt = { id: 'j1', retryCount: 0 };

describe('ConversationTriageJob and the incidents seam', () => {
  beforeAll(() => Logger.overrideLogger(false));
  it('without incidents: stores, posts the note, writes attributes and starts the conversation analysis', async () => {
    const { job, calls, notes } = setup();
    await job.handle({ eventId: 'e1' }, attempt);
    expect(calls).toEqual([
      'open:e1',
      'store',
      'post:triage:note',
      'attributes:severity,affected_service,confidence,summary',
      'analysis',
      'attributes:analysis_url',
      'finish:processed',
    ]);
    expect(notes[0]).toContain('SigSentry triage');
    expect(notes[0]).not.toContain('Incident:');
  });

  it('calls the seam after the triage is stored and before anything is posted, with the stored triage', async () => {
    const { job, calls, seen } = setup({ decision: { incident: null, autoAnalysis: 'per_conversation' } });
    await job.handle({ eventId: 'e1' }, attempt);
    expect(calls.slice(0, 4)).toEqual(['open:e1', 'store', 'seam', 'post:triage:note']);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ bindingId: 'b1', conversationId: 'c1', triageId: 'tr1', reason: 'created', isUpdate: false, customerName: 'Joe' });
    expect(seen[0].result.affectedService).toBe('checkout');
  });

  it('honours the answer: the note names the incident and no per-conversation analysis starts', async () => {
    const { job, calls, notes } = setup({
      decision: { incident: { id: 'inc-1', title: 'Checkout <outage>', url: 'https://ss.example/incidents/inc-1' }, autoAnalysis: 'per_incident' },
    });
    await job.handle({ eventId: 'e1' }, attempt);
    expect(calls).toEqual(['open:e1', 'store', 'seam', 'post:triage:note', 'attributes:severity,affected_service,confidence,summary', 'finish:processed']);
    expect(notes[0]).toContain('Incident: <a href="https://ss.example/incidents/inc-1">Checkout &lt;outage&gt;</a>');
  });

  it('posts nothing when the seam fails: the attempt fails and is retried with the triage kept', async () => {
    const { job, calls } = setup({ decision: new Error('incidents unavailable') });
    await expect(job.handle({ eventId: 'e1' }, attempt)).rejects.toThrow('incidents unavailable');
    expect(calls).toEqual(['open:e1', 'store', 'seam']);
  });
});

describe('ConversationTriageJob: a job that brings several events (one ingest group)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('handles every event of the job', async () => {
    const { job, calls, enqueued } = setup();
    await job.handle({ eventIds: ['e1', 'e2', 'e3'] }, attempt);
    expect(calls.filter((c) => c.startsWith('open:')).sort()).toEqual(['open:e1', 'open:e2', 'open:e3']);
    expect(calls.filter((c) => c === 'finish:processed')).toHaveLength(3);
    expect(enqueued).toEqual([]);
  });

  it('an event that fails goes on alone as a job of its own, carrying its attempt; the others are done and the job succeeds', async () => {
    const { job, calls, enqueued } = setup({ failing: new Set(['e2']) });
    await job.handle({ eventIds: ['e1', 'e2', 'e3'] }, attempt);
    expect(calls.filter((c) => c === 'finish:processed')).toHaveLength(2);
    expect(enqueued).toEqual([{ queue: 'support-desk.event', data: { eventIds: ['e2'], tried: 1 }, opts: { startAfterSeconds: 1 } }]);
  });

  it('a split event counts the attempts it had: with them it reaches its last attempt as a one-event job would', async () => {
    // retryLimit 6. Not the last attempt (tried 1 + retryCount 4): the failure is rethrown, the queue retries.
    const early = setup({ decision: new Error('incidents unavailable') });
    await expect(early.job.handle({ eventIds: ['e1'], tried: 1 }, { id: 'j2', retryCount: 4 })).rejects.toThrow('incidents unavailable');
    // The last one (tried 1 + retryCount 5): the event is marked failed instead, and the job ends.
    const last = setup({ decision: new Error('incidents unavailable') });
    await last.job.handle({ eventIds: ['e1'], tried: 1 }, { id: 'j2', retryCount: 5 });
    expect(last.calls).toContain('finish:failed');
  });

  it('on the last attempt of a group the job fails with the first failure (nothing is split)', async () => {
    const { job, calls, enqueued } = setup({ failing: new Set(['e1']) });
    await expect(job.handle({ eventIds: ['e1', 'e2'] }, { id: 'j1', retryCount: 6 })).rejects.toThrow('database lost while opening e1');
    expect(calls).toContain('finish:processed');
    expect(enqueued).toEqual([]);
  });

  it('a job without valid event ids is dropped, touching nothing', async () => {
    const { job, calls } = setup();
    for (const bad of [{}, { eventIds: [] }, { eventIds: ['e1', 7] }, { eventId: '' }, null] as never[]) await job.handle(bad, attempt);
    expect(calls).toEqual([]);
  });
});
