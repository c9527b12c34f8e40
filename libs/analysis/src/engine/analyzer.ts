/**
 * The streaming analysis engine: entries of the incident window and of a baseline window before it go in one at
 * a time or page by page (in any order, interleaved), SigSentry's analysis result comes out of finish().
 * Deterministic for a given input order. Memory is bounded by the number of (service, signature) pairs, never
 * by the number of lines: per pair it keeps counts, first/last seen and up to 5 example entries.
 *
 * Only error and warn lines are mined (info lines are counted per service). Windows above `maxLines` are
 * sampled evenly across time (sampling.ts); `stats().sampled` then tells the caller to mark the analysis
 * `partial` with reason `sampled`. All log text in the result is masked (redact.ts).
 */
import type { AnalysisResult, LogEntry, LogEvidence, LogLevel, RootCauseCategory, ServiceDefinition, ServiceRole, Severity } from '@app/contracts';
import { ACTIONS, classifyMessage } from './classify';
import { createSecretMasker, type SecretMaskingOptions } from './redact';
import { createLineSampler, LevelCounts, type LineSampler } from './sampling';
import { SignatureMiner, type SignatureMinerOptions } from './signature-miner';

export interface AnalyzerOptions {
  window: { start: string; end: string };
  /** The reporter's description (service names mentioned in it weigh a little). */
  description?: string;
  services?: ServiceDefinition[];
  /** Line budget per window (ANALYSIS_MAX_LINES); above it the lines are sampled. Default: no budget. */
  maxLines?: number;
  /** Secret masking of everything emitted; e-mails and IPs are masked unless kept here. */
  masking?: SecretMaskingOptions;
  miner?: SignatureMinerOptions;
}

export interface AnalyzerStats {
  /** Window lines offered / kept in the sample. */
  lines: number;
  keptLines: number;
  baselineLines: number;
  keptBaselineLines: number;
  /** True when either window was sampled (the analysis is `partial`, reason `sampled`). */
  sampled: boolean;
  signatures: number;
}

export interface Analyzer {
  /** Adds one entry of the incident window. */
  add(entry: LogEntry): void;
  /** Adds entries of the incident window (an array, a page, any iterable). */
  addBatch(entries: Iterable<LogEntry>): void;
  /** Adds one entry of the baseline window. */
  addBaseline(entry: LogEntry): void;
  addBaselineBatch(entries: Iterable<LogEntry>): void;
  stats(): AnalyzerStats;
  /** The result. The analyzer may not be used afterwards. */
  finish(): AnalysisResult;
}

/** Example entries kept per signature (logEvidence: ≤ 5 per signature, ≤ 50 per analysis). */
const MAX_EXAMPLES = 5;
const MAX_EVIDENCE = 50;
const MAX_EVIDENCE_CHARS = 2000;
const MAX_TIMELINE_CHARS = 1000;
const TOP_SIGNATURES = 10;
const NOVELTY = 4;

interface SigStat {
  cluster: number;
  service: string;
  total: LevelCounts;
  errors: LevelCounts;
  first: string;
  last: string;
  firstMessage: string;
  examples: LogEntry[];
}

interface ServiceStat {
  name: string;
  lines: LevelCounts;
  errors: LevelCounts;
  firstError: string | null;
  lastError: string | null;
  sigs: Map<number, SigStat>;
}

/** A signature after finish(): stats of clusters with the same final template (per service) summed. */
interface Sig {
  service: string;
  template: string;
  total: number;
  errors: number;
  baseline: number;
  first: string;
  last: string;
  firstMessage: string;
  level: LogLevel;
  examples: LogEntry[];
  order: number;
}

interface RankedSig {
  stat: Sig;
  score: number;
  isNew: boolean;
}

function isProblem(level: LogLevel): boolean {
  return level === 'error' || level === 'warn';
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Keeps the earliest distinct messages of a signature (by timestamp, whatever the arrival order). */
function keepExample(list: LogEntry[], e: LogEntry): void {
  for (let i = 0; i < list.length; i++) {
    if (list[i].message === e.message) {
      if (e.timestamp < list[i].timestamp) list[i] = e;
      return;
    }
  }
  if (list.length < MAX_EXAMPLES) list.push(e);
  else {
    let latest = 0;
    for (let i = 1; i < list.length; i++) if (list[i].timestamp > list[latest].timestamp) latest = i;
    if (e.timestamp < list[latest].timestamp) list[latest] = e;
    else return;
  }
}

export function createAnalyzer(options: AnalyzerOptions): Analyzer {
  const miner = new SignatureMiner(options.miner);
  const mask = createSecretMasker(options.masking);
  const winSampler: LineSampler = createLineSampler(options.maxLines ?? 0);
  const baseSampler: LineSampler = createLineSampler(options.maxLines ?? 0);
  const services = new Map<string, ServiceStat>();
  const baseCounts = new Map<string, Map<number, LevelCounts>>();
  const baselineServices = new Set<string>();
  let finished = false;

  const serviceOf = (name: string): ServiceStat => {
    let svc = services.get(name);
    if (!svc) services.set(name, (svc = { name, lines: new LevelCounts(), errors: new LevelCounts(), firstError: null, lastError: null, sigs: new Map() }));
    return svc;
  };

  const add = (e: LogEntry): void => {
    const level = winSampler.offer();
    if (level < 0) return;
    const svcName = e.service || 'unknown';
    const svc = serviceOf(svcName);
    svc.lines.add(level);
    if (!isProblem(e.level)) return;
    const id = miner.addId(e.message);
    const ts = e.timestamp;
    if (e.level === 'error') {
      svc.errors.add(level);
      if (svc.firstError === null || ts < svc.firstError) svc.firstError = ts;
      if (svc.lastError === null || ts > svc.lastError) svc.lastError = ts;
    }
    let st = svc.sigs.get(id);
    if (!st) {
      st = { cluster: id, service: svcName, total: new LevelCounts(), errors: new LevelCounts(), first: ts, last: ts, firstMessage: e.message, examples: [] };
      svc.sigs.set(id, st);
    }
    st.total.add(level);
    if (e.level === 'error') st.errors.add(level);
    if (ts < st.first) {
      st.first = ts;
      st.firstMessage = e.message;
    }
    if (ts > st.last) st.last = ts;
    keepExample(st.examples, e);
  };

  const addBaseline = (e: LogEntry): void => {
    const level = baseSampler.offer();
    if (level < 0) return;
    if (!isProblem(e.level)) return;
    const id = miner.addId(e.message);
    const svc = e.service || 'unknown';
    baselineServices.add(svc);
    let m = baseCounts.get(svc);
    if (!m) baseCounts.set(svc, (m = new Map()));
    let c = m.get(id);
    if (!c) m.set(id, (c = new LevelCounts()));
    c.add(level);
  };

  const guard = () => {
    if (finished) throw new Error('analyzer already finished');
  };

  return {
    add(entry) {
      guard();
      add(entry);
    },
    addBatch(entries) {
      guard();
      for (const e of entries) add(e);
    },
    addBaseline(entry) {
      guard();
      addBaseline(entry);
    },
    addBaselineBatch(entries) {
      guard();
      for (const e of entries) addBaseline(e);
    },
    stats() {
      let signatures = 0;
      for (const s of services.values()) signatures += s.sigs.size;
      return {
        lines: winSampler.seen,
        keptLines: winSampler.kept,
        baselineLines: baseSampler.seen,
        keptBaselineLines: baseSampler.kept,
        sampled: winSampler.sampled || baseSampler.sampled,
        signatures,
      };
    },
    finish() {
      guard();
      finished = true;
      return build(options, miner, mask, services, baseCounts, baselineServices, winSampler, baseSampler);
    },
  };
}

function build(
  input: AnalyzerOptions,
  miner: SignatureMiner,
  mask: (s: string) => string,
  services: Map<string, ServiceStat>,
  baseCounts: Map<string, Map<number, LevelCounts>>,
  baselineServices: Set<string>,
  winSampler: LineSampler,
  baseSampler: LineSampler,
): AnalysisResult {
  const wt = winSampler.threshold;
  const bt = baseSampler.threshold;
  const windowLines = winSampler.kept;
  const baselineLines = baseSampler.kept;
  const window = { start: input.window.start, end: input.window.end };
  if (windowLines === 0) return emptyResult(window, 0, 'No log entries were found in the window, so no errors were found.', [], undefined, mask);

  // Signatures: clusters of one service that ended with the same template are one signature.
  const svcErrors = new Map<string, number>();
  const sigs: Sig[] = [];
  let order = 0;
  for (const svc of services.values()) {
    svcErrors.set(svc.name, svc.errors.at(wt));
    const base = baseCounts.get(svc.name);
    const byTemplate = new Map<string, Sig>();
    for (const st of svc.sigs.values()) {
      const total = st.total.at(wt);
      if (total === 0) continue;
      const errors = st.errors.at(wt);
      const template = miner.finalTemplate(st.cluster) ?? st.firstMessage;
      const baseline = base?.get(st.cluster)?.at(bt) ?? 0;
      const s = byTemplate.get(template);
      if (!s) {
        const sig: Sig = {
          service: svc.name,
          template,
          total,
          errors,
          baseline,
          first: st.first,
          last: st.last,
          firstMessage: st.firstMessage,
          level: errors > 0 ? 'error' : 'warn',
          examples: st.examples.slice(),
          order: order++,
        };
        byTemplate.set(template, sig);
        sigs.push(sig);
      } else {
        s.total += total;
        s.errors += errors;
        s.baseline += baseline;
        if (errors > 0) s.level = 'error';
        if (st.first < s.first) {
          s.first = st.first;
          s.firstMessage = st.firstMessage;
        }
        if (st.last > s.last) s.last = st.last;
        for (const e of st.examples) keepExample(s.examples, e);
      }
    }
  }

  // Rank signatures: new and surging against the baseline, volume-normalised.
  const ratio = baselineLines > 0 ? windowLines / baselineLines : 1;
  const ranked: RankedSig[] = [];
  for (const st of sigs) {
    const c = st.total;
    let surge: number;
    if (baselineLines === 0) surge = 1.5;
    else if (st.baseline === 0) surge = NOVELTY;
    else surge = Math.max(0, Math.min(NOVELTY, Math.log2((c + 1) / (st.baseline * ratio + 1))));
    const weight = st.errors > 0 ? 1 : 0.35;
    // A handful of lines is weak evidence, whatever its novelty.
    const score = weight * surge * Math.log2(1 + c) * (c < 3 ? 0.5 : 1);
    if (score <= 0) continue;
    ranked.push({ stat: st, score, isNew: st.baseline === 0 });
  }
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      (a.stat.first < b.stat.first ? -1 : a.stat.first > b.stat.first ? 1 : 0) ||
      a.stat.service.localeCompare(b.stat.service) ||
      a.stat.order - b.stat.order,
  );
  const top = ranked.length ? ranked[0].score : 0;
  const anomalous = ranked.filter((r) => r.score >= Math.max(2, 0.25 * top));
  if (anomalous.length === 0) {
    let errs = 0;
    for (const n of svcErrors.values()) errs += n;
    return emptyResult(
      window,
      windowLines,
      errs === 0
        ? `No errors were found among ${windowLines} log entries in the window.`
        : `${errs} errors were found among ${windowLines} log entries, but none is new or above the baseline.`,
      ranked,
      services,
      mask,
      wt,
    );
  }

  // Services with anomalous signatures and the cross-service references between them.
  const known = new Set<string>([...services.keys(), ...baselineServices]);
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
      const texts = [r.stat.template];
      for (const e of r.stat.examples.slice(0, 3)) texts.push(e.message);
      for (const text of texts) {
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
  let cls = classifyMessage(winner.stat.firstMessage);
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
      return { serviceName: a.name, role: roleOf(a), errorCount: svcErrors.get(a.name) ?? 0, firstSeen: first, lastSeen: last };
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
    .map((r) => ({
      timestamp: r.stat.first,
      service: r.stat.service,
      level: r.stat.level,
      message: truncate(mask(r.stat.firstMessage), MAX_TIMELINE_CHARS),
      isRootCause: r === winner,
    }))
    .sort((x, y) => (x.timestamp < y.timestamp ? -1 : x.timestamp > y.timestamp ? 1 : 0) || x.service.localeCompare(y.service));

  // Confidence from the margin between the origin and the next candidate.
  const best = scored[0].s;
  const margin = best > 0 ? (best - runnerUp) / best : 0;
  let confidence = 0.3 + 0.55 * margin;
  if (category !== 'unknown') confidence += 0.1;
  if (winner.isNew) confidence += 0.05;
  if (windowLines < 10) confidence *= 0.6;
  confidence = Math.round(Math.min(0.95, Math.max(0.05, confidence)) * 100) / 100;

  let totalErrors = 0;
  for (const n of svcErrors.values()) totalErrors += n;
  const severity = severityOf(anomalies.size, origin, winner, category, critical, totalErrors, windowLines);
  const errorType = cls.errorType;
  const others = affectedServices.filter((s) => s.serviceName !== origin.name).map((s) => s.serviceName);
  const template = mask(winner.stat.template);
  const countText = winner.isNew ? `new in this window (${winner.stat.total}×)` : `${winner.stat.total}× vs ${winner.stat.baseline}× in the baseline`;
  const description = `${origin.name} logged "${truncate(template, 500)}" — ${countText}, first at ${winner.stat.first}. Category ${category} (${errorType}).`;
  const summary =
    `${origin.name} is the most likely origin: its ${winner.isNew ? 'new' : 'surging'} error signature "${truncate(template, 160)}" ` +
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
    signatures: signaturesOf(ranked, mask),
    logEvidence: evidenceOf(ranked, mask),
  };
}

function signaturesOf(ranked: RankedSig[], mask: (s: string) => string): NonNullable<AnalysisResult['signatures']> {
  return ranked.slice(0, TOP_SIGNATURES).map((r) => ({
    template: mask(r.stat.template),
    service: r.stat.service,
    count: r.stat.total,
    baselineCount: r.stat.baseline,
    isNew: r.isNew,
    score: Math.round(r.score * 100) / 100,
  }));
}

/** The example lines of the top signatures, most relevant first (≤ 5 per signature, ≤ 50 in all), masked. */
function evidenceOf(ranked: RankedSig[], mask: (s: string) => string): LogEvidence[] {
  const top = ranked.length ? ranked[0].score : 0;
  if (top <= 0) return [];
  const out: LogEvidence[] = [];
  for (const r of ranked.slice(0, TOP_SIGNATURES)) {
    const examples = r.stat.examples.slice().sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    for (let k = 0; k < examples.length && k < MAX_EXAMPLES; k++) {
      const e = examples[k];
      out.push({
        timestamp: e.timestamp,
        service: r.stat.service,
        level: e.level,
        message: truncate(mask(e.message), MAX_EVIDENCE_CHARS),
        raw: truncate(mask(e.raw ?? e.message), MAX_EVIDENCE_CHARS),
        relevanceScore: Math.round((r.score / top) * (1 - 0.02 * k) * 1000) / 1000,
      });
    }
  }
  out.sort((a, b) => b.relevanceScore - a.relevanceScore || (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return out.slice(0, MAX_EVIDENCE);
}

function severityOf(
  servicesHit: number,
  origin: { name: string },
  winner: RankedSig,
  category: RootCauseCategory,
  critical: Set<string>,
  totalErrors: number,
  windowLines: number,
): Severity {
  let points = 0;
  const errShare = totalErrors / Math.max(1, windowLines);
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
  ranked: RankedSig[],
  services: Map<string, ServiceStat> | undefined,
  mask: (s: string) => string,
  threshold = 0,
): AnalysisResult {
  const withErrors = services
    ? [...services.values()].map((s) => ({ s, errors: s.errors.at(threshold) })).filter((x) => x.errors > 0 && x.s.firstError !== null)
    : [];
  return {
    summary: `${reason} Nothing points at a root cause; widen or shift the time window if users still report a problem.`,
    severity: logsScanned === 0 || withErrors.length === 0 ? 'info' : 'low',
    confidence: logsScanned === 0 ? 0.05 : 0.2,
    rootCause: { description: reason, service: withErrors[0]?.s.name ?? 'unknown', errorType: 'None', category: 'unknown' },
    affectedServices: withErrors
      .sort((a, b) => b.errors - a.errors || a.s.name.localeCompare(b.s.name))
      .slice(0, 10)
      .map(({ s, errors }) => ({ serviceName: s.name, role: 'affected' as const, errorCount: errors, firstSeen: s.firstError!, lastSeen: s.lastError! })),
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
    signatures: signaturesOf(ranked, mask),
    logEvidence: evidenceOf(ranked, mask),
  };
}
