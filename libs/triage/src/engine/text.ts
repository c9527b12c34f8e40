/** Text normalisation shared by the triage rules. */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Removes HTML tags and entities; keeps block boundaries as sentence breaks. */
export function stripHtml(input: string): string {
  if (!/[<&]/.test(input)) return input;
  return input
    .replace(/<\s*(script|style)[^>]*>[\s\S]*?<\s*\/\s*\1\s*>/gi, ' ')
    .replace(/<\s*(br|\/p|\/div|\/li|\/h\d)\s*\/?>/gi, '. ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      const k = e.toLowerCase();
      if (ENTITIES[k] !== undefined) return ENTITIES[k];
      if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
      if (k.startsWith('#')) return String.fromCodePoint(parseInt(k.slice(1), 10));
      return m;
    });
}

/** Cleans the raw text: HTML, smart quotes, whitespace. Keeps case. */
export function cleanText(input: string): string {
  return stripHtml(input)
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, ' - ')
    .replace(/\s+/g, ' ')
    .replace(/([.!?])(?:\s*\.)+/g, '$1')
    .replace(/^[\s.]+/, '')
    .trim();
}

export interface Sentence {
  text: string;
  lower: string;
  start: number;
  question: boolean;
}

/** Splits into sentences (on . ! ? and line-ish breaks), remembering questions. */
export function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = /[^.!?]+(?:[.!?]+|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const raw = m[0];
    // Do not split "v2.3", "10.5", "e.g." style dots: merge when the dot is between digits.
    const t = raw.trim();
    if (!t) continue;
    const last = out[out.length - 1];
    if (last && /\d\.$/.test(last.text) && /^\d/.test(t)) {
      last.text += t;
      last.lower = last.text.toLowerCase();
      last.question = /\?\s*$/.test(last.text);
      continue;
    }
    out.push({ text: t, lower: t.toLowerCase(), start: m.index + raw.indexOf(t), question: /\?\s*$/.test(t) });
  }
  return out;
}

/** Light stemmer used for matching service names ("payments" → "payment", "logging" → "log"). */
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
