/**
 * Heuristic triage engine (contract §8): severity, affected service, time window, summary,
 * keywords, confidence and evidence from a conversation's text. Pure and deterministic.
 */
import type { TriageEvidence, TriageInput, TriageResult } from '@app/contracts';
import { cleanText, sentences as splitSentences } from './text';
import { isValidTimeZone } from './time-zone';
import { computeWindow } from './window';
import { decideService, findServiceMentions, serviceIndexFor } from './service';
import { decideSeverity, extractSignals } from './severity';
import { keywords as pickKeywords, summarize } from './summary';

export { computeWindow } from './window';
export { evaluate } from './evaluate';
export type { EvaluationCase, EvaluationReport } from './evaluate';

const DEFAULT_BUFFER_HOURS = 2;

function bufferHours(v: number | undefined): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return DEFAULT_BUFFER_HOURS;
  return Math.min(24, Math.max(1, v));
}

export function triage(input: TriageInput): TriageResult {
  const subject = input.subject ? cleanText(input.subject) : '';
  const body = cleanText(input.text ?? '');
  // The subject is read as the first sentence ("Checkout down for all customers - 500 errors").
  const full = subject ? `${subject.replace(/[.!?\s]+$/, '')}. ${body}` : body;
  const lower = full.toLowerCase();
  const sents = splitSentences(full);

  const parsed = Date.parse(input.createdAt);
  const createdMs = Number.isFinite(parsed) ? parsed : 0;
  const tz = isValidTimeZone(input.timezone) ? input.timezone : 'UTC';
  const buffer = bufferHours(input.timeBufferHours);

  const signals = extractSignals(lower, sents);
  const idx = serviceIndexFor(input.context?.services, input.context?.servicesSeenInLogs, input.context?.llmContext);
  const mentions = findServiceMentions(full, idx);
  const problemSentenceStarts = new Set<number>();
  for (const p of signals.problem) {
    const s = sents.filter((x) => x.start <= p.offset).pop();
    if (s) problemSentenceStarts.add(s.start);
  }
  const svc = decideService(mentions, idx, (offset) => {
    const s = sents.filter((x) => x.start <= offset).pop();
    if (!s) return 0;
    return problemSentenceStarts.has(s.start) ? (s.question ? 0.5 : 1) : 0;
  });

  const sev = decideSeverity(signals, { name: svc.service, critical: svc.critical });
  // Nothing is broken → nothing is affected: no service is named as a fact.
  const affectedService = sev.noIncident ? null : svc.service;

  const win = computeWindow(full, createdMs, tz, buffer);

  const evidence: TriageEvidence[] = [...sev.evidence];
  if (affectedService) evidence.push(...svc.evidence);
  evidence.push(...win.evidence);

  const fixed: string[] = [];
  if (affectedService) fixed.push(affectedService);
  for (const e of signals.errorCodes) fixed.push(e.match.replace(/s$/, ''));
  for (const o of signals.outage.slice(0, 1)) fixed.push(o.match);
  const kw = pickKeywords(lower, fixed);

  let confidence = sev.confidence;
  if (affectedService) confidence = confidence * 0.85 + svc.strength * 0.15;
  confidence = Math.round(Math.max(0.05, Math.min(0.99, confidence)) * 100) / 100;

  return {
    severity: sev.severity,
    affectedService,
    window: { start: new Date(win.start).toISOString(), end: new Date(win.end).toISOString() },
    summary: summarize(
      subject || undefined,
      splitSentences(body),
      signals.problem.map((p) => p.offset - (subject ? subject.replace(/[.!?\s]+$/, '').length + 2 : 0)),
    ),
    keywords: kw,
    confidence,
    model: 'heuristic',
    evidence,
  };
}
