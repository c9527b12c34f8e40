/** Accuracy metrics of the triage engine over labelled conversations (pure). */
import { SEVERITY_ORDER, type Severity, type TriageInput, type TriageResult } from '@app/contracts';

export interface EvaluationCase {
  id: string;
  subject?: string;
  text: string;
  createdAt: string;
  timezone: string;
  timeBufferHours?: number;
  expected: { severity: Severity; service: string | null; windowStart: string };
}

export interface EvaluationMiss {
  id: string;
  field: 'severity' | 'service' | 'window';
  expected: string | null;
  actual: string | null;
}

export interface EvaluationReport {
  total: number;
  severityExact: number;
  severityWithinOne: number;
  service: number;
  window: number;
  /** Confusion counts expected → actual severity. */
  confusion: Record<Severity, Record<Severity, number>>;
  misses: EvaluationMiss[];
}

const WINDOW_TOLERANCE_MS = 60_000;

export function evaluate(
  cases: EvaluationCase[],
  run: (input: TriageInput) => TriageResult,
  context: TriageInput['context'],
  defaultBufferHours = 2,
): EvaluationReport {
  const sev: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
  const confusion = Object.fromEntries(sev.map((e) => [e, Object.fromEntries(sev.map((a) => [a, 0]))])) as EvaluationReport['confusion'];
  let exact = 0;
  let withinOne = 0;
  let service = 0;
  let window = 0;
  const misses: EvaluationMiss[] = [];
  for (const c of cases) {
    const r = run({
      text: c.text,
      subject: c.subject,
      createdAt: c.createdAt,
      timezone: c.timezone,
      timeBufferHours: c.timeBufferHours ?? defaultBufferHours,
      context,
    });
    confusion[c.expected.severity][r.severity]++;
    if (r.severity === c.expected.severity) exact++;
    else misses.push({ id: c.id, field: 'severity', expected: c.expected.severity, actual: r.severity });
    if (Math.abs(SEVERITY_ORDER[r.severity] - SEVERITY_ORDER[c.expected.severity]) <= 1) withinOne++;
    if (r.affectedService === c.expected.service) service++;
    else misses.push({ id: c.id, field: 'service', expected: c.expected.service, actual: r.affectedService });
    if (Math.abs(Date.parse(r.window.start) - Date.parse(c.expected.windowStart)) <= WINDOW_TOLERANCE_MS) window++;
    else misses.push({ id: c.id, field: 'window', expected: c.expected.windowStart, actual: r.window.start });
  }
  const n = cases.length || 1;
  return {
    total: cases.length,
    severityExact: exact / n,
    severityWithinOne: withinOne / n,
    service: service / n,
    window: window / n,
    confusion,
    misses,
  };
}
