/**
 * Triage engine (contract §8): severity, affected service, time window, summary, keywords,
 * confidence, language and evidence from a conversation's text, in English, German, French,
 * Spanish, Portuguese, Dutch and Italian (one folder per language under `languages/`). A learned
 * model over the languages' cues and words proposes the severity, the rubric's rules dispose;
 * a project's corrections (prepared once per snapshot) adjust both. Pure and deterministic.
 */
import { SEVERITIES, type Severity, type TriageEvidence, type TriageInput, type TriageResult } from '@app/contracts';
import { nearestCorrections, type Neighbour, type PreparedCorrections } from './corrections';
import { extractFeatures } from './model/features';
import type { SeverityModel } from './model/model';
import { SEVERITY_MODEL } from './model/weights.generated';
import { readMessage } from './reading';
import { decideService, findServiceMentions, serviceIndexFor } from './service';
import { decideSeverity } from './severity';
import { keywords as pickKeywords, summarize } from './summary';
import { sentences as splitSentences } from './text';
import { isValidTimeZone } from './time-zone';
import { computeWindow } from './window';

export { computeWindow } from './window';
export { evaluate, wilson } from './evaluate';
export type { EvaluationCase, EvaluationReport } from './evaluate';
export { prepareCorrections, learnedWords, nearestCorrections, MAX_CORRECTIONS } from './corrections';
export type { PreparedCorrections, Neighbour } from './corrections';
export { LANGUAGE_PACKS } from './languages/registry';

export const TRIAGE_MODEL_NAME = SEVERITY_MODEL.name;

export interface TriageOptions {
  /** The project's corrections, prepared once per snapshot with `prepareCorrections`. */
  corrections?: PreparedCorrections | null;
  /** Another severity model (benchmarks, training); defaults to the shipped one. */
  model?: SeverityModel;
}

const DEFAULT_BUFFER_HOURS = 2;
/** Nearest-neighbour thresholds: a correction this close decides; closer than `VOTE` it votes. */
const DECIDE = 0.72;
const VOTE = 0.45;

function bufferHours(v: number | undefined): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return DEFAULT_BUFFER_HOURS;
  return Math.min(24, Math.max(1, v));
}

export function triage(input: TriageInput, options: TriageOptions = {}): TriageResult {
  const model = options.model ?? SEVERITY_MODEL;
  const corrections = options.corrections ?? null;
  const text = typeof input.text === 'string' ? input.text : '';
  const reading = readMessage(text, typeof input.subject === 'string' ? input.subject : undefined);

  const parsed = Date.parse(input.createdAt);
  const createdMs = Number.isFinite(parsed) ? parsed : 0;
  const tz = isValidTimeZone(input.timezone) ? input.timezone : 'UTC';
  const buffer = bufferHours(input.timeBufferHours);

  const idx = serviceIndexFor(
    input.context?.services,
    input.context?.servicesSeenInLogs,
    input.context?.llmContext,
    corrections?.learned ?? [],
    corrections?.fingerprint ?? '',
  );
  const svc = decideService(reading, findServiceMentions(reading, idx), idx);
  const features = extractFeatures(reading, { found: svc.service !== null, critical: svc.critical });
  const sev = decideSeverity(reading, features, model);

  let severity = sev.severity;
  let confidence = sev.confidence;
  let affectedService = svc.service;
  const evidence: TriageEvidence[] = [];
  if (corrections && corrections.examples.length > 0) {
    const applied = applyCorrections(nearestCorrections(corrections, `${input.subject ?? ''} ${text}`), sev.probs, severity, affectedService, idx.nameSet);
    severity = applied.severity;
    affectedService = applied.service;
    if (applied.confidence !== null) confidence = applied.confidence;
    evidence.push(...applied.evidence);
  }
  evidence.push(...sev.evidence.filter((e) => e.kind !== 'confidence' || confidence < 0.5));
  if (affectedService !== null && affectedService === svc.service) evidence.push(...svc.evidence);
  const win = computeWindow(reading.text, createdMs, tz, buffer, reading.packs, reading.folded);
  evidence.push(...win.evidence);
  evidence.push({
    kind: 'language',
    signal: reading.language.pack ? `language.${reading.language.code}` : 'language.unsupported',
    match: '',
    detail: reading.language.pack
      ? `read as ${reading.language.pack.name}${reading.packs.length > 1 ? ' (English phrases too)' : ''}`
      : `language ${reading.language.code}: not supported; only error codes, statuses, times and English phrases are read`,
  });

  const fixed: string[] = [];
  if (affectedService) fixed.push(affectedService);
  for (const h of reading.byCue.get('http5xx') ?? []) fixed.push(h.match.replace(/s$/, ''));
  for (const h of reading.byCue.get('http4xx') ?? []) fixed.push(h.match.replace(/s$/, ''));
  for (const h of (reading.byCue.get('outage') ?? []).slice(0, 1)) fixed.push(h.match.toLowerCase());
  const body = reading.text.slice(reading.subjectLength);
  const problemOffsets = (reading.byCue.get('failure') ?? []).concat(reading.byCue.get('outage') ?? []).map((h) => h.start - reading.subjectLength);
  const subject = reading.subjectLength > 0 ? reading.text.slice(0, reading.subjectLength - 2) : undefined;
  return {
    severity,
    affectedService,
    window: { start: new Date(win.start).toISOString(), end: new Date(win.end).toISOString() },
    summary: summarize(subject, splitSentences(body), problemOffsets),
    keywords: pickKeywords(reading.text.toLowerCase(), fixed),
    confidence: Math.round(Math.max(0.05, Math.min(0.99, confidence)) * 100) / 100,
    language: reading.language.code,
    model: 'heuristic',
    evidence,
  };
}

interface Applied {
  severity: Severity;
  service: string | null;
  confidence: number | null;
  evidence: TriageEvidence[];
}

/** Neighbours vote; a very close one decides. Services must still exist in the catalogue (or be null). */
function applyCorrections(
  neighbours: Neighbour[],
  probs: Record<Severity, number>,
  severity: Severity,
  service: string | null,
  catalogue: Set<string>,
): Applied {
  const evidence: TriageEvidence[] = [];
  const out: Applied = { severity, service, confidence: null, evidence };
  const useful = neighbours.filter((n) => n.similarity >= VOTE);
  if (useful.length === 0) return out;
  const top = useful[0];
  // Severity.
  const withSev = useful.filter((n) => n.severity !== null);
  if (withSev.length) {
    const votes = new Map<Severity, number>(SEVERITIES.map((s) => [s, probs[s] ?? 0]));
    for (const n of withSev) votes.set(n.severity!, (votes.get(n.severity!) ?? 0) + 1.5 * n.similarity);
    let best: Severity = severity;
    if (withSev[0].similarity >= DECIDE) best = withSev[0].severity!;
    else for (const s of SEVERITIES) if ((votes.get(s) ?? 0) > (votes.get(best) ?? 0)) best = s;
    if (best !== severity) {
      const n = withSev.find((x) => x.severity === best) ?? withSev[0];
      evidence.push({
        kind: 'correction',
        signal: 'correction.severity',
        match: '',
        detail: `like conversation ${n.conversationId} that an agent marked ${best} (similarity ${Math.round(n.similarity * 100)} %)`,
        weight: n.similarity,
      });
      out.severity = best;
      const total = [...votes.values()].reduce((a, b) => a + b, 0) || 1;
      out.confidence = Math.min(0.95, (votes.get(best) ?? 0) / total + 0.1);
    }
  }
  // Service.
  const withSvc = useful.filter((n) => n.service !== undefined && (n.service === null || catalogue.has(n.service)));
  if (withSvc.length) {
    const votes = new Map<string, number>();
    const key = (s: string | null) => s ?? '\u0000none';
    if (service !== null) votes.set(key(service), 0.6);
    for (const n of withSvc) votes.set(key(n.service ?? null), (votes.get(key(n.service ?? null)) ?? 0) + n.similarity);
    let best = service === null ? null : key(service);
    if (withSvc[0].similarity >= DECIDE) best = key(withSvc[0].service ?? null);
    else for (const [k, v] of [...votes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (v > (best === null ? 0.45 : (votes.get(best) ?? 0))) best = k;
    const chosen = best === null || best === '\u0000none' ? null : best;
    if (chosen !== service && best !== null) {
      const n = withSvc.find((x) => (x.service ?? null) === chosen) ?? withSvc[0];
      evidence.push({
        kind: 'correction',
        signal: 'correction.service',
        match: '',
        detail: `like conversation ${n.conversationId} that an agent assigned to ${chosen ?? 'no service'} (similarity ${Math.round(n.similarity * 100)} %)`,
        weight: n.similarity,
      });
      out.service = chosen;
    }
  }
  if (evidence.length === 0 && top.similarity >= DECIDE)
    evidence.push({
      kind: 'correction',
      signal: 'correction.agrees',
      match: '',
      detail: `agents' corrections agree (closest: conversation ${top.conversationId})`,
      weight: top.similarity,
    });
  return out;
}
