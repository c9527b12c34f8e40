/**
 * Severity by the contract §8 rubric: a learned model over the message's cues and words
 * proposes, the rubric's hard rules dispose:
 *   - a message to support is a report until shown otherwise: `info` needs positive evidence
 *     (how-to, request, billing question, praise, docs, false alarm) — otherwise at least `low`;
 *   - a stated data exposure is never below `high`.
 * Evidence names the cues (with the words that triggered them) that moved the decision most.
 */
import { LOW_CONFIDENCE_THRESHOLD, SEVERITY_ORDER, type Severity, type TriageEvidence } from '@app/contracts';
import { FAILURE_CUES, INFO_CUES, type FeatureVector } from './model/features';
import { predict, type SeverityModel } from './model/model';
import type { AnyCue, CueHit, Reading } from './reading';

export interface SeverityDecision {
  severity: Severity;
  confidence: number;
  probs: Record<Severity, number>;
  evidence: TriageEvidence[];
}

const CUE_LABEL: Partial<Record<AnyCue, string>> = {
  failure: 'something does not work',
  outage: 'down / unavailable',
  slow: 'slow or delayed',
  intermittent: 'intermittent',
  dataWrong: 'wrong or duplicated data',
  blocked: 'people blocked from working',
  all: 'everyone affected',
  team: 'a whole team affected',
  many: 'many affected',
  some: 'some affected',
  one: 'one person or item',
  partial: 'only a segment; the rest works',
  othersToo: 'others report the same',
  statusPage: 'status page / others confirm an incident',
  security: 'security breach or data exposure',
  phishing: 'phishing or suspicious message',
  revenue: 'explicit revenue loss',
  money: 'a money problem',
  impact: 'business impact',
  over: 'already over',
  workaround: 'a workaround exists',
  minor: 'minor',
  hearsay: 'hearsay or a question',
  howto: 'a how-to question',
  request: 'a feature request',
  billing: 'a billing or account question',
  praise: 'praise',
  docs: 'documentation',
  falseAlarm: 'a false alarm',
  works: 'it works',
  urgency: 'urgent tone (ignored by the rubric)',
  http5xx: 'HTTP 5xx status',
  http4xx: 'HTTP 4xx status',
  errorCode: 'pasted error code',
  stackTrace: 'stack trace',
  shouting: 'ALL CAPS',
  exclaim: 'exclamation marks',
  question: 'a question',
  plainQuestion: 'a question that reports nothing broken',
  emojiGood: 'positive emoji',
  emojiBad: 'negative emoji',
  percent: 'a share of traffic or users',
  amount: 'an amount of money',
};

function cueOf(feature: string): AnyCue[] {
  const m = /^(?:c|s|q|subj|n|neg):(.+)$/.exec(feature);
  if (m) return [m[1] as AnyCue];
  const pair = /^(?:F|noF|crit|outage|money|security|revenue|over|falseAlarm)\*(.+)$/.exec(feature);
  if (pair) {
    const head = feature.split('*')[0];
    const first = head === 'F' || head === 'crit' || head === 'noF' ? [] : [head as AnyCue];
    return [...first, pair[1] as AnyCue].filter((c) => c in CUE_LABEL);
  }
  if (feature === 'any:failure' || feature === 'any:failureStated' || feature === 'failureOnly') return ['failure', 'outage', 'slow', 'http5xx', 'errorCode'];
  if (feature === 'any:info' || feature === 'infoOnly') return [...INFO_CUES];
  return [];
}

function firstLive(r: Reading, cue: AnyCue): CueHit | undefined {
  return (r.byCue.get(cue) ?? []).find((h) => !h.negated);
}

export function decideSeverity(r: Reading, v: FeatureVector, model: SeverityModel): SeverityDecision {
  const pred = predict(model, v);
  const classes = model.classes;
  const p = [...pred.probs];
  const evidence: TriageEvidence[] = [];
  const has = (cues: readonly AnyCue[], stated = false) => cues.some((c) => (r.byCue.get(c) ?? []).some((h) => !h.negated && (!stated || !h.hedged)));
  const infoIdx = classes.indexOf('info');
  let capped = false;
  // A report until shown otherwise.
  if (!has(INFO_CUES)) {
    if (p[infoIdx] > 0) capped = argmax(p) === infoIdx;
    p[infoIdx] = 0;
    if (capped)
      evidence.push({
        kind: 'severity',
        signal: 'rule.report-until-shown',
        match: '',
        detail: 'no how-to, request, billing, praise or false-alarm cue: read as a report (at least low)',
      });
  }
  // Stated "down for everyone" (or a whole team unable to work) is never below high, whatever came before.
  const stated = (c: AnyCue) => (r.byCue.get(c) ?? []).filter((h) => !h.negated && !h.hedged);
  const broad = [...stated('all'), ...stated('team')];
  const outageStated = stated('outage');
  const failureStated = [...stated('failure'), ...stated('blocked')];
  const broadOutage = broad.length > 0 && (outageStated.length > 0 || failureStated.some((f) => broad.some((b) => b.sentence === f.sentence)));
  if (broadOutage) {
    for (const s of ['info', 'low', 'medium'] as const) p[classes.indexOf(s)] = 0;
    const b = broad[0];
    evidence.push({ kind: 'severity', signal: 'rule.broad-outage', match: b.match, detail: 'stated as broken for everyone (or a whole team): at least high' });
  }
  // A stated data exposure is never below high.
  const security = (r.byCue.get('security') ?? []).find((h) => !h.negated && !h.hedged);
  if (security) {
    for (const s of ['info', 'low', 'medium'] as const) p[classes.indexOf(s)] = 0;
  }
  // Nothing recognised at all (empty, an emoji, an unknown language without codes): the most likely level of a report.
  const anyCue =
    has(FAILURE_CUES) || has(INFO_CUES) || has(['security', 'money', 'revenue', 'outage', 'all', 'team', 'many', 'some', 'minor', 'over', 'workaround']);
  if (!anyCue) {
    for (let i = 0; i < p.length; i++) if (classes[i] !== 'low') p[i] *= 0.2;
  }
  const sum = p.reduce((a, b) => a + b, 0) || 1;
  const norm = p.map((x) => x / sum);
  const chosen = argmax(norm);
  const severity = classes[chosen];
  let confidence = norm[chosen];
  // The probability mass the rules removed is doubt the model had.
  confidence *= Math.min(1, sum + 0.15);
  if (capped) confidence = Math.min(confidence, LOW_CONFIDENCE_THRESHOLD - 0.05);
  if (!has(FAILURE_CUES) && !has(INFO_CUES) && !has(['security', 'money', 'revenue'])) confidence = Math.min(confidence, 0.45);

  // Evidence: the cues that pushed towards the chosen level the most.
  const scored = pred.contributions
    .map((c) => {
      const others = c.value.filter((_, i) => i !== chosen);
      return { feature: c.feature, margin: c.value[chosen] - others.reduce((a, b) => a + b, 0) / others.length };
    })
    .filter((c) => c.margin > 0.05 && c.feature !== 'bias')
    .sort((a, b) => b.margin - a.margin);
  const used = new Set<string>();
  for (const s of scored) {
    if (evidence.length >= 5) break;
    if (s.feature.startsWith('w:')) {
      const word = s.feature.slice(2);
      if (used.has(`w:${word}`)) continue;
      used.add(`w:${word}`);
      const at = r.folded.text.indexOf(word);
      const match = at >= 0 ? r.text.slice(r.folded.map[at], r.folded.map[Math.min(at + word.length, r.folded.map.length - 1)]) : word;
      evidence.push({
        kind: 'severity',
        signal: 'model.word',
        match,
        detail: `the word "${match}" weighs towards ${severity} in the trained model`,
        weight: round(s.margin),
      });
      continue;
    }
    for (const cue of cueOf(s.feature)) {
      const hit = firstLive(r, cue);
      if (!hit || used.has(cue)) continue;
      used.add(cue);
      evidence.push({
        kind: 'severity',
        signal: `cue.${cue}`,
        match: hit.match,
        detail: `${CUE_LABEL[cue] ?? cue}${hit.lang !== 'und' && hit.lang !== r.language.code ? ` (${hit.lang})` : ''}`,
        weight: round(s.margin),
      });
      break;
    }
  }
  if (security && !used.has('security'))
    evidence.push({ kind: 'severity', signal: 'rule.security', match: security.match, detail: 'stated data exposure or breach: at least high' });
  if (evidence.length === 0)
    evidence.push({ kind: 'severity', signal: 'model.prior', match: '', detail: `no decisive cue; ${severity} is the most likely level` });
  confidence = Math.round(Math.max(0.05, Math.min(0.99, confidence)) * 100) / 100;
  if (confidence < LOW_CONFIDENCE_THRESHOLD) {
    const ranked = norm.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0]);
    const runnerUp = classes[ranked[1][1]];
    evidence.push({
      kind: 'confidence',
      signal: 'confidence.low',
      match: '',
      detail: capped
        ? 'low confidence: the text reads like a question or remark, but nothing says nothing is broken'
        : !has(FAILURE_CUES) && !has(INFO_CUES)
          ? 'low confidence: no problem words and no question or request words were recognised'
          : `low confidence: ${severity} (${Math.round(norm[chosen] * 100)} %) vs ${runnerUp} (${Math.round(ranked[1][0] * 100)} %)`,
    });
  }
  const probs = Object.fromEntries(classes.map((c, i) => [c, Math.round(norm[i] * 1000) / 1000])) as Record<Severity, number>;
  return { severity, confidence, probs, evidence };
}

function argmax(a: number[]): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Distance in levels between two severities. */
export function levelDistance(a: Severity, b: Severity): number {
  return Math.abs(SEVERITY_ORDER[a] - SEVERITY_ORDER[b]);
}
