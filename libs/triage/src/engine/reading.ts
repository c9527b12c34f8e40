/**
 * Reads a message once: cleans it, detects its language, folds it and finds every cue of the
 * language's pack (plus English for mixed messages) and the cues that need no words (HTTP
 * statuses, error codes, stack traces, shouting, emoji, amounts).
 */
import { detectLanguage, type DetectedLanguage } from './languages/detect';
import { CUE_NAMES, type CueName, type LanguagePack } from './languages/pack';
import { ENGLISH, LANGUAGE_PACKS } from './languages/registry';
import { fold, prepareMessage, sentences as splitSentences, type Folded, type PreparedMessage, type Sentence } from './text';

export const INDEPENDENT_CUES = [
  'http5xx',
  'http4xx',
  'errorCode',
  'stackTrace',
  'shouting',
  'exclaim',
  'question',
  'plainQuestion',
  'emojiGood',
  'emojiBad',
  'percent',
  'amount',
] as const;
export type IndependentCue = (typeof INDEPENDENT_CUES)[number];
export type AnyCue = CueName | IndependentCue;

export interface CueHit {
  cue: AnyCue;
  /** Offsets into `Reading.text`. */
  start: number;
  end: number;
  match: string;
  sentence: number;
  negated: boolean;
  /** In a question or a hearsay sentence. */
  hedged: boolean;
  inSubject: boolean;
  lang: string;
}

export interface Reading {
  /** Subject (as a first line) + cleaned body. */
  text: string;
  folded: Folded;
  sentences: Sentence[];
  /** Length of the subject part of `text` (0 without subject). */
  subjectLength: number;
  prepared: PreparedMessage;
  language: DetectedLanguage;
  /** Packs whose cues were read: the message's language first, then English. */
  packs: LanguagePack[];
  hits: CueHit[];
  byCue: Map<AnyCue, CueHit[]>;
}

const MAIL = LANGUAGE_PACKS.map((p) => p.mail);
const NEGATABLE = new Set<AnyCue>([
  'failure',
  'outage',
  'slow',
  'intermittent',
  'dataWrong',
  'blocked',
  'security',
  'revenue',
  'money',
  'many',
  'impact',
  'phishing',
]);
/** Cues English may add on a non-English message (error text pasted in English, "down", "outage"). */
const SECOND_PACK_CUES = new Set<CueName>(['failure', 'outage', 'slow', 'security', 'statusPage']);
const MAX_READ = 20_000;
const PROBLEM_IN_SENTENCE = new Set<AnyCue>([
  'failure',
  'outage',
  'slow',
  'intermittent',
  'dataWrong',
  'blocked',
  'security',
  'money',
  'revenue',
  'http5xx',
  'http4xx',
  'errorCode',
  'phishing',
]);

function sentenceIndex(sents: Sentence[], offset: number): number {
  let lo = 0;
  let hi = sents.length - 1;
  let ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sents[mid].start <= offset) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export function readMessage(rawText: string, rawSubject: string | undefined): Reading {
  const prepared = prepareMessage((rawText ?? '').slice(0, MAX_READ), MAIL);
  const subject = rawSubject ? prepareMessage(rawSubject.slice(0, 1000), []).body.replace(/\s+/g, ' ') : '';
  // "Re:"/"AW:"/"Fwd:" prefixes say nothing about the problem.
  const cleanSubject = subject.replace(/^(?:(?:re|aw|wg|fw|fwd|tr|rv|enc|r)\s*:\s*)+/i, '').trim();
  const text = cleanSubject ? `${cleanSubject.replace(/[.!?\s]+$/, '')}.\n${prepared.body}` : prepared.body;
  const subjectLength = cleanSubject ? cleanSubject.replace(/[.!?\s]+$/, '').length + 2 : 0;
  const folded = fold(text);
  const sents = splitSentences(text);
  const language = detectLanguage(prepared.body.length >= 20 || !cleanSubject ? prepared.body : text, folded.text.slice(subjectLength));
  const packs: LanguagePack[] = [];
  if (language.pack) packs.push(language.pack);
  // A short text whose language is a near-tie is read in both candidates.
  if (language.alternative && language.alternative !== ENGLISH) packs.push(language.alternative);
  if (!packs.includes(ENGLISH)) packs.push(ENGLISH);

  const hits: CueHit[] = [];
  const hedgedSentence = new Set<number>();
  const primary = packs[0];
  const f = folded.text;
  const toOriginal = (i: number) => folded.map[Math.min(i, folded.map.length - 1)];
  const add = (cue: AnyCue, fs: number, fe: number, lang: string, negated: boolean, original = false) => {
    const start = original ? fs : toOriginal(fs);
    const end = original ? fe : fe >= folded.text.length ? text.length : toOriginal(fe);
    const sentence = sentenceIndex(sents, start);
    hits.push({ cue, start, end, match: text.slice(start, end), sentence, negated, hedged: false, inSubject: start < subjectLength, lang });
  };
  for (const pack of packs) {
    const second = pack !== primary && pack !== language.alternative;
    for (const cue of CUE_NAMES) {
      if (second && !SECOND_PACK_CUES.has(cue)) continue;
      const re = pack.cues[cue];
      if (!re) continue;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(f))) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const negated = NEGATABLE.has(cue) && pack.negation.test(f.slice(Math.max(0, m.index - 30), m.index));
        add(cue, m.index, m.index + m[0].length, pack.code, negated);
      }
    }
  }
  // Cues that need no words.
  independentCues(text, f, add);
  for (const h of hits) if (h.cue === 'hearsay' && !h.negated) hedgedSentence.add(h.sentence);
  // A question that reports nothing broken is a question to support ("Can I keep my account if I move?").
  const reporting = new Set<number>();
  for (const h of hits) if (!h.negated && PROBLEM_IN_SENTENCE.has(h.cue)) reporting.add(h.sentence);
  sents.forEach((s, i) => {
    if (s.question && !reporting.has(i) && !hedgedSentence.has(i) && /\p{L}{3}/u.test(s.text))
      hits.push({
        cue: 'plainQuestion',
        start: s.start,
        end: s.end,
        match: s.text,
        sentence: i,
        negated: false,
        hedged: false,
        inSubject: s.start < subjectLength,
        lang: 'und',
      });
  });
  for (const h of hits) h.hedged = hedgedSentence.has(h.sentence) || (sents[h.sentence]?.question ?? false);
  // Same span found by two packs: keep the first (primary language).
  const seen = new Set<string>();
  const unique = hits.filter((h) => {
    const k = `${h.cue}|${h.start}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort((a, b) => a.start - b.start || a.end - b.end);
  const byCue = new Map<AnyCue, CueHit[]>();
  for (const h of unique) {
    const list = byCue.get(h.cue);
    if (list) list.push(h);
    else byCue.set(h.cue, [h]);
  }
  return { text, folded, sentences: sents, subjectLength, prepared, language, packs, hits: unique, byCue };
}

const HTTP =
  /(?<![#$€£\d.,/:-])\b([45]\d\d)(s|'s)?\b(?![.,]\d)(?! ?(?:orders?|products?|items?|parcels?|customers?|users?|people|euros?|dollars?|eur|usd|gbp|brl|km|ms|mb|kb|gb|skus?|units?|rows?|lines?|pages?|calls?|requests?|emails?|times?|x|px|%|€|\$|£|reais|seats?|mal|fois|veces|vezes|keer|volte|stück|pedidos|commandes|bestellingen|ordini|clientes|clients|kunden|klanten|clienti))/g;
const HTTP_CONTEXT =
  /(error|erro|fehler|fout|errore|http|status|code|codigo|got|get|getting|gives?|giving|throw|return|respon|fail|bad gateway|internal|forbidden|not found|unauthori|unavailable|timeout|gateway|with an? |a \d|an? \d|\bem\b|\bun\b|\been\b|\bein\b|renvoie|devuelve|retorna|geeft|liefert|restituisce|da|dá)/;
const ERROR_CODE =
  /\b(?:[A-Z][A-Z0-9]{2,}_[A-Z0-9_]{2,}|E(?:CONN[A-Z]+|TIMEDOUT|HOSTUNREACH|NETUNREACH|NOTFOUND|ADDRINUSE|PIPE|ACCES|PERM|NOENT|AI_AGAIN)|(?:ERR|E)[-_]?[A-Z]{0,6}[-_]?\d{2,5}|[A-Z]{2,6}-\d{3,6}|[A-Za-z]+(?:Exception|Error)\b|SQLSTATE|ORA-\d+|AADSTS\d+|OAuth\w*Error|Traceback|segfault|panic:|NullPointer\w*|undefined is not|cannot read propert(?:y|ies))/g;
const STACK_LINE = /^\s*(?:at [\w$.<>[\]]+ ?\(?[^)\n]*:\d+(?::\d+)?\)?|File "[^"]+", line \d+|\w+(?:\.\w+)+\(\w+\.java:\d+\))/gm;
const EMOJI_GOOD = /(?:🙏|👍|❤️|❤|😍|🎉|🙌|👏|😊|😀|😃|🥰|💯|✨|🚀)/gu;
const EMOJI_BAD = /(?:😡|😤|😠|🤬|😭|😢|😩|😫|💀|🙄|😞|😟|😰|😱|🔥|⚠️|🆘|❌)/gu;
const PERCENT = /\b(\d{1,3})(?:[.,]\d+)? ?%/g;
const AMOUNT = /(?:[€$£]|r\$)\s?\d[\d.,]*|\b\d[\d.,]*\s?(?:€|eur|euros?|usd|gbp|brl|reais|dollars?)\b/g;

function independentCues(text: string, f: string, add: (cue: AnyCue, s: number, e: number, lang: string, negated: boolean, original?: boolean) => void) {
  let m: RegExpExecArray | null;
  HTTP.lastIndex = 0;
  while ((m = HTTP.exec(f))) {
    const around = f.slice(Math.max(0, m.index - 30), m.index + 34);
    if (!m[2] && !HTTP_CONTEXT.test(around)) continue;
    add(m[1][0] === '5' ? 'http5xx' : 'http4xx', m.index, m.index + m[0].length, 'und', false);
  }
  // Error tokens are read on the original (case matters: ECONNRESET, UPLOAD_FAILED).
  ERROR_CODE.lastIndex = 0;
  const codes: [number, number][] = [];
  while ((m = ERROR_CODE.exec(text))) codes.push([m.index, m.index + m[0].length]);
  STACK_LINE.lastIndex = 0;
  let stack = 0;
  let firstStack: [number, number] | null = null;
  while ((m = STACK_LINE.exec(text))) {
    stack++;
    firstStack ??= [m.index, m.index + m[0].length];
  }
  // Offsets below are in the original text.
  for (const [s, e] of codes.slice(0, 5)) add('errorCode', s, e, 'und', false, true);
  if (stack >= 1 && firstStack) add('stackTrace', firstStack[0], firstStack[1], 'und', false, true);
  const letters = text.match(/\p{L}/gu) ?? [];
  const upper = text.match(/\p{Lu}/gu) ?? [];
  if (letters.length >= 20 && upper.length / letters.length > 0.6) add('shouting', 0, Math.min(text.length, 40), 'und', false, true);
  const bangs = text.match(/!{2,}|!/g) ?? [];
  if (bangs.length >= 2 || /!!/.test(text)) add('exclaim', text.indexOf('!'), text.indexOf('!') + 1, 'und', false, true);
  const q = text.indexOf('?');
  if (q >= 0) add('question', q, q + 1, 'und', false, true);
  EMOJI_GOOD.lastIndex = 0;
  if ((m = EMOJI_GOOD.exec(text))) add('emojiGood', m.index, m.index + m[0].length, 'und', false, true);
  EMOJI_BAD.lastIndex = 0;
  if ((m = EMOJI_BAD.exec(text))) add('emojiBad', m.index, m.index + m[0].length, 'und', false, true);
  PERCENT.lastIndex = 0;
  while ((m = PERCENT.exec(f))) if (Number(m[1]) >= 10) add('percent', m.index, m.index + m[0].length, 'und', false);
  AMOUNT.lastIndex = 0;
  if ((m = AMOUNT.exec(f))) add('amount', m.index, m.index + m[0].length, 'und', false);
}
