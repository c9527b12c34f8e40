/**
 * Severity by the contract §8 rubric, from impact signals found in the text:
 *   info     nothing is broken: how-to, feature request, billing/account question, praise, docs typo
 *   low      one user, or minor, or a workaround exists, or a blip that is already over
 *   medium   a feature degraded or broken for some users; a money problem for one customer
 *   high     many users; a critical path partly down; a whole team unable to work
 *   critical a critical path down for everyone; security breach / data exposure; explicit revenue loss
 */
import { SEVERITIES, type Severity, type TriageEvidence } from '@app/contracts';
import type { Sentence } from './text';
import * as S from './signals';

export type Scope = 'all' | 'team' | 'many' | 'some' | 'partial' | 'one' | 'unknown';

export interface SignalHit {
  code: string;
  match: string;
  offset: number;
  hedged: boolean;
}

export interface TextSignals {
  problem: SignalHit[];
  outage: SignalHit[];
  failure: SignalHit[];
  security: SignalHit[];
  revenue: SignalHit[];
  money: SignalHit[];
  all: SignalHit[];
  team: SignalHit[];
  many: SignalHit[];
  some: SignalHit[];
  partial: SignalHit[];
  one: SignalHit[];
  urgency: SignalHit[];
  over: SignalHit[];
  ongoing: SignalHit[];
  workaround: SignalHit[];
  noWorkaround: SignalHit[];
  minor: SignalHit[];
  howto: SignalHit[];
  request: SignalHit[];
  billing: SignalHit[];
  praise: SignalHit[];
  docsTypo: SignalHit[];
  errorCodes: SignalHit[];
  conditional: boolean;
  siteWide: boolean;
  /** The lower-cased text the signals were read from. */
  lower: string;
}

/** Sentence index lookup by offset. */
function sentenceAt(sentences: Sentence[], offset: number): Sentence | undefined {
  let found: Sentence | undefined;
  for (const s of sentences) {
    if (s.start <= offset) found = s;
    else break;
  }
  return found;
}

function hedgedSentence(s: Sentence | undefined): boolean {
  if (!s) return false;
  S.HEARSAY.lastIndex = 0;
  return s.question || S.HEARSAY.test(s.lower);
}

function collect(re: RegExp, lower: string, sentences: Sentence[], code: string, opts: { negatable?: boolean } = {}): SignalHit[] {
  const out: SignalHit[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(lower))) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (opts.negatable) {
      const before = lower.slice(Math.max(0, m.index - 24), m.index);
      if (S.NEGATION_BEFORE.test(before)) continue;
    }
    out.push({ code, match: m[0], offset: m.index, hedged: hedgedSentence(sentenceAt(sentences, m.index)) });
  }
  return out;
}

export function extractSignals(lower: string, sentences: Sentence[]): TextSignals {
  const all = collect(S.BREADTH_ALL, lower, sentences, 'breadth.all', { negatable: true }).filter(
    (h) => !/^\s*else\b/.test(lower.slice(h.offset + h.match.length, h.offset + h.match.length + 6)),
  );
  const errorCodes: SignalHit[] = [];
  S.ERROR_CODE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = S.ERROR_CODE.exec(lower))) {
    const around = lower.slice(Math.max(0, m.index - 30), m.index + 30);
    // A bare number needs an error-ish neighbour ("500 error", "a 403", "throwing 500s", "http 503").
    if (
      !m[2] &&
      !/(error|http|status|code|got|get|getting|gives?|giving|throw|return|respon|fail|bad gateway|internal|forbidden|not found|unauthori|unavailable|timeout|gateway|with an? |a \d|an? \d)/.test(
        around,
      )
    )
      continue;
    errorCodes.push({
      code: m[1][0] === '5' ? 'error.5xx' : 'error.4xx',
      match: m[0],
      offset: m.index,
      hedged: hedgedSentence(sentenceAt(sentences, m.index)),
    });
  }
  return {
    problem: collect(S.PROBLEM, lower, sentences, 'problem', { negatable: true }),
    outage: collect(S.OUTAGE, lower, sentences, 'outage', { negatable: true }),
    failure: collect(S.FAILURE, lower, sentences, 'failure', { negatable: true }),
    security: collect(S.SECURITY, lower, sentences, 'security', { negatable: true }),
    revenue: collect(S.REVENUE, lower, sentences, 'revenue', { negatable: true }),
    money: collect(S.MONEY, lower, sentences, 'money', { negatable: true }),
    all,
    team: collect(S.BREADTH_TEAM, lower, sentences, 'breadth.team'),
    many: collect(S.BREADTH_MANY, lower, sentences, 'breadth.many', { negatable: true }),
    some: collect(S.BREADTH_SOME, lower, sentences, 'breadth.some'),
    partial: collect(S.PARTIAL, lower, sentences, 'breadth.partial'),
    one: collect(S.BREADTH_ONE, lower, sentences, 'breadth.one'),
    urgency: collect(S.URGENCY, lower, sentences, 'urgency'),
    over: collect(S.OVER, lower, sentences, 'over', { negatable: true }),
    ongoing: collect(S.ONGOING, lower, sentences, 'ongoing', { negatable: true }),
    workaround: collect(S.WORKAROUND, lower, sentences, 'workaround', { negatable: true }),
    noWorkaround: collect(S.NO_WORKAROUND, lower, sentences, 'workaround.none'),
    minor: collect(S.MINOR, lower, sentences, 'minor'),
    howto: collect(S.HOWTO, lower, sentences, 'info.howto'),
    request: collect(S.REQUEST, lower, sentences, 'info.request'),
    billing: collect(S.BILLING_ACCOUNT, lower, sentences, 'info.billing'),
    praise: collect(S.PRAISE, lower, sentences, 'info.praise'),
    docsTypo: collect(S.DOCS_TYPO, lower, sentences, 'info.docs_typo'),
    errorCodes,
    lower,
    conditional: S.CONDITIONAL.test(lower),
    siteWide: S.SITE_WIDE.test(lower),
  };
}

export interface SeverityDecision {
  severity: Severity;
  scope: Scope;
  evidence: TriageEvidence[];
  /** 0–1 strength/agreement of the signals. */
  confidence: number;
  /** True when nothing is broken (info). */
  noIncident: boolean;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);
const at = (i: number): Severity => SEVERITIES[Math.max(0, Math.min(SEVERITIES.length - 1, i))];

function ev(code: string, hit: SignalHit | undefined, detail: string, weight?: number): TriageEvidence {
  return { kind: 'severity', signal: code, match: hit?.match ?? '', detail, ...(weight !== undefined ? { weight } : {}) };
}

/** Problem words that are part of an info phrase do not count ("typo in the docs"). */
function realProblems(sig: TextSignals): SignalHit[] {
  return sig.problem.filter((p) => !sig.docsTypo.some((d) => p.offset >= d.offset && p.offset < d.offset + d.match.length));
}

export function decideSeverity(sig: TextSignals, service: { name: string | null; critical: boolean }): SeverityDecision {
  const evidence: TriageEvidence[] = [];
  const problems = [...realProblems(sig), ...sig.errorCodes];
  const firstHand = problems.filter((p) => !p.hedged);
  const infoHits = [...sig.howto, ...sig.request, ...sig.billing, ...sig.praise, ...sig.docsTypo];

  // 1. Security / data exposure trumps everything.
  const sec = sig.security.find((h) => !h.hedged) ?? sig.security[0];
  if (sec) {
    evidence.push(ev('security.exposure', sec, 'security breach or data exposure → critical', 4));
    return { severity: 'critical', scope: 'unknown', evidence, confidence: sec.hedged ? 0.6 : 0.9, noIncident: false };
  }

  // 2. Nothing broken → info.
  const docsOnly = sig.docsTypo.length > 0 && sig.outage.length === 0 && !sig.failure.some((f) => !f.hedged);
  if (problems.length === 0 || docsOnly) {
    const cue = infoHits[0];
    evidence.push(
      cue
        ? ev(cue.code, cue, 'no problem reported; how-to, request, account question or praise → info', 0)
        : ev('info.no_problem', undefined, 'no problem words found → info', 0),
    );
    return { severity: 'info', scope: 'unknown', evidence, confidence: cue ? 0.85 : 0.5, noIncident: true };
  }
  // A how-to/praise message whose only "problem" words sit in questions stays info ("can I see failed orders?").
  if (firstHand.length === 0 && infoHits.length > 0 && sig.outage.length === 0) {
    evidence.push(ev(infoHits[0].code, infoHits[0], 'question or request without a reported failure → info', 0));
    return { severity: 'info', scope: 'unknown', evidence, confidence: 0.6, noIncident: true };
  }

  const hedged = firstHand.length === 0;
  const pick = (hits: SignalHit[]) => hits.find((h) => !h.hedged) ?? hits[0];

  // 3. Scope (breadth of impact).
  let scope: Scope = 'unknown';
  let scopeHit: SignalHit | undefined;
  const order: [Scope, SignalHit[]][] = [
    ['all', sig.all],
    ['team', sig.team],
    ['many', sig.many],
    ['some', sig.some],
    ['partial', sig.partial],
    ['one', sig.one],
  ];
  for (const [name, hits] of order) {
    if (hits.length > 0) {
      scope = name;
      scopeHit = pick(hits);
      break;
    }
  }
  // Percentages: ≥ 25 % is "many", below is "some".
  const pct = scope === 'unknown' || scope === 'one' || scope === 'partial' ? /\b(\d{1,3}) ?%/.exec(sig.lower) : null;
  if (pct) {
    const v = Number(pct[1]);
    scope = v >= 100 ? 'all' : v >= 25 ? 'many' : 'some';
    scopeHit = { code: 'breadth.percent', match: pct[0], offset: pct.index, hedged: false };
  }

  const outage = pick(sig.outage);
  const failure = pick(sig.failure) ?? sig.errorCodes.find((e) => e.code === 'error.5xx');
  const critical = service.critical || (service.name === null && !!outage && sig.siteWide);
  const fiveXX = sig.errorCodes.find((e) => e.code === 'error.5xx');

  let level: number;
  let why: string;
  switch (scope) {
    case 'all':
      if ((outage || failure) && critical) {
        level = 4;
        why = 'critical path failing for everyone → critical';
      } else {
        level = 3;
        why = 'everyone affected on a non-critical feature → high';
      }
      break;
    case 'team':
      level = 3;
      why = 'a whole team unable to work → high';
      break;
    case 'many':
      level = 3;
      why = 'many users affected → high';
      break;
    case 'partial':
      if (critical && failure) {
        level = 3;
        why = 'a critical path partly down → high';
      } else {
        level = 2;
        why = 'a feature broken for a segment of users → medium';
      }
      break;
    case 'some':
      level = 2;
      why = 'some users affected → medium';
      break;
    case 'one':
      level = 1;
      why = 'a single user or item affected → low';
      break;
    default:
      if (outage) {
        level = critical ? 4 : 3;
        why = critical ? 'a critical path is down → critical' : 'a feature is down → high';
      } else if (critical && failure && !sig.conditional) {
        level = 3;
        why = 'a critical path failing (breadth unstated) → high';
      } else {
        level = 2;
        why = 'a feature degraded or broken (breadth unstated) → medium';
      }
  }
  evidence.push(ev(scopeHit ? scopeHit.code : 'breadth.unstated', scopeHit ?? outage ?? failure ?? firstHand[0], why, level));
  if (outage) evidence.push(ev('outage.down', outage, 'outage wording', 1));
  if (fiveXX) evidence.push(ev('error.5xx', fiveXX, 'server error code', 1));
  else if (sig.errorCodes[0]) evidence.push(ev('error.4xx', sig.errorCodes[0], 'client error code (weaker than 5xx)', 0));
  if (service.critical)
    evidence.push({ kind: 'severity', signal: 'service.critical', match: service.name ?? '', detail: 'service is a critical path', weight: 1 });

  // 4. Money problem for one customer → at least medium.
  const money = pick(sig.money);
  if (money && level < 2) {
    level = 2;
    evidence.push(ev('money.customer', money, 'a money problem for one customer → medium', 2));
  }

  // 5. Explicit revenue loss → critical.
  const revenue = pick(sig.revenue);
  if (revenue && !revenue.hedged) {
    level = 4;
    evidence.push(ev('money.revenue_loss', revenue, 'explicit revenue loss → critical', 4));
  }

  // 6. Dampeners: minor, workaround, already over, hearsay/question.
  const ongoing = sig.ongoing.length > 0;
  const broad = scope === 'all' || scope === 'team' || scope === 'many';
  const minor = pick(sig.minor);
  if (minor && level > 1 && !revenue) {
    level = broad ? level - 1 : 1;
    evidence.push(ev('minor', minor, 'minor / cosmetic', -1));
  }
  const workaround = sig.noWorkaround.length === 0 ? pick(sig.workaround) : undefined;
  if (workaround && level > 1 && !revenue) {
    level = broad ? level - 1 : 1;
    evidence.push(ev('workaround', workaround, 'a workaround exists', -1));
  }
  const over = pick(sig.over);
  if (over && !ongoing && level > 1 && !revenue) {
    level = 1;
    evidence.push(ev('over', over, 'a blip that is already over → low', -2));
  }
  if (hedged && level > 1) {
    level = Math.max(1, level - 2);
    evidence.push(ev('hedged', problems[0], 'only asked or heard, not observed first-hand', -2));
  }
  const urgency = pick(sig.urgency);
  if (urgency) evidence.push(ev('urgency', urgency, 'urgency wording (raises confidence)', 0));

  level = Math.max(1, level);
  // Confidence: agreement and explicitness of the signals.
  let confidence = 0.45;
  if (scopeHit) confidence += 0.15;
  if (outage || fiveXX) confidence += 0.1;
  if (service.name) confidence += 0.1;
  if (urgency && level >= 3) confidence += 0.05;
  if (revenue) confidence += 0.1;
  if (hedged) confidence -= 0.2;
  if ((minor || workaround || over) && broad) confidence -= 0.1;
  if (infoHits.length > 0) confidence -= 0.05;
  confidence = Math.max(0.2, Math.min(0.95, confidence));
  return { severity: at(level), scope, evidence, confidence, noIncident: false };
}

export { rank as severityRank };
