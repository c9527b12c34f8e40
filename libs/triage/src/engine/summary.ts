/** One-sentence summary and salient keywords. */
import { LANGUAGE_PACKS } from './languages/registry';
import { foldString, type Sentence } from './text';

const GREETING =
  /^(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|bonjour|hallo|hola|greetings)\b[^,.!?]{0,30}[,.!?-]*\s*|(?:hope (?:you'?re|you are|all is) (?:well|good)[^.!?]*[.!?]\s*)|(?:so,?\s+))+/i;
const FILLER = /^(?:thanks?|thank you|cheers|regards|best|br|kind regards)\b/i;

export function summarize(subject: string | undefined, sentences: Sentence[], problemOffsets: number[]): string {
  const candidates = sentences
    .map((s) => ({ s, text: s.text.replace(GREETING, '').trim() }))
    .filter((c) => c.text.length > 0 && !FILLER.test(c.text) && /[a-z]{3}/i.test(c.text));
  let chosen = candidates.find((c) => problemOffsets.some((o) => o >= c.s.start && o < c.s.start + c.s.text.length));
  chosen ??= candidates[0];
  let text = chosen?.text ?? '';
  if (text.length < 12 && subject?.trim()) text = subject.trim();
  if (!text && subject) text = subject.trim();
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (text.length > 200) {
    const cut = text.slice(0, 199);
    const space = cut.lastIndexOf(' ');
    text = (space > 120 ? cut.slice(0, space) : cut).replace(/[,;:\s-]+$/, '') + '…';
  }
  return text;
}

const STOP = new Set(
  (
    'the a an and or but if then than that this these those there their they them our ours we you your yours i me my mine it its is are was were be been being ' +
    'have has had do does did done can could would should will shall may might must not no yes so too very just also only even still again now today ' +
    'for from with without into onto about above below over under to of in on at by as up down out off all any some many much more most few several ' +
    'what which who whom whose when where why how hi hello hey thanks thank please team help ' +
    'since ago last past hour hours minute minutes min mins day days week weeks morning afternoon evening yesterday tonight ' +
    'get gets got getting see seeing seems seem like really anyone everyone everybody nobody someone customers customer users user people ' +
    'one two three time times thing things something everything nothing around while after before being because though although ' +
    'kind bit lot lots well sure think know let make makes made look looks looking want need needs keep keeps'
  ).split(/\s+/),
);
for (const p of LANGUAGE_PACKS) for (const w of p.stopwords) STOP.add(w);

export function keywords(lower: string, fixed: string[], max = 8): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (k: string) => {
    const key = k.toLowerCase();
    if (!key || seen.has(key) || out.length >= max) return;
    seen.add(key);
    out.push(key);
  };
  for (const f of fixed) push(f);
  const counts = new Map<string, { n: number; first: number }>();
  const re = /\p{L}[\p{L}\p{N}'-]{3,}/gu;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(lower))) {
    const w = m[0].replace(/'s$/, '').replace(/^-+|-+$/g, '');
    if (w.length < 4 || STOP.has(foldString(w)) || w.includes("'")) continue;
    const c = counts.get(w);
    if (c) c.n++;
    else counts.set(w, { n: 1, first: i++ });
  }
  [...counts.entries()].sort((a, b) => b[1].n - a[1].n || a[1].first - b[1].first).forEach(([w]) => push(w));
  return out;
}
