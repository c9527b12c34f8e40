/* Pure: follow-up answers from an engine result of a generated incident. Every fact in an answer must be in the result. */
import type { AnalysisResult, LogEvidence } from '@app/contracts';
import { analyze } from '../engine/analyze';
import { generateScenario } from '../engine/scenarios/incident-generator';
import { answerFollowUp, stem } from './answer';

describe('answerFollowUp', () => {
  const s = generateScenario('db_pool_exhaustion', 31, { backgroundLines: 800 });
  const result = analyze({ entries: s.entries, baseline: s.baseline, window: s.window, services: s.services }) as AnalysisResult;
  const top = result.signatures![0];
  const evidence: LogEvidence[] = [0, 1, 2].map((i) => ({
    timestamp: s.window.start,
    service: top.service,
    level: 'error',
    message: top.template.replace(/<\*>/g, String(500 + i)),
    raw: top.template.replace(/<\*>/g, String(500 + i)),
    relevanceScore: 1 - i / 10,
  }));
  const subject = { status: 'complete', result: { ...result, logEvidence: evidence } };
  const distinctive = top.template
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length >= 6)
    .sort((a, b) => b.length - a.length)[0];

  it('quotes the matching signature, lines and timeline for a question naming the service and a word of the signature', () => {
    const a = answerFollowUp(`Tell me about the ${distinctive} problems in ${top.service}`, subject);
    expect(a.found).toBe(true);
    expect(a.answer).toContain(top.template.slice(0, 40));
    expect(a.answer).toContain(`${top.count}×`);
    expect(a.evidence.length).toBeGreaterThan(0);
    expect(a.evidence.every((e) => evidence.includes(e))).toBe(true);
  });

  it('answers "why", "when", "how to fix" and "what is affected" from the root cause, times, actions and services', () => {
    expect(answerFollowUp('Why did this happen?', subject).answer).toContain(result.rootCause.description);
    const when = answerFollowUp('When did it start?', subject).answer;
    expect(when).toContain(result.affectedServices[0].firstSeen);
    const fix = answerFollowUp('What should we do to fix it?', subject).answer;
    for (const act of result.suggestedActions) expect(fix).toContain(act.action);
    const impact = answerFollowUp('Which services are affected?', subject).answer;
    for (const svc of result.affectedServices.slice(0, 5)) expect(impact).toContain(svc.serviceName);
  });

  it('says plainly it found nothing when the question names nothing in the evidence', () => {
    for (const q of ['Did the kafka consumer fall behind?', 'Is the mainframe batch scheduler healthy?', 'xyzzy']) {
      const a = answerFollowUp(q, subject);
      expect(a.found).toBe(false);
      expect(a.answer).toMatch(/^I found nothing in this analysis's evidence about/);
      expect(a.evidence).toEqual([]);
    }
  });

  it('names the words it could not find when only part of the question matches', () => {
    const a = answerFollowUp(`Is the ${distinctive} related to the kafka outage?`, subject);
    expect(a.found).toBe(true);
    expect(a.answer).toMatch(/Nothing in the evidence mentions: .*"kafka"/);
  });

  it('has no evidence to give for unfinished or failed analyses', () => {
    expect(answerFollowUp('why?', { status: 'processing', result: null })).toEqual({
      answer: 'This analysis is still processing: it has no evidence yet. Ask again once it has finished.',
      found: false,
      evidence: [],
    });
    expect(
      answerFollowUp('why?', { status: 'failed', result: null, errorCode: 'LOG_SOURCE_QUERY_FAILED', errorMessage: 'Every log source failed' }).answer,
    ).toBe('This analysis failed (LOG_SOURCE_QUERY_FAILED: Every log source failed), so it has no evidence to answer from.');
  });

  it('stems plurals and verb forms together', () => {
    expect(stem('timeouts')).toBe(stem('timeout'));
    expect(stem('refused')).toBe(stem('refuse'));
    expect(stem('connections')).toBe(stem('connection'));
  });
});
