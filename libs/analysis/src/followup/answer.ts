/**
 * Answers a follow-up question from the analysis's own evidence only: its error signatures, timeline, log evidence,
 * root cause, affected services and suggested actions, picked by the question's words and the services it names.
 * When nothing matches, it says so plainly; it never writes anything that is not in the evidence. Pure.
 */
import type { AnalysisResult, LogEvidence } from '@app/contracts';
import { templateWords } from '../similar/similarity';

export interface FollowUpSubject {
  status: string;
  result: (AnalysisResult & { logEvidence?: LogEvidence[] }) | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  partialReasons?: string[];
}

export interface FollowUpAnswer {
  answer: string;
  found: boolean;
  evidence: LogEvidence[];
}

const MAX_ITEMS = 5;

/** Words that carry no subject of their own. */
const STOP = new Set(
  (
    'a an the and or but if of to in on at by for from with without into onto about over under after before since until ' +
    'is are was were be been being am do does did done doing has have had having can could would should will shall may might must ' +
    'i me my we our you your he she it its they them their this that these those there here what which who whom whose ' +
    'why when where how any some all each every no not nor so than then too very just also only ever again still yet ' +
    'please tell show explain give know want need think see look looks like get got there s t'
  ).split(' '),
);

/** Words that say "something went wrong" without saying what: they never match evidence on their own. */
const WEAK = new Set(
  'error errors fail fails failed failing failure failures issue issues problem problems wrong happen happened happening occur occurred log logs line lines service services incident analysis broken break broke'.split(
    ' ',
  ),
);

/** What a question asks for when it names nothing in the evidence ("why did it fail?", "how do I fix it?"). */
const INTENTS: Array<{ name: 'cause' | 'time' | 'fix' | 'impact' | 'overview'; words: string[] }> = [
  { name: 'cause', words: ['why', 'cause', 'caused', 'causes', 'root', 'reason', 'origin', 'culprit'] },
  { name: 'time', words: ['when', 'start', 'started', 'begin', 'began', 'first', 'since', 'long', 'time', 'timeline'] },
  { name: 'fix', words: ['fix', 'fixed', 'resolve', 'solve', 'action', 'actions', 'mitigate', 'next', 'remediate', 'recommend', 'should'] },
  { name: 'impact', words: ['affected', 'affect', 'impact', 'impacted', 'which', 'scope', 'spread', 'users', 'downstream'] },
  { name: 'overview', words: ['what', 'summary', 'summarize', 'summarise', 'overview', 'happened'] },
];

/** Crude stem so "timeouts", "timed" and "timeout" meet. */
export function stem(w: string): string {
  return w
    .replace(/(ies)$/, 'y')
    .replace(/(sses)$/, 'ss')
    .replace(/([^s])s$/, '$1')
    .replace(/(ing|ed)$/, '')
    .replace(/e$/, '');
}

function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const stems = (text: string) => new Set(words(text).map(stem));

interface Hit {
  kind: 'signature' | 'timeline' | 'evidence' | 'cause';
  score: number;
  text: string;
  evidence?: LogEvidence;
}

const quote = (s: string, n = 240) => `"${s.length > n ? `${s.slice(0, n - 1)}…` : s}"`;

export function answerFollowUp(question: string, a: FollowUpSubject): FollowUpAnswer {
  if (!a.result) {
    const answer =
      a.status === 'failed'
        ? `This analysis failed (${a.errorCode ?? 'ANALYSIS_FAILED'}${a.errorMessage ? `: ${a.errorMessage}` : ''}), so it has no evidence to answer from.`
        : `This analysis is still ${a.status}: it has no evidence yet. Ask again once it has finished.`;
    return { answer, found: false, evidence: [] };
  }
  const r = a.result;
  const qWords = words(question).filter((w) => !STOP.has(w));
  const strong = [...new Set(qWords.filter((w) => !WEAK.has(w) && !INTENTS.some((i) => i.words.includes(w))).map(stem))].filter((w) => w.length >= 2);
  const intents = new Set(INTENTS.filter((i) => words(question).some((w) => i.words.includes(w))).map((i) => i.name));

  // Services the question names: the whole name, or one of its distinctive words.
  const services = new Set<string>([
    ...r.affectedServices.map((s) => s.serviceName),
    r.rootCause.service,
    ...(r.signatures ?? []).map((s) => s.service),
    ...r.timeline.map((t) => t.service),
  ]);
  const generic = new Set(['api', 'app', 'service', 'svc', 'server', 'web', 'worker', 'backend', 'frontend']);
  const qText = ` ${words(question).join(' ')} `;
  const named = [...services].filter((s) => {
    const parts = words(s);
    if (!parts.length) return false;
    if (qText.includes(` ${parts.join(' ')} `)) return true;
    return parts.some((p) => p.length >= 4 && !generic.has(p) && qText.includes(` ${p} `));
  });
  const namedSet = new Set(named.map((s) => s.toLowerCase()));
  const serviceStems = new Set(named.flatMap((s) => words(s).map(stem)));
  const subject = strong.filter((w) => !serviceStems.has(w));

  const hits: Hit[] = [];
  const matchScore = (text: string, service: string): number => {
    const t = stems(text);
    const wordHits = subject.filter((w) => t.has(w)).length;
    const serviceHit = namedSet.has(service.toLowerCase());
    if (subject.length && !wordHits) return 0;
    if (!subject.length && !serviceHit) return 0;
    return wordHits * 2 + (serviceHit ? 1 : 0);
  };

  (r.signatures ?? []).forEach((s, rank) => {
    const score = matchScore([...templateWords(s.template)].join(' '), s.service);
    if (score > 0)
      hits.push({
        kind: 'signature',
        score: score + (10 - Math.min(rank, 10)) / 100,
        text: `Error signature in ${s.service}: ${quote(s.template)} — ${s.count}× in the window (${s.isNew ? 'new: none in the baseline' : `${s.baselineCount}× in the baseline`}).`,
      });
  });
  for (const t of r.timeline) {
    const score = matchScore(t.message, t.service);
    if (score > 0)
      hits.push({ kind: 'timeline', score, text: `${t.timestamp} ${t.service} [${t.level}]: ${quote(t.message)}${t.isRootCause ? ' (root cause)' : ''}.` });
  }
  for (const e of r.logEvidence ?? []) {
    const score = matchScore(e.message, e.service);
    if (score > 0)
      hits.push({
        kind: 'evidence',
        score: score + (e.relevanceScore ?? 0) / 100,
        text: `Log line ${e.timestamp} ${e.service}: ${quote(e.message)}.`,
        evidence: e,
      });
  }
  {
    const score = matchScore(`${r.rootCause.description} ${r.rootCause.errorType} ${r.rootCause.category}`, r.rootCause.service);
    if (score > 0)
      hits.push({ kind: 'cause', score: score + 0.5, text: `Root cause (${r.rootCause.service}, ${r.rootCause.category}): ${r.rootCause.description}` });
  }

  const lines: string[] = [];
  const evidence: LogEvidence[] = [];
  const byKind = (k: Hit['kind']) => hits.filter((h) => h.kind === k).sort((x, y) => y.score - x.score);
  for (const k of ['cause', 'signature', 'timeline', 'evidence'] as const) {
    for (const h of byKind(k).slice(0, MAX_ITEMS)) {
      lines.push(`- ${h.text}`);
      if (h.evidence) evidence.push(h.evidence);
    }
  }

  // A question that names nothing (or only services) is answered by what it asks for.
  if (!subject.length) {
    const focus = (svc: string) => !namedSet.size || namedSet.has(svc.toLowerCase());
    if (intents.has('cause') && focus(r.rootCause.service) && !hits.some((h) => h.kind === 'cause'))
      lines.unshift(
        `- Root cause (${r.rootCause.service}, ${r.rootCause.category}, confidence ${Math.round(r.confidence * 100)}%): ${r.rootCause.description}`,
      );
    if (intents.has('time')) {
      for (const s of r.affectedServices.filter((x) => focus(x.serviceName)).slice(0, MAX_ITEMS))
        lines.push(`- ${s.serviceName} (${s.role}): first error at ${s.firstSeen}, last at ${s.lastSeen}, ${s.errorCount} errors.`);
    }
    if (intents.has('impact')) {
      for (const s of r.affectedServices.filter((x) => focus(x.serviceName)).slice(0, MAX_ITEMS))
        lines.push(
          `- ${s.serviceName} is ${s.role === 'origin' ? 'the origin' : s.role === 'propagator' ? 'a propagator' : 'affected'}: ${s.errorCount} errors.`,
        );
    }
    if (intents.has('fix') && focus(r.rootCause.service)) {
      for (const act of r.suggestedActions.slice(0, MAX_ITEMS))
        lines.push(`- Suggested action ${act.priority} (${act.type}): ${act.action} — ${act.rationale}`);
    }
    if (intents.has('overview') && !namedSet.size) lines.unshift(`- Summary: ${r.summary}`);
  }

  const unique = [...new Set(lines)];
  const unmatched = new Set(subject.filter((w) => !hits.some((h) => stems(h.text).has(w))));
  const missing = [...new Set(qWords.filter((w) => unmatched.has(stem(w))))];
  const window = `${r.timeWindow.start} – ${r.timeWindow.end}, ${r.logsScanned} log lines scanned`;
  if (!unique.length) {
    const asked = subject.length ? `"${qWords.filter((w) => subject.includes(stem(w))).join(' ')}"` : 'what you asked';
    const covered = [...services].filter(Boolean).slice(0, 8).join(', ');
    return {
      answer:
        `I found nothing in this analysis's evidence about ${asked}. ` +
        `It covers ${covered || 'no service'} (${window}). Ask about one of those, or run a new analysis with another window.`,
      found: false,
      evidence: [],
    };
  }
  const caveat = a.status === 'partial' && a.partialReasons?.length ? `\nThe analysis is partial: ${a.partialReasons.join(' ')}` : '';
  const notFound = missing.length ? `\nNothing in the evidence mentions: ${missing.map((w) => `"${w}"`).join(', ')}.` : '';
  return {
    answer: `From this analysis's evidence (${window}):\n${unique.join('\n')}${notFound}${caveat}`,
    found: true,
    evidence: evidence.slice(0, MAX_ITEMS),
  };
}
