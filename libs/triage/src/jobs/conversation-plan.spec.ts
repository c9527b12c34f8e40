import { ProviderError, RetryLater } from '@app/support-desk';
import type { TriageDecision } from '../conversation-triaged.port';
import { autoAnalysisWindow, bindingGate, followUp, onFailure, triageStep } from './conversation-plan';

const perConversation: TriageDecision = { incident: null, autoAnalysis: 'per_conversation' };
const perIncident: TriageDecision = { incident: { id: 'i1', title: 'Checkout down', url: null }, autoAnalysis: 'per_incident' };
const high = { severity: 'high' as const, affectedService: 'checkout' };

describe('conversation-triage plan (pure branching of the job)', () => {
  it('ignores events of inactive and token-rejected bindings, and of deleted ones', () => {
    expect(bindingGate({ status: 'active' })).toEqual({ go: true });
    expect(bindingGate({ status: 'inactive' })).toEqual({ go: false, note: 'binding inactive' });
    expect(bindingGate(null)).toEqual({ go: false, note: 'binding inactive' });
    expect(bindingGate({ status: 'needs_reinstall' })).toEqual({ go: false, note: 'binding needs reinstall (token rejected)' });
  });

  it('reuses a stored triage, re-triages customer replies, says nothing twice, else triages fresh', () => {
    expect(triageStep('triage', true, true)).toEqual({ kind: 'reuse' });
    expect(triageStep('retriage', true, false)).toEqual({ kind: 'reuse' });
    expect(triageStep('retriage', false, true)).toEqual({ kind: 'retriage' });
    expect(triageStep('triage', false, true)).toEqual({ kind: 'already_triaged' });
    expect(triageStep('triage', false, false)).toEqual({ kind: 'fresh', reason: 'created' });
    // A reply to a conversation we never saw: triage the whole conversation as it is now.
    expect(triageStep('retriage', false, false)).toEqual({ kind: 'fresh', reason: 'created' });
  });

  it('posts a first triage per posting mode, with attributes (contract §7)', () => {
    const first = (postingMode: 'internal' | 'public' | 'both') =>
      followUp({ postingMode, threshold: 'disabled', result: high, prior: null, decision: perConversation });
    expect(first('internal')).toEqual({ post: 'triage_note', writeAttributes: true, autoAnalysis: false });
    expect(first('both')).toEqual({ post: 'triage_note', writeAttributes: true, autoAnalysis: false });
    expect(first('public')).toEqual({ post: 'public_reply', writeAttributes: true, autoAnalysis: false });
  });

  it('posts an update only when the severity rose or the service changed, and never publicly', () => {
    const update = (prior: { severity: string; affectedService: string | null }, postingMode: 'internal' | 'public' = 'internal') =>
      followUp({ postingMode, threshold: 'disabled', result: high, prior, decision: perConversation });
    expect(update({ severity: 'medium', affectedService: 'checkout' })).toMatchObject({ post: 'update_note', writeAttributes: true });
    expect(update({ severity: 'high', affectedService: 'auth' })).toMatchObject({ post: 'update_note', writeAttributes: true });
    expect(update({ severity: 'critical', affectedService: 'checkout' })).toMatchObject({ post: null, writeAttributes: false });
    expect(update({ severity: 'high', affectedService: 'checkout' })).toMatchObject({ post: null, writeAttributes: false });
    expect(update({ severity: 'low', affectedService: 'checkout' }, 'public')).toMatchObject({ post: null, writeAttributes: true });
  });

  it('starts the auto-analysis at or above the threshold, and only per conversation', () => {
    const at = (threshold: 'high' | 'critical' | 'disabled', decision = perConversation) =>
      followUp({ postingMode: 'internal', threshold, result: high, prior: null, decision }).autoAnalysis;
    expect(at('high')).toBe(true);
    expect(at('critical')).toBe(false);
    expect(at('disabled')).toBe(false);
    expect(at('high', perIncident)).toBe(false);
  });

  it('maps a failed attempt to retry, dead-letter or rethrow', () => {
    const retryable = new ProviderError('server', 'the platform answered 500', true);
    const refused = new ProviderError('bad_request', 'refused', false);
    expect(onFailure(new RetryLater('later'), false)).toBe('rethrow');
    expect(onFailure(retryable, false)).toBe('retry_later');
    expect(onFailure(retryable, true)).toBe('mark_failed');
    expect(onFailure(refused, true)).toBe('mark_failed');
    expect(onFailure(refused, false)).toBe('rethrow');
    expect(onFailure(new Error('boom'), false)).toBe('log_and_rethrow');
    expect(onFailure(new Error('boom'), true)).toBe('mark_failed');
  });

  it('bounds the auto-analysis window: at most 24 h, never after now, the buffer when empty', () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    const w = (start: string, end: string) => {
      const r = autoAnalysisWindow({ start, end }, 2, now);
      return [r.start.toISOString(), r.end.toISOString()];
    };
    expect(w('2026-03-10T08:55:00Z', '2026-03-10T10:30:00Z')).toEqual(['2026-03-10T08:55:00.000Z', '2026-03-10T10:30:00.000Z']);
    expect(w('2026-03-08T00:00:00Z', '2026-03-10T10:00:00Z')).toEqual(['2026-03-09T10:00:00.000Z', '2026-03-10T10:00:00.000Z']);
    expect(w('2026-03-10T10:00:00Z', '2026-03-10T10:00:00Z')).toEqual(['2026-03-10T08:00:00.000Z', '2026-03-10T10:00:00.000Z']);
    expect(w('2026-03-10T11:00:00Z', '2026-03-10T13:00:00Z')).toEqual(['2026-03-10T11:00:00.000Z', '2026-03-10T12:00:00.000Z']);
    expect(w('2026-03-10T12:30:00Z', '2026-03-10T13:00:00Z')).toEqual(['2026-03-10T10:00:00.000Z', '2026-03-10T12:00:00.000Z']);
  });
});
