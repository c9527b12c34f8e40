/** Text normalisation shared by the triage rules: HTML, folding, sentences, mail clean-up. */
import type { MailResources } from './languages/pack';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (ENTITIES[k] !== undefined) return ENTITIES[k];
    try {
      if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
      if (k.startsWith('#')) return String.fromCodePoint(parseInt(k.slice(1), 10));
    } catch {
      return ' ';
    }
    return m;
  });
}

/** Removes HTML tags and entities; keeps block boundaries as sentence breaks (". "). */
export function stripHtml(input: string): string {
  if (!/[<&]/.test(input)) return input;
  return decodeEntities(
    input
      .replace(/<\s*(script|style)[^>]*>[\s\S]*?<\s*\/\s*\1\s*>/gi, ' ')
      .replace(/<\s*(br|\/p|\/div|\/li|\/h\d)\s*\/?>/gi, '. ')
      .replace(/<[^>]+>/g, ' '),
  );
}

/** Like {@link stripHtml} but block boundaries become line breaks (mail structure is kept). */
function stripHtmlToLines(input: string): string {
  if (!/[<&]/.test(input)) return input;
  return decodeEntities(
    input
      .replace(/<\s*(script|style)[^>]*>[\s\S]*?<\s*\/\s*\1\s*>/gi, ' ')
      .replace(/<\s*blockquote[^>]*>/gi, '\n> ')
      .replace(/<\s*(br|\/p|\/div|\/li|\/h\d|\/tr)\s*\/?>/gi, '\n')
      .replace(/<[^>]+>/g, ' '),
  );
}

function normalizeChars(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/[\u2013\u2014]/g, ' - ')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/\r\n?/g, '\n');
}

/** Cleans the raw text: HTML, smart quotes, whitespace. Keeps case. */
export function cleanText(input: string): string {
  return normalizeChars(stripHtml(input))
    .replace(/\s+/g, ' ')
    .replace(/([.!?])(?:\s*\.)+/g, '$1')
    .replace(/^[\s.]+/, '')
    .trim();
}

const FOLD_CACHE = new Map<string, string>();
const SPECIAL_FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ı: 'i', þ: 'th', ð: 'd' };

function foldChar(c: string): string {
  let f = FOLD_CACHE.get(c);
  if (f !== undefined) return f;
  const lower = c.toLowerCase();
  f = SPECIAL_FOLD[lower] ?? lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (FOLD_CACHE.size < 4096) FOLD_CACHE.set(c, f);
  return f;
}

export interface Folded {
  /** Lower-case, accents removed. */
  text: string;
  /** For each code unit of `text`, its offset in the original. */
  map: Int32Array;
}

/** Lower-cases and removes accents ("Überweisung" → "uberweisung"), remembering offsets. */
export function fold(s: string): Folded {
  // Fast path: plain ASCII folds to its lower-case with identical offsets.
  if (/^\p{ASCII}*$/u.test(s)) {
    const map = new Int32Array(s.length + 1);
    for (let i = 0; i <= s.length; i++) map[i] = i;
    return { text: s.toLowerCase(), map };
  }
  let out = '';
  const offsets: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) {
      out += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : s[i];
      offsets.push(i);
      continue;
    }
    // Keep surrogate pairs (emoji) whole.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      out += s[i] + s[i + 1];
      offsets.push(i, i + 1);
      i++;
      continue;
    }
    const f = foldChar(s[i]);
    for (let k = 0; k < f.length; k++) offsets.push(i);
    out += f;
  }
  offsets.push(s.length);
  return { text: out, map: Int32Array.from(offsets) };
}

/** Folds a short string (no offsets needed). */
export function foldString(s: string): string {
  return fold(s).text;
}

export interface Sentence {
  text: string;
  lower: string;
  start: number;
  end: number;
  question: boolean;
}

/** Splits into sentences (on . ! ? and line breaks), remembering questions. Offsets are into `text`. */
export function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = /[^.!?\n]+(?:[.!?]+|\n|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const raw = m[0];
    if (raw.length === 0) {
      re.lastIndex++;
      continue;
    }
    const t = raw.trim();
    if (!t) continue;
    const start = m.index + raw.indexOf(t);
    const last = out[out.length - 1];
    // Do not split "v2.3", "10.5", "e.g." style dots: merge when the dot is between digits.
    if (last && /\d\.$/.test(last.text) && /^\d/.test(t) && last.end === start) {
      last.text += t;
      last.lower = last.text.toLowerCase();
      last.end = start + t.length;
      last.question = /\?\s*$/.test(last.text);
      continue;
    }
    out.push({ text: t, lower: t.toLowerCase(), start, end: start + t.length, question: /\?\s*["')\]]?\s*$/.test(t) });
  }
  return out;
}

/** Light English stemmer ("payments" → "payment", "logging" → "log"). */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/'s$/, '');
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 5 && w.endsWith('ing')) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed')) w = undouble(w.slice(0, -2));
  else if (w.length > 4 && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  return /([bdgklmnprt])\1$/.test(w) ? w.slice(0, -1) : w;
}

/** Optimal-string-alignment distance (Levenshtein + adjacent transposition), bounded. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prev2: number[] = new Array(m + 1).fill(0);
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur: number[] = new Array(m + 1);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[m];
}

export interface PreparedMessage {
  /** What is left to read: greeting, quoted earlier mail and signature removed; lines kept. */
  body: string;
  removed: { greeting: boolean; quote: boolean; signature: boolean };
}

const OUTLOOK_FROM = /^(?:from|von|de|van|da|desde)\s?:\s*\S/i;
const OUTLOOK_NEXT =
  /^(?:sent|date|to|subject|cc|gesendet|datum|an|betreff|envoye|envoyé|a|à|objet|enviado|fecha|para|asunto|data|assunto|verzonden|aan|onderwerp|inviato|oggetto)\s?:/i;

/**
 * Removes what is not the customer's new message: quoted earlier mail ("> …", "On … wrote:",
 * forwarded headers), the signature after a sign-off line, and a greeting line. Works on lines,
 * with every language's mail words at once (the language is not known yet).
 */
export function prepareMessage(raw: string, mail: readonly MailResources[]): PreparedMessage {
  const text = normalizeChars(stripHtmlToLines(raw ?? ''));
  let lines = text.split('\n').map((l) => l.replace(/[ \t]+/g, ' ').trim());
  const removed = { greeting: false, quote: false, signature: false };
  const contentBefore = (i: number) => lines.slice(0, i).some((l) => /\p{L}{2}/u.test(l) && !isGreeting(l));
  const isGreeting = (l: string) => {
    const f = foldString(l);
    return mail.some((m) => m.greeting.test(f));
  };

  // Quoted earlier mail: cut from its first line to the end.
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l) continue;
    const f = foldString(l);
    const quoted =
      /^>/.test(l) ||
      mail.some((m) => m.quoteHeader.test(f) && !/^(?:from|von|de|van|da)\s?:/i.test(f)) ||
      (OUTLOOK_FROM.test(l) && lines.slice(i + 1, i + 5).some((n) => OUTLOOK_NEXT.test(n)));
    if (quoted && contentBefore(i)) {
      lines = lines.slice(0, i);
      removed.quote = true;
      break;
    }
  }
  // Signature: a sign-off line (or "--") near the end; the rest is name, title, company.
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l) continue;
    const rest = lines.slice(i + 1).filter(Boolean).length;
    if (rest > 8) continue;
    const f = foldString(l);
    if ((/^-- ?$/.test(l) || mail.some((m) => m.closing.test(f))) && contentBefore(i)) {
      lines = lines.slice(0, i);
      removed.signature = true;
      break;
    }
  }
  // Greeting line at the top.
  const first = lines.findIndex((l) => l.length > 0);
  if (first >= 0 && lines.slice(first + 1).some((l) => /\p{L}{2}/u.test(l)) && isGreeting(lines[first])) {
    lines.splice(first, 1);
    removed.greeting = true;
  }
  const body = lines
    .filter((l, i, a) => l.length > 0 || (i > 0 && a[i - 1].length > 0))
    .join('\n')
    .trim();
  return { body, removed };
}
