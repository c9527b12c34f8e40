/**
 * The analysis engine: normalised entries of the incident window and of a baseline window before it
 * in, SigSentry's analysis result out. Deterministic; one pass over each window, memory bounded by
 * the number of (service, signature) pairs, not by the number of lines.
 */
import type { AnalysisResult, LogEntry, LogLevel, RootCauseCategory, ServiceDefinition, ServiceRole, Severity } from '@app/contracts';
import { ACTIONS, classifyMessage } from './classify';
import { SignatureMiner } from './signature-miner';

export interface AnalyzeInput {
  entries: Iterable<LogEntry>;
  baseline: Iterable<LogEntry>;
  window: { start: string; end: string };
  description?: string;
  services?: ServiceDefinition[];
}

interface SigStat {
  cluster: number;
  service: string;
  /** Error and warn lines in the window. */
  errors: number;
  warns: number;
  total: number;
  baseline: number;
  first: string;
  last: string;
  firstMessage: string;
  level: LogLevel;
  samples: string[];
}

interface ServiceStat {
  name: string;
  lines: number;
  errors: number;
  firstError: string | null;
  lastError: string | null;
  sigs: Map<number, SigStat>;
}

interface RankedSig {
  stat: SigStat;
  template: string;
  score: number;
  isNew: boolean;
}

const MAX_SAMPLES = 3;
const NOVELTY = 4;

function isProblem(e: LogEntry): boolean {
  return e.level === 'error' || e.level === 'warn';
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function analyze(input: AnalyzeInput): AnalysisResult {
  const miner = new SignatureMiner();
  // Baseline: counts per (service, cluster) of problem lines.
  const baseCounts = new Map<string, Map<number, number>>();
  let baselineLines = 0;
  const seenServices = new Set<string>();
  for (const e of input.baseline) {
    baselineLines++;
    if (!isProblem(e)) continue;
    const id = miner.addId(e.message);
    const svc = e.service || 'unknown';
    seenServices.add(svc);
    let m = baseCounts.get(svc);
    if (!m) baseCounts.set(svc, (m = new Map()));
    m.set(id, (m.get(id) ?? 0) + 1);
  }

  const services = new Map<string, ServiceStat>();
  let windowLines = 0;
  for (const e of input.entries) {
    windowLines++;
    const svcName = e.service || 'unknown';
    let svc = services.get(svcName);
    if (!svc) services.set(svcName, (svc = { name: svcName, lines: 0, errors: 0, firstError: null, lastError: null, sigs: new Map() }));
    svc.lines++;
    if (!isProblem(e)) continue;
    const id = miner.addId(e.message);
    const ts = e.timestamp;
    if (e.level === 'error') {
      svc.errors++;
      if (svc.firstError === null || ts < svc.firstError) svc.firstError = ts;
      if (svc.lastError === null || ts > svc.lastError) svc.lastError = ts;
    }
    let st = svc.sigs.get(id);
    if (!st) {
      st = {
        cluster: id,
        service: svcName,
        errors: 0,
        warns: 0,
        total: 0,
        baseline: 0,
        first: ts,
        last: ts,
        firstMessage: e.message,
        level: e.level,
        samples: [],
      };
      svc.sigs.set(id, st);
    }
    st.total++;
    if (e.level === 'error') {
      st.errors++;
      st.level = 'error';
    } else st.warns++;
    if (ts < st.first) {
      st.first = ts;
      st.firstMessage = e.message;
    }
    if (ts > st.last) st.last = ts;
    if (st.samples.length < MAX_SAMPLES && !st.samples.includes(e.message)) st.samples.push(e.message);
  }

  const window = { start: input.window.start, end: input.window.end };
  if (windowLines === 0) return emptyResult(window, 0, 'No log entries were found in the window, so no errors were found.');

  // Rank signatures: new and surging against the baseline, volume-normalised.
  const ratio = baselineLines > 0 ? windowLines / baselineLines : 1;
  const ranked: RankedSig[] = [];
  for (const svc of services.values()) {
    const base = baseCounts.get(svc.name);
    for (const st of svc.sigs.values()) {
      st.baseline = base?.get(st.cluster) ?? 0;
      const c = st.total;
      let surge: number;
      if (baselineLines === 0) surge = 1.5;
      else if (st.baseline === 0) surge = NOVELTY;
      else surge = Math.max(0, Math.min(NOVELTY, Math.log2((c + 1) / (st.baseline * ratio + 1))));
      const weight = st.errors > 0 ? 1 : 0.35;
      // A handful of lines is weak evidence, whatever its novelty.
      const score = weight * surge * Math.log2(1 + c) * (c < 3 ? 0.5 : 1);
      if (score <= 0) continue;
      ranked.push({ stat: st, template: miner.template(st.cluster) ?? st.firstMessage, score, isNew: st.baseline === 0 });
    }
  }
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      (a.stat.first < b.stat.first ? -1 : a.stat.first > b.stat.first ? 1 : 0) ||
      a.stat.service.localeCompare(b.stat.service) ||
      a.stat.cluster - b.stat.cluster,
  );
  const top = ranked.length ? ranked[0].score : 0;
  const anomalous = ranked.filter((r) => r.score >= Math.max(2, 0.25 * top));
  if (anomalous.length === 0) {
    const errs = [...services.values()].reduce((s, v) => s + v.errors, 0);
    return emptyResult(
      window,
      windowLines,
      errs === 0
        ? `No errors were found among ${windowLines} log entries in the window.`
        : `${errs} errors were found among ${windowLines} log entries, but none is new or above the baseline.`,
      ranked,
      services,
    );
  }

  // Services with anomalous signatures and the cross-service references between them.
  const known = new Set<string>([...services.keys(), ...seenServices]);
  const aliasOf = new Map<string, string>();
  for (const d of input.services ?? []) {
    known.add(d.name);
    for (const a of d.aliases ?? []) if (a.length >= 3) aliasOf.set(a, d.name);
  }
  for (const n of known) if (n.length >= 3 && n !== 'unknown') aliasOf.set(n, n);
  const names = [...aliasOf.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const nameRe = names.length ? new RegExp(`(?<![\\w-])(${names.map(escapeRe).join('|')})(?![\\w-])`, 'gi') : null;
  const lowerToName = new Map<string, string>();
  for (const [alias, name] of aliasOf) lowerToName.set(alias.toLowerCase(), name);

  interface SvcAnomaly {
    name: string;
    score: number;
    first: string;
    sigs: RankedSig[];
    refs: Set<string>;
    inbound: Set<string>;
  }
  const anomalies = new Map<string, SvcAnomaly>();
  for (const r of anomalous) {
    let a = anomalies.get(r.stat.service);
    if (!a) anomalies.set(r.stat.service, (a = { name: r.stat.service, score: 0, first: r.stat.first, sigs: [], refs: new Set(), inbound: new Set() }));
    a.score += r.score;
    if (r.stat.first < a.first) a.first = r.stat.first;
    a.sigs.push(r);
    if (nameRe) {
      for (const text of [r.template, ...r.stat.samples]) {
        nameRe.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = nameRe.exec(text))) {
          const target = lowerToName.get(m[1].toLowerCase());
          if (target && target !== r.stat.service) a.refs.add(target);
        }
      }
    }
  }
  for (const a of anomalies.values()) for (const t of a.refs) anomalies.get(t)?.inbound.add(a.name);

  const mentioned = (input.description ?? '').toLowerCase();
  const critical = new Set((input.services ?? []).filter((d) => d.critical).map((d) => d.name));
  const earliest = [...anomalies.values()].reduce((m, a) => (a.first < m ? a.first : m), '\uffff');
  const originScore = (a: SvcAnomaly): number => {
    let s = a.score * (1 + 0.75 * a.inbound.size);
    if (a.first === earliest) s *= 1.25;
    if (mentioned && mentioned.includes(a.name.toLowerCase())) s *= 1.1;
    return s;
  };
  // Origin: follow references to a service that points at no other anomalous service.
  const pointsAtAnomalous = (a: SvcAnomaly) => [...a.refs].some((t) => anomalies.has(t));
  const candidates = [...anomalies.values()];
  const sinks = candidates.filter((a) => !pointsAtAnomalous(a));
  const pool = sinks.length ? sinks : candidates;
  const scored = pool.map((a) => ({ a, s: originScore(a) })).sort((x, y) => y.s - x.s || (x.a.first < y.a.first ? -1 : 1) || x.a.name.localeCompare(y.a.name));
  const origin = scored[0].a;
  const runnerUp = scored[1]?.s ?? 0;

  // Winning signature: the origin's best signature with a known category, else its best one.
  const originSigs = origin.sigs.slice().sort((x, y) => y.score - x.score);
  let winner = originSigs[0];
  let cls = classifyMessage(`${winner.stat.firstMessage}`);
  if (cls.category === 'unknown') {
    for (const r of originSigs.slice(1)) {
      if (r.score < 0.5 * winner.score) break;
      const c = classifyMessage(r.stat.firstMessage);
      if (c.category !== 'unknown') {
        winner = r;
        cls = c;
        break;
      }
    }
  }
  const category: RootCauseCategory = cls.category;

  // Roles.
  const roleOf = (a: SvcAnomaly): ServiceRole => {
    if (a === origin) return 'origin';
    return a.inbound.size > 0 && pointsAtAnomalous(a) ? 'propagator' : 'affected';
  };
  const affectedServices = candidates
    .map((a) => {
      const svc = services.get(a.name)!;
      const first = svc.firstError && svc.firstError < a.first ? svc.firstError : a.first;
      let last = svc.lastError ?? a.first;
      for (const r of a.sigs) if (r.stat.last > last) last = r.stat.last;
      return { serviceName: a.name, role: roleOf(a), errorCount: svc.errors, firstSeen: first, lastSeen: last };
    })
    .sort(
      (x, y) =>
        (x.role === 'origin' ? -1 : y.role === 'origin' ? 1 : 0) ||
        (x.firstSeen < y.firstSeen ? -1 : x.firstSeen > y.firstSeen ? 1 : 0) ||
        x.serviceName.localeCompare(y.serviceName),
    );

  // Timeline: first occurrence of each anomalous signature (chronological), root cause flagged.
  const timeline = anomalous
    .slice(0, 25)
    .map((r) => ({ timestamp: r.stat.first, service: r.stat.service, level: r.stat.level, message: r.stat.firstMessage, isRootCause: r === winner }))
    .sort((x, y) => (x.timestamp < y.timestamp ? -1 : x.timestamp > y.timestamp ? 1 : 0) || x.service.localeCompare(y.service));

  // Confidence from the margin between the origin and the next candidate.
  const best = scored[0].s;
  const margin = best > 0 ? (best - runnerUp) / best : 0;
  let confidence = 0.3 + 0.55 * margin;
  if (category !== 'unknown') confidence += 0.1;
  if (winner.isNew) confidence += 0.05;
  if (windowLines < 10) confidence *= 0.6;
  confidence = Math.round(Math.min(0.95, Math.max(0.05, confidence)) * 100) / 100;

  const severity = severityOf(anomalies.size, origin, winner, category, critical, services, windowLines);
  const errorType = cls.errorType;
  const others = affectedServices.filter((s) => s.serviceName !== origin.name).map((s) => s.serviceName);
  const countText = winner.isNew ? `new in this window (${winner.stat.total}×)` : `${winner.stat.total}× vs ${winner.stat.baseline}× in the baseline`;
  const description = `${origin.name} logged "${winner.template}" — ${countText}, first at ${winner.stat.first}. Category ${category} (${errorType}).`;
  const summary =
    `${origin.name} is the most likely origin: its ${winner.isNew ? 'new' : 'surging'} error signature "${truncate(winner.template, 160)}" ` +
    `first appeared at ${winner.stat.first} (${winner.stat.total} occurrences). ` +
    (others.length
      ? `${others.length} other service${others.length > 1 ? 's' : ''} (${others.slice(0, 5).join(', ')}) show errors ${origin.inbound.size ? 'pointing at it' : 'in the same window'}. `
      : '') +
    `Likely ${category === 'unknown' ? 'an unclassified failure' : `a ${category.replace('_', ' ')} problem`} (${errorType}); ${windowLines} log entries scanned.`;

  const suggestedActions = ACTIONS[category].map((t, i) => ({
    priority: i + 1,
    action: t.action.replaceAll('{service}', origin.name).replaceAll('{errorType}', errorType),
    rationale: t.rationale.replaceAll('{service}', origin.name).replaceAll('{errorType}', errorType),
    type: t.type,
  }));

  return {
    summary,
    severity,
    confidence,
    rootCause: { description, service: origin.name, errorType, category },
    affectedServices,
    timeline,
    suggestedActions,
    logsScanned: windowLines,
    timeWindow: window,
    signatures: ranked.slice(0, 10).map((r) => ({
      template: r.template,
      service: r.stat.service,
      count: r.stat.total,
      baselineCount: r.stat.baseline,
      isNew: r.isNew,
      score: Math.round(r.score * 100) / 100,
    })),
  };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function severityOf(
  servicesHit: number,
  origin: { name: string },
  winner: RankedSig,
  category: RootCauseCategory,
  critical: Set<string>,
  services: Map<string, ServiceStat>,
  windowLines: number,
): Severity {
  let points = 0;
  const errs = [...services.values()].reduce((s, v) => s + v.errors, 0);
  const errShare = errs / Math.max(1, windowLines);
  if (winner.stat.errors > 0) points += 1;
  if (winner.stat.total >= 20) points += 1;
  if (winner.stat.total >= 200 || errShare > 0.2) points += 1;
  if (servicesHit >= 2) points += 1;
  if (servicesHit >= 4) points += 1;
  if (critical.has(origin.name)) points += 1;
  if (category === 'validation') points -= 1;
  if (points >= 5) return 'critical';
  if (points >= 3) return 'high';
  if (points >= 2) return 'medium';
  return 'low';
}

function emptyResult(
  window: { start: string; end: string },
  logsScanned: number,
  reason: string,
  ranked: RankedSig[] = [],
  services?: Map<string, ServiceStat>,
): AnalysisResult {
  const withErrors = services ? [...services.values()].filter((s) => s.errors > 0) : [];
  return {
    summary: `${reason} Nothing points at a root cause; widen or shift the time window if users still report a problem.`,
    severity: logsScanned === 0 || withErrors.length === 0 ? 'info' : 'low',
    confidence: logsScanned === 0 ? 0.05 : 0.2,
    rootCause: { description: reason, service: withErrors[0]?.name ?? 'unknown', errorType: 'None', category: 'unknown' },
    affectedServices: withErrors
      .sort((a, b) => b.errors - a.errors || a.name.localeCompare(b.name))
      .slice(0, 10)
      .map((s) => ({ serviceName: s.name, role: 'affected' as const, errorCount: s.errors, firstSeen: s.firstError!, lastSeen: s.lastError! })),
    timeline: [],
    suggestedActions: [
      {
        priority: 1,
        action:
          logsScanned < 10
            ? 'Widen the time window 2–4× and re-run the analysis.'
            : 'Check that the right log sources and services are connected, or shift the window.',
        rationale: reason,
        type: 'investigate',
      },
    ],
    logsScanned,
    timeWindow: window,
    signatures: ranked.slice(0, 10).map((r) => ({
      template: r.template,
      service: r.stat.service,
      count: r.stat.total,
      baselineCount: r.stat.baseline,
      isNew: r.isNew,
      score: Math.round(r.score * 100) / 100,
    })),
  };
}
