import type { TriageResult } from '@app/contracts';
import { agentLabels, keepAgentLabels } from './keep-correction';

const result = (severity: TriageResult['severity'], affectedService: string | null): TriageResult => ({
  severity,
  affectedService,
  window: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T02:00:00.000Z' },
  summary: 's',
  keywords: [],
  confidence: 0.7,
  language: 'en',
  model: 'heuristic',
  evidence: [],
});

describe('agentLabels', () => {
  it('takes the newest set value per field and ignores unset ones', () => {
    const l = agentLabels([
      { severity: null, serviceSet: true, affectedService: 'search', authorName: 'Ana' },
      { severity: 'low', serviceSet: true, affectedService: 'auth', authorName: 'Bo' },
    ]);
    expect(l).toEqual({ severity: 'low', affectedService: 'search', by: 'Bo' });
  });
  it('is null when nothing was set', () => {
    expect(agentLabels([])).toBeNull();
  });
  it('keeps an explicit "no service"', () => {
    expect(agentLabels([{ severity: null, serviceSet: true, affectedService: null, authorName: null }])).toEqual({ affectedService: null, by: 'an agent' });
  });
});

describe('keepAgentLabels', () => {
  it('keeps the agent severity and service when the new text is not more severe', () => {
    const r = keepAgentLabels(result('high', 'checkout'), { severity: 'low', affectedService: 'search', by: 'Ana' }, 'low');
    expect(r).toMatchObject({ severity: 'low', affectedService: 'search' });
    expect(r.evidence.map((e) => e.signal)).toEqual(['correction.kept', 'correction.kept']);
  });
  it('lets the new text raise severity above the agent level, keeping the service', () => {
    const r = keepAgentLabels(result('medium', 'checkout'), { severity: 'low', affectedService: 'search', by: 'Ana' }, 'critical');
    expect(r).toMatchObject({ severity: 'critical', affectedService: 'search' });
    expect(r.evidence[0]).toMatchObject({ kind: 'correction', signal: 'correction.raised' });
  });
  it('leaves fields the agent did not set to triage', () => {
    const r = keepAgentLabels(result('medium', 'checkout'), { affectedService: null, by: 'Ana' }, null);
    expect(r).toMatchObject({ severity: 'medium', affectedService: null });
  });
  it('changes nothing without agent labels', () => {
    const base = result('medium', 'checkout');
    expect(keepAgentLabels(base, null, 'critical')).toBe(base);
  });
});
