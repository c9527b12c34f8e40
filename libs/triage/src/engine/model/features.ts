/**
 * Features the severity model reads: cue groups (the same names in every language), where they
 * stand (statement, question/hearsay, subject, negated), pairs of cues that the rubric combines
 * (a failure × its breadth, a failure × a critical service), the service, and the words of the
 * message (language-neutral keys). Pure and cheap: one pass over the reading.
 */
import { CUE_NAMES } from '../languages/pack';
import { LANGUAGE_PACKS } from '../languages/registry';
import { INDEPENDENT_CUES, type AnyCue, type CueHit, type Reading } from '../reading';
import { matchKey } from '../service';

export const ALL_CUES: readonly AnyCue[] = [...CUE_NAMES, ...INDEPENDENT_CUES];

/** Cues that say something is not working. */
export const FAILURE_CUES: readonly AnyCue[] = [
  'failure',
  'outage',
  'slow',
  'intermittent',
  'dataWrong',
  'blocked',
  'http5xx',
  'http4xx',
  'errorCode',
  'stackTrace',
];
/** Positive evidence that nothing is broken (rubric: info). */
export const INFO_CUES: readonly AnyCue[] = ['howto', 'request', 'billing', 'praise', 'docs', 'falseAlarm', 'phishing', 'plainQuestion'];
const SCOPE: readonly AnyCue[] = ['all', 'team', 'many', 'some', 'one', 'partial', 'othersToo', 'statusPage'];
const HARM: readonly AnyCue[] = ['security', 'revenue', 'money', 'impact'];
const MITIGATORS: readonly AnyCue[] = ['over', 'workaround', 'minor', 'hearsay', 'works'];

export interface ServiceFacts {
  found: boolean;
  critical: boolean;
}

export type FeatureVector = Map<string, number>;

function live(hits: CueHit[] | undefined): CueHit[] {
  return (hits ?? []).filter((h) => !h.negated);
}

const STOPWORDS = new Set<string>();
for (const p of LANGUAGE_PACKS) for (const w of p.stopwords) STOPWORDS.add(w);

/** Content words (language-neutral keys); function words, numbers and short words carry no severity. */
function tokenKeys(r: Reading): string[] {
  const out: string[] = [];
  const re = /[a-z]{4,}/g;
  const f = r.folded.text;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(f)) && n < 400) {
    if (STOPWORDS.has(m[0])) continue;
    out.push(matchKey(m[0]));
    n++;
  }
  return out;
}

export function extractFeatures(r: Reading, svc: ServiceFacts, withTokens = true): FeatureVector {
  const v: FeatureVector = new Map();
  const set = (k: string, x = 1) => v.set(k, x);
  const present = new Set<AnyCue>();
  const statement = new Set<AnyCue>();
  for (const cue of ALL_CUES) {
    const hits = r.byCue.get(cue);
    if (!hits) continue;
    const l = live(hits);
    if (l.length === 0) {
      set(`neg:${cue}`);
      continue;
    }
    present.add(cue);
    set(`c:${cue}`);
    if (l.some((h) => !h.hedged)) {
      statement.add(cue);
      set(`s:${cue}`);
    } else set(`q:${cue}`);
    if (l.some((h) => h.inSubject)) set(`subj:${cue}`);
    if (l.length > 1) set(`n:${cue}`, Math.log2(l.length));
  }
  const failure = FAILURE_CUES.some((c) => present.has(c));
  const failureStated = FAILURE_CUES.some((c) => statement.has(c));
  const info = INFO_CUES.some((c) => present.has(c));
  set('bias');
  if (failure) set('any:failure');
  if (failureStated) set('any:failureStated');
  if (info) set('any:info');
  if (info && !failure) set('infoOnly');
  if (!info && !failure) set('noCue');
  if (failure && !info) set('failureOnly');
  // Whether a service was found says nothing about severity (generated text always names one); its importance does.
  if (svc.critical) set('svc:critical');
  else if (svc.found) set('svc:noncritical');
  if (r.language.pack === null) set('lang:unsupported');
  const allQuestions = r.sentences.length > 0 && r.sentences.every((s) => s.question);
  if (allQuestions) set('allQuestions');
  const len = r.text.length;
  set(len < 80 ? 'len:short' : len < 400 ? 'len:mid' : 'len:long');
  // Pairs the rubric combines.
  const fail = failure ? 'F' : 'noF';
  for (const s of [...SCOPE, ...HARM, ...MITIGATORS]) if (present.has(s)) set(`${fail}*${s}`);
  if (svc.critical) for (const s of SCOPE) if (present.has(s)) set(`crit*${s}`);
  if (svc.critical && failure) set('crit*F');
  if (present.has('outage')) {
    for (const s of SCOPE) if (present.has(s)) set(`outage*${s}`);
    if (svc.critical) set('outage*crit');
  }
  if (present.has('money') && failure) set('money*F');
  if (present.has('security') && statement.has('security')) set('security*stated');
  if (present.has('revenue') && failure) set('revenue*F');
  if (present.has('over') && !present.has('outage')) set('over*noOutage');
  if (present.has('falseAlarm') && present.has('over')) set('falseAlarm*over');
  const we = r.packs[0]?.we;
  if (we) {
    we.lastIndex = 0;
    if (we.test(r.folded.text)) set('voice:we');
  }
  if (withTokens) for (const t of tokenKeys(r)) v.set(`w:${t}`, 1);
  return v;
}
