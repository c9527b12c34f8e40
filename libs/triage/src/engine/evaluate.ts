/** Accuracy metrics of the triage engine over labelled conversations (pure). */
import { SEVERITIES, SEVERITY_ORDER, type Severity, type TriageInput, type TriageResult } from '@app/contracts';

export interface EvaluationCase {
  id: string;
  subject?: string;
  text: string;
  createdAt: string;
  timezone: string;
  timeBufferHours?: number;
  /** Language label of the case (reports per language). */
  lang?: string;
  /** Per-case context (catalogue); the `context` argument is used when absent. */
  context?: TriageInput['context'];
  expected: {
    /** One level, or adjacent levels that are all acceptable. */
    severity: Severity | Severity[];
    /** A service, acceptable services, null (no service); undefined = not scored. */
    service?: string | null | string[];
    /** Expected window start; null = not scored. */
    windowStart: string | null;
  };
}

export interface EvaluationMiss {
  id: string;
  field: 'severity' | 'service' | 'window';
  expected: string | null;
  actual: string | null;
}

export interface ReliabilityBucket {
  /** Lower bound of the confidence bucket (0.0, 0.1, …). */
  from: number;
  to: number;
  n: number;
  /** Observed severity exact accuracy in the bucket. */
  accuracy: number;
  meanConfidence: number;
}

export interface EvaluationReport {
  total: number;
  severityExact: number;
  severityExactCount: number;
  severityWithinOne: number;
  service: number;
  serviceTotal: number;
  window: number;
  windowTotal: number;
  /** Confusion counts expected → actual severity (for multi-answer labels: the matched or nearest answer). */
  confusion: Record<Severity, Record<Severity, number>>;
  reliability: ReliabilityBucket[];
  misses: EvaluationMiss[];
  /** Per-case outcome, for further slicing. */
  outcomes: { id: string; lang?: string; exact: boolean; withinOne: boolean; confidence: number; severity: Severity }[];
}

const WINDOW_TOLERANCE_MS = 60_000;

/** 95 % Wilson score interval of k successes in n. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 0];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

export function evaluate(
  cases: EvaluationCase[],
  run: (input: TriageInput) => TriageResult,
  context: TriageInput['context'],
  defaultBufferHours = 2,
): EvaluationReport {
  const confusion = Object.fromEntries(SEVERITIES.map((e) => [e, Object.fromEntries(SEVERITIES.map((a) => [a, 0]))])) as EvaluationReport['confusion'];
  let exact = 0;
  let withinOne = 0;
  let service = 0;
  let serviceTotal = 0;
  let window = 0;
  let windowTotal = 0;
  const misses: EvaluationMiss[] = [];
  const outcomes: EvaluationReport['outcomes'] = [];
  for (const c of cases) {
    const r = run({
      text: c.text,
      subject: c.subject,
      createdAt: c.createdAt,
      timezone: c.timezone,
      timeBufferHours: c.timeBufferHours ?? defaultBufferHours,
      context: c.context ?? context,
    });
    const accepted = Array.isArray(c.expected.severity) ? c.expected.severity : [c.expected.severity];
    const isExact = accepted.includes(r.severity);
    const nearest = isExact
      ? r.severity
      : [...accepted].sort((a, b) => Math.abs(SEVERITY_ORDER[a] - SEVERITY_ORDER[r.severity]) - Math.abs(SEVERITY_ORDER[b] - SEVERITY_ORDER[r.severity]))[0];
    confusion[nearest][r.severity]++;
    const isWithin = Math.abs(SEVERITY_ORDER[nearest] - SEVERITY_ORDER[r.severity]) <= 1;
    if (isExact) exact++;
    else misses.push({ id: c.id, field: 'severity', expected: accepted.join('|'), actual: r.severity });
    if (isWithin) withinOne++;
    outcomes.push({ id: c.id, lang: c.lang, exact: isExact, withinOne: isWithin, confidence: r.confidence, severity: r.severity });
    if (c.expected.service !== undefined) {
      serviceTotal++;
      const ok = Array.isArray(c.expected.service) ? c.expected.service.includes(r.affectedService ?? '\u0000') : r.affectedService === c.expected.service;
      if (ok) service++;
      else
        misses.push({
          id: c.id,
          field: 'service',
          expected: Array.isArray(c.expected.service) ? c.expected.service.join('|') : c.expected.service,
          actual: r.affectedService,
        });
    }
    if (c.expected.windowStart !== null) {
      windowTotal++;
      if (Math.abs(Date.parse(r.window.start) - Date.parse(c.expected.windowStart)) <= WINDOW_TOLERANCE_MS) window++;
      else misses.push({ id: c.id, field: 'window', expected: c.expected.windowStart, actual: r.window.start });
    }
  }
  const n = cases.length || 1;
  const reliability: ReliabilityBucket[] = [];
  for (let b = 0; b < 10; b++) {
    const from = b / 10;
    const to = (b + 1) / 10;
    const inB = outcomes.filter((o) => o.confidence >= from && (o.confidence < to || (b === 9 && o.confidence <= 1)));
    if (inB.length === 0) continue;
    reliability.push({
      from,
      to,
      n: inB.length,
      accuracy: inB.filter((o) => o.exact).length / inB.length,
      meanConfidence: inB.reduce((a, o) => a + o.confidence, 0) / inB.length,
    });
  }
  return {
    total: cases.length,
    severityExact: exact / n,
    severityExactCount: exact,
    severityWithinOne: withinOne / n,
    service: serviceTotal ? service / serviceTotal : 0,
    serviceTotal,
    window: windowTotal ? window / windowTotal : 0,
    windowTotal,
    confusion,
    reliability,
    misses,
    outcomes,
  };
}
